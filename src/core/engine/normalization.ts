import { NORM_EPS } from "./networkSpec.js";

/**
 * Normalises groups of values to mean 0, variance 1 (γ = 1, β = 0 at initialization):
 * z = (x − μ)/√(σ² + ε), μ and σ² the group's mean and population variance, ε = 1e−5.
 * LayerNorm (Ba, Kiros & Hinton (2016), "Layer Normalization"): one group per sample (a row of
 * [B, n]); BatchNorm (Ioffe & Szegedy (2015), "Batch Normalization"), training mode: one group
 * per feature (a column). Returns z and the per-group 1/√(σ² + ε) for the backward pass.
 * Computed in float64; the caller rounds.
 */
export function normalize(
  x: ArrayLike<number>,
  batch: number,
  n: number,
  kind: "layer" | "batch",
): { z: Float64Array; invStd: Float64Array } {
  const z = new Float64Array(batch * n);
  const groups = kind === "layer" ? batch : n;
  const size = kind === "layer" ? n : batch;
  const at = kind === "layer" ? (g: number, i: number) => g * n + i : (g: number, i: number) => i * n + g;
  const invStd = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let s = 0;
    for (let i = 0; i < size; i++) s += x[at(g, i)];
    const mu = s / size;
    let v = 0;
    for (let i = 0; i < size; i++) v += (x[at(g, i)] - mu) ** 2;
    const inv = 1 / Math.sqrt(v / size + NORM_EPS);
    invStd[g] = inv;
    for (let i = 0; i < size; i++) z[at(g, i)] = (x[at(g, i)] - mu) * inv;
  }
  return { z, invStd };
}

/**
 * Backward of {@link normalize}: for each group, dx = (dz − mean(dz) − z·mean(dz ⊙ z))·invStd.
 */
export function normalizeBackward(
  dz: ArrayLike<number>,
  z: ArrayLike<number>,
  invStd: ArrayLike<number>,
  batch: number,
  n: number,
  kind: "layer" | "batch",
): Float64Array {
  const dx = new Float64Array(batch * n);
  const groups = kind === "layer" ? batch : n;
  const size = kind === "layer" ? n : batch;
  const at = kind === "layer" ? (g: number, i: number) => g * n + i : (g: number, i: number) => i * n + g;
  for (let g = 0; g < groups; g++) {
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < size; i++) {
      m1 += dz[at(g, i)];
      m2 += dz[at(g, i)] * z[at(g, i)];
    }
    m1 /= size;
    m2 /= size;
    for (let i = 0; i < size; i++) dx[at(g, i)] = (dz[at(g, i)] - m1 - z[at(g, i)] * m2) * invStd[g];
  }
  return dx;
}
