import { symmetricEigenvalues } from "../linalg/symmetricEigenvalues.js";
import type { Rng } from "../random/Rng.js";
import { standardNormal } from "../random/normal.js";
import { marchenkoPasturEdges, spikeThreshold } from "./marchenkoPastur.js";
import type { PowerLawFit } from "./powerLawFit.js";
import { powerLawFit } from "./powerLawFit.js";

/** Spectral figures of a weight matrix W (rows × cols), in terms of the eigenvalues λ = s² of WᵀW. */
export interface WeightSpectrum {
  rows: number;
  cols: number;
  /** "full": every singular value (eigenvalues of the smaller Gram matrix); "lanczos": the converged largest ones */
  method: "full" | "lanczos";
  /** the eigenvalues λ = s² known, descending (all min(rows, cols) for "full") */
  eigenvalues: Float64Array;
  /** ‖W‖_F² / ‖W‖₂² */
  stableRank: number;
  /** largest singular value ‖W‖₂ */
  spectralNorm: number;
  /** Marchenko–Pastur upper edge of λ for this shape and the entries' variance */
  mpBulkEdge: number;
  /** eigenvalues above the Tracy–Widom spike threshold (a lower bound when `method` is lanczos and every known one is above) */
  spikes: number;
  /** power-law exponent of the ESD's tail, null for fewer than 20 eigenvalues */
  alpha: number | null;
  alphaFit: PowerLawFit | null;
}

/** Views up to this size get every singular value (Gram matrix + symmetric eigensolver, ≈ rows·k² + 4k³/3 flops for k = min side). */
const FULL_MAX_SIDE = 512;
const FULL_MAX_FLOPS = 4e8;
/** Lanczos steps for larger views (the converged top ones are kept). */
const LANCZOS_STEPS = 160;

/** Eigenvalues of the k×k Gram matrix of the smaller side, descending, clipped at 0. */
function gramEigenvalues(w: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  const len = tall ? rows : cols;
  const g = new Float64Array(k * k);
  if (tall) {
    // G = WᵀW = Σ_r w_r w_rᵀ
    const row = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) row[c] = w[r * cols + c];
      for (let i = 0; i < k; i++) {
        const ri = row[i];
        if (ri === 0) continue;
        const o = i * k;
        for (let j = i; j < k; j++) g[o + j] += ri * row[j];
      }
    }
  } else {
    const a = new Float64Array(len);
    const b = new Float64Array(len);
    for (let i = 0; i < k; i++) {
      for (let t = 0; t < len; t++) a[t] = w[i * cols + t];
      for (let j = i; j < k; j++) {
        for (let t = 0; t < len; t++) b[t] = w[j * cols + t];
        let s = 0;
        for (let t = 0; t < len; t++) s += a[t] * b[t];
        g[i * k + j] = s;
      }
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) g[i * k + j] = g[j * k + i];
  const ev = symmetricEigenvalues(g, k).map((x) => Math.max(0, x));
  return ev.reverse();
}

function orthogonalize(x: Float64Array, basis: Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) {
      let d = 0;
      for (let i = 0; i < x.length; i++) d += x[i] * b[i];
      for (let i = 0; i < x.length; i++) x[i] -= d * b[i];
    }
  }
}

function norm(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/** Squared singular values of the upper-bidiagonal B (diagonal a, superdiagonal b), descending: eigenvalues of the tridiagonal BᵀB. */
function bidiagonalEigenvalues(a: readonly number[], b: readonly number[], k: number): Float64Array {
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    t[i * k + i] = a[i] * a[i] + (i > 0 ? b[i - 1] * b[i - 1] : 0);
    if (i + 1 < k) {
      t[i * k + i + 1] = a[i] * b[i];
      t[(i + 1) * k + i] = a[i] * b[i];
    }
  }
  return symmetricEigenvalues(t, k).reverse();
}

/**
 * The largest singular values by Golub–Kahan–Lanczos bidiagonalization with full
 * reorthogonalization (Golub & Kahan (1965), "Calculating the singular values and
 * pseudo-inverse of a matrix"; Golub & Van Loan (2013), §10.4): `steps` products with W and Wᵀ,
 * then the singular values of the small bidiagonal B. A Ritz value is kept when it moved by less
 * than 10⁻⁶·s_max between step ⌊0.8·steps⌋ and `steps` (the largest converge first).
 * @returns converged λ = s², descending.
 */
function lanczosEigenvalues(w: Float64Array, rows: number, cols: number, steps: number, rng: Rng): Float64Array {
  const us: Float64Array[] = [];
  const vs: Float64Array[] = [];
  const alphas: number[] = [];
  const betas: number[] = [];
  let v = new Float64Array(cols);
  for (let i = 0; i < cols; i++) v[i] = standardNormal(rng);
  const nv = norm(v);
  for (let i = 0; i < cols; i++) v[i] /= nv;
  let uPrev: Float64Array | null = null;
  for (let j = 0; j < steps; j++) {
    vs.push(v);
    // u = W v − β_{j−1} u_{j−1}
    const u = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const o = r * cols;
      for (let c = 0; c < cols; c++) s += w[o + c] * v[c];
      u[r] = s;
    }
    if (uPrev) for (let r = 0; r < rows; r++) u[r] -= betas[j - 1] * uPrev[r];
    orthogonalize(u, us);
    const a = norm(u);
    alphas.push(a);
    if (!(a > 0)) break;
    for (let r = 0; r < rows; r++) u[r] /= a;
    us.push(u);
    uPrev = u;
    // v = Wᵀ u − α_j v_j
    const next = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const ur = u[r];
      const o = r * cols;
      for (let c = 0; c < cols; c++) next[c] += w[o + c] * ur;
    }
    for (let c = 0; c < cols; c++) next[c] -= a * v[c];
    orthogonalize(next, vs);
    const b = norm(next);
    if (!(b > 0) || j === steps - 1) break;
    betas.push(b);
    for (let c = 0; c < cols; c++) next[c] /= b;
    v = next;
  }
  const k = alphas.length;
  const last = bidiagonalEigenvalues(alphas, betas, k);
  const k0 = Math.max(1, Math.floor(0.8 * k));
  const earlier = bidiagonalEigenvalues(alphas.slice(0, k0), betas.slice(0, k0 - 1), k0);
  const sMax = Math.sqrt(Math.max(0, last[0]));
  let converged = 0;
  while (
    converged < k0 &&
    Math.abs(Math.sqrt(Math.max(0, last[converged])) - Math.sqrt(Math.max(0, earlier[converged]))) <= 1e-6 * sMax
  )
    converged++;
  return last.slice(0, Math.max(1, converged)).map((x) => Math.max(0, x));
}

/**
 * Spectral figures of W viewed as rows × cols (torch layout: [out, in·∏k], the matrix that maps an
 * input patch to the outputs — one matrix per conv layer rather than WeightWatcher's one per
 * kernel tap): singular values (every one for small views, the converged largest by Lanczos
 * otherwise), stable rank ‖W‖_F²/‖W‖₂², spectral norm, the Marchenko–Pastur bulk edge
 * σ²(√N + √M)² of λ = s² for the entries' variance σ², the eigenvalues above the Tracy–Widom
 * threshold (spikes), and the ESD's power-law tail exponent α.
 * @param rng starts the Lanczos iteration (unused for small views)
 */
export function weightSpectrum(w: ArrayLike<number>, rows: number, cols: number, rng: Rng): WeightSpectrum {
  if (w.length !== rows * cols) throw new RangeError(`weightSpectrum: need ${rows}x${cols} values, got ${w.length}`);
  let sum = 0;
  let ss = 0;
  for (let i = 0; i < w.length; i++) {
    sum += w[i];
    ss += w[i] * w[i];
  }
  const mean = sum / w.length;
  const variance = Math.max(0, ss / w.length - mean * mean);
  const k = Math.min(rows, cols);
  const full = k <= FULL_MAX_SIDE && Math.max(rows, cols) * k * k <= FULL_MAX_FLOPS;
  // one monomorphic float64 copy keeps the matrix–vector loops fast whatever array type came in
  const eigenvalues = full
    ? gramEigenvalues(w, rows, cols)
    : lanczosEigenvalues(
        w instanceof Float64Array ? w : Float64Array.from(w),
        rows,
        cols,
        Math.min(k, LANCZOS_STEPS),
        rng,
      );
  const top = eigenvalues[0];
  const threshold = spikeThreshold(rows, cols, variance);
  let spikes = 0;
  for (const l of eigenvalues) if (l > threshold) spikes++;
  const alphaFit = full ? powerLawFit(eigenvalues) : powerLawFit(eigenvalues, 10);
  return {
    rows,
    cols,
    method: full ? "full" : "lanczos",
    eigenvalues,
    stableRank: top > 0 ? ss / top : NaN,
    spectralNorm: Math.sqrt(top),
    mpBulkEdge: marchenkoPasturEdges(rows, cols, variance).upper,
    spikes,
    alpha: alphaFit ? alphaFit.alpha : null,
    alphaFit,
  };
}
