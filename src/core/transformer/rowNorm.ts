/** LayerNorm and RMSNorm over each row of [rows, d], without affine parameters (γ = 1, β = 0 at init). */
export type NormKind = "layer" | "rms" | "none";

/** The ε both norms add to the variance (PyTorch's and Keras's default LayerNorm ε is 1e−5 and 1e−3: initlab uses 1e−5). */
export const NORM_EPS = 1e-5;

/**
 * y = (x − μ)/√(σ² + ε) (layer; Ba, Kiros & Hinton (2016), "Layer Normalization") or
 * y = x/√(mean(x²) + ε) (rms; Zhang & Sennrich (2019), "Root Mean Square Layer Normalization"),
 * per row of d values; "none" copies. Returns y and each row's 1/√(…) for the backward pass.
 */
export function normForward(kind: NormKind, x: Float64Array, d: number): { y: Float64Array; r: Float64Array } {
  const rows = x.length / d;
  const y = new Float64Array(x.length);
  const r = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    if (kind === "none") {
      for (let j = 0; j < d; j++) y[o + j] = x[o + j];
      r[i] = 1;
      continue;
    }
    let mu = 0;
    if (kind === "layer") {
      for (let j = 0; j < d; j++) mu += x[o + j];
      mu /= d;
    }
    let v = 0;
    for (let j = 0; j < d; j++) v += (x[o + j] - mu) ** 2;
    const ri = 1 / Math.sqrt(v / d + NORM_EPS);
    r[i] = ri;
    for (let j = 0; j < d; j++) y[o + j] = (x[o + j] - mu) * ri;
  }
  return { y, r };
}

/**
 * ∂L/∂x from ∂L/∂y: layer: r·(g − mean(g) − y·mean(g⊙y)); rms: r·(g − y·mean(g⊙y)); none: g.
 */
export function normBackward(
  kind: NormKind,
  g: Float64Array,
  y: Float64Array,
  r: Float64Array,
  d: number,
): Float64Array {
  if (kind === "none") return Float64Array.from(g);
  const gx = new Float64Array(g.length);
  for (let i = 0; i < r.length; i++) {
    const o = i * d;
    let mg = 0;
    let mgy = 0;
    for (let j = 0; j < d; j++) {
      mg += g[o + j];
      mgy += g[o + j] * y[o + j];
    }
    mg = kind === "layer" ? mg / d : 0;
    mgy /= d;
    for (let j = 0; j < d; j++) gx[o + j] = r[i] * (g[o + j] - mg - y[o + j] * mgy);
  }
  return gx;
}
