/** One layer as LSUV sees it: a function of the current scale of its weights that returns its output on the batch. */
export interface LsuvLayer {
  /** rescales the layer's weights in place: W ← factor·W */
  scale(factor: number): void;
  /** the layer's output (pre-activation) on the batch, given everything before it */
  output(): ArrayLike<number> | Promise<ArrayLike<number>>;
}

export interface LsuvOptions {
  /** stop when |Var(output) − 1| < tol; default 0.1 */
  tol?: number;
  /** at most this many rescalings per layer; default 10 */
  maxIterations?: number;
}

export interface LsuvLayerReport {
  /** variance of the layer's output before LSUV touched it */
  initialVariance: number;
  finalVariance: number;
  iterations: number;
  /** product of the factors applied to W */
  totalScale: number;
  converged: boolean;
}

/**
 * Layer-sequential unit-variance initialization (Mishkin & Matas (2016), "All you need is a good
 * init"): after an orthonormal pre-initialization, for each layer l in order, while
 * |Var(B_l) − 1| ≥ tol and fewer than maxIterations rescalings: W_l ← W_l/√Var(B_l), where B_l
 * is the layer's output on a data batch. Earlier layers are already scaled when a later one is
 * measured. A layer whose output variance is 0 or non-finite cannot be rescaled and is reported
 * as not converged.
 * @param layers in forward order; `output()` must reflect earlier layers' scaling.
 */
export async function lsuv(layers: readonly LsuvLayer[], options: LsuvOptions = {}): Promise<LsuvLayerReport[]> {
  const tol = options.tol ?? 0.1;
  const maxIterations = options.maxIterations ?? 10;
  if (!(tol > 0) || !Number.isFinite(tol)) throw new RangeError(`tol: must be a finite number > 0, got ${tol}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 0)
    throw new RangeError(`maxIterations: must be an integer >= 0, got ${maxIterations}`);
  const reports: LsuvLayerReport[] = [];
  for (const layer of layers) {
    let v = variance(await layer.output());
    const initialVariance = v;
    let iterations = 0;
    let totalScale = 1;
    while (Math.abs(v - 1) >= tol && iterations < maxIterations && v > 0 && Number.isFinite(v)) {
      const f = 1 / Math.sqrt(v);
      layer.scale(f);
      totalScale *= f;
      iterations++;
      v = variance(await layer.output());
    }
    reports.push({ initialVariance, finalVariance: v, iterations, totalScale, converged: Math.abs(v - 1) < tol });
  }
  return reports;
}

function variance(x: ArrayLike<number>): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
  return ss / n;
}
