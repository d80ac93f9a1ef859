import { symmetricEigenvalues } from "../linalg/symmetricEigenvalues.js";

/**
 * Mean pairwise cosine similarity of the token vectors of one sample h [s, d]: the mean over
 * pairs i < j of ⟨h_i, h_j⟩/(‖h_i‖‖h_j‖). It tends to 1 when attention collapses every token to
 * the same vector (rank collapse: Dong, Cordonnier & Loukas (2021), "Attention is Not All You
 * Need: Pure Attention Loses Rank Doubly Exponentially with Depth"; Noci et al. (2022)). A zero
 * vector counts as cosine 0 with everything; a non-finite one makes the result NaN.
 */
export function tokenCosine(h: ArrayLike<number>, s: number, d: number): number {
  if (s < 2) return Number.NaN;
  const norms = new Float64Array(s);
  for (let i = 0; i < s; i++) {
    let n = 0;
    for (let c = 0; c < d; c++) n += h[i * d + c] ** 2;
    norms[i] = Math.sqrt(n);
  }
  let sum = 0;
  for (let i = 0; i < s; i++)
    for (let j = i + 1; j < s; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += h[i * d + c] * h[j * d + c];
      const n = norms[i] * norms[j];
      sum += n > 0 || !Number.isFinite(n) ? dot / n : 0;
    }
  return sum / ((s * (s - 1)) / 2);
}

/**
 * Effective rank of the token matrix h [s, d] (Roy & Vetterli (2007), "The effective rank: a
 * measure of effective dimensionality"): exp(−Σ p_k ln p_k) with p_k = σ_k/Σσ over the singular
 * values σ_k (the square roots of the eigenvalues of h hᵀ). Between 1 (all tokens on one line) and
 * min(s, d); NaN for a zero matrix or one with a non-finite value (an overflowed stream is a result, not an error).
 */
export function effectiveRank(h: ArrayLike<number>, s: number, d: number): number {
  for (let i = 0; i < s * d; i++) if (!Number.isFinite(h[i])) return Number.NaN;
  const g = new Float64Array(s * s);
  for (let i = 0; i < s; i++)
    for (let j = i; j < s; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += h[i * d + c] * h[j * d + c];
      g[i * s + j] = dot;
      g[j * s + i] = dot;
    }
  const sigma = Array.from(symmetricEigenvalues(g, s), (l) => Math.sqrt(Math.max(l, 0)));
  const total = sigma.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return Number.NaN;
  let entropy = 0;
  for (const x of sigma) if (x > 0) entropy -= (x / total) * Math.log(x / total);
  return Math.exp(entropy);
}
