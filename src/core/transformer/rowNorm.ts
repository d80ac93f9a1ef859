import { NORM_EPS } from "../engine/networkSpec.js";
import { normalize, normalizeBackward } from "../engine/normalization.js";

/** LayerNorm and RMSNorm over each row of [rows, d], without affine parameters (γ = 1, β = 0 at init). */
export type NormKind = "layer" | "rms" | "none";

/**
 * y = (x − μ)/√(σ² + ε) (layer: the engine's {@link normalize}) or y = x/√(mean(x²) + ε) (rms;
 * Zhang & Sennrich (2019), "Root Mean Square Layer Normalization"), per row of d values, ε = 1e−5;
 * "none" copies. Returns y and each row's 1/√(…) for the backward pass.
 */
export function normForward(kind: NormKind, x: Float64Array, d: number): { y: Float64Array; r: Float64Array } {
  const rows = x.length / d;
  if (kind === "layer") {
    const { z, invStd } = normalize(x, rows, d, "layer");
    return { y: z, r: invStd };
  }
  if (kind === "none") return { y: Float64Array.from(x), r: new Float64Array(rows).fill(1) };
  const y = new Float64Array(x.length);
  const r = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    let ms = 0;
    for (let j = 0; j < d; j++) ms += x[o + j] ** 2;
    const ri = 1 / Math.sqrt(ms / d + NORM_EPS);
    r[i] = ri;
    for (let j = 0; j < d; j++) y[o + j] = x[o + j] * ri;
  }
  return { y, r };
}

/**
 * ∂L/∂x from ∂L/∂y: layer: the engine's {@link normalizeBackward}, r·(g − mean(g) − y·mean(g⊙y));
 * rms: r·(g − y·mean(g⊙y)); none: g.
 */
export function normBackward(
  kind: NormKind,
  g: Float64Array,
  y: Float64Array,
  r: Float64Array,
  d: number,
): Float64Array {
  if (kind === "none") return Float64Array.from(g);
  if (kind === "layer") return normalizeBackward(g, y, r, r.length, d, "layer");
  const gx = new Float64Array(g.length);
  for (let i = 0; i < r.length; i++) {
    const o = i * d;
    let mgy = 0;
    for (let j = 0; j < d; j++) mgy += g[o + j] * y[o + j];
    mgy /= d;
    for (let j = 0; j < d; j++) gx[o + j] = r[i] * (g[o + j] - y[o + j] * mgy);
  }
  return gx;
}
