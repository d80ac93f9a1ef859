import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import { sumInDtype } from "../numeric/sum.js";
import { rngStream } from "../random/Rng.js";
import type { ProgressListener } from "./progress.js";
import type { DtypeSampler } from "./weightSamplers.js";
import { scaledNormal } from "./weightSamplers.js";

export interface LinearNetGradientOptions {
  seed: number;
  /** stream label, e.g. "lecun" or "xavier" */
  stream: string;
  weights: DtypeSampler;
  /** width n of the input, output and every layer; default 625 */
  width?: number;
  /** number of [n, n] layers; default 5 */
  layers?: number;
  /** default 150 */
  epochs?: number;
  /** default 0.001 */
  learningRate?: number;
  dtype?: Dtype;
  /**
   * Reproduce the notebook's code literally: after each epoch feed the network's output back as the
   * next epoch's input (it assigns the output to `x` inside its loop). Default false: fixed x, y.
   */
  feedOutputBack?: boolean;
  onProgress?: ProgressListener;
}

export interface LinearNetGradientResult {
  dtype: Dtype;
  epochs: number;
  learningRate: number;
  feedOutputBack: boolean;
  /** meanGradient[e][l]: mean of ∂loss/∂W_l over its n² entries at epoch e (before that epoch's update) */
  meanGradient: number[][];
  /** loss[e]: mean((y − x·W_1⋯W_L)²) at epoch e, before the update */
  loss: number[];
  /** gradientNorm[e][l]: ‖∂loss/∂W_l‖_F = ‖h_{l−1}‖·‖δ_l‖ (an outer product's Frobenius norm) */
  gradientNorm: number[][];
}

/**
 * Seed study experiments 5 and 7: a deep linear net out = x·W_1·…·W_L trained by plain gradient
 * descent on loss = mean((y − out)²) with x, y ~ N(0, 1) [1, n], every operation in `dtype`.
 * Backward pass: δ_L = 2(out − y)/n; δ_{l−1} = δ_l·W_lᵀ; ∂loss/∂W_l = h_{l−1}ᵀ·δ_l (h_0 = x);
 * then W_l ← W_l − lr·∂loss/∂W_l for every layer at once (gradients use the pre-update weights).
 * The mean of each gradient is summed row by row in the dtype, then over rows.
 */
export function linearNetGradients(options: LinearNetGradientOptions): LinearNetGradientResult {
  const n = options.width ?? 625;
  const L = options.layers ?? 5;
  const epochs = options.epochs ?? 150;
  const lr = options.learningRate ?? 0.001;
  const dtype = options.dtype ?? "float32";
  const feedBack = options.feedOutputBack ?? false;
  const round = rounder(dtype);
  const { seed, stream } = options;

  let x = new Float64Array(n);
  const y = new Float64Array(n);
  scaledNormal(1)(rngStream(seed, stream, "x"), x, dtype);
  scaledNormal(1)(rngStream(seed, stream, "y"), y, dtype);
  // float32 weights live in a Float32Array (a store rounds exactly as Math.fround does) so that
  // the five 625×625 matrices stream through the cache at half the bytes.
  const W: (Float64Array | Float32Array)[] = [];
  for (let l = 0; l < L; l++) {
    const w = new Float64Array(n * n);
    options.weights(rngStream(seed, stream, "weights", l), w, dtype);
    W.push(dtype === "float32" ? Float32Array.from(w) : w);
  }
  const h: Float64Array[] = Array.from({ length: L + 1 }, () => new Float64Array(n));
  const delta: Float64Array[] = Array.from({ length: L + 1 }, () => new Float64Array(n));
  const rowSums = new Float64Array(n);
  const sq = new Float64Array(n);
  const rlr = round(lr);
  const meanGradient: number[][] = [];
  const loss: number[] = [];
  const gradientNorm: number[][] = [];

  const matvec = (v: Float64Array, w: Float64Array | Float32Array, out: Float64Array) => {
    out.fill(0);
    for (let p = 0; p < n; p++) {
      const vp = v[p];
      const o = p * n;
      for (let j = 0; j < n; j++) out[j] = round(out[j] + round(vp * w[o + j]));
    }
  };
  const norm = (v: Float64Array) => {
    for (let i = 0; i < n; i++) sq[i] = round(v[i] * v[i]);
    return round(Math.sqrt(sumInDtype(sq, dtype)));
  };

  for (let e = 0; e < epochs; e++) {
    h[0].set(x);
    for (let l = 0; l < L; l++) matvec(h[l], W[l], h[l + 1]);
    const out = h[L];
    for (let j = 0; j < n; j++) {
      const d = round(out[j] - y[j]);
      sq[j] = round(d * d);
      delta[L][j] = round(round(2 * d) / n);
    }
    loss.push(round(sumInDtype(sq, dtype) / n));
    const means: number[] = new Array<number>(L);
    const norms: number[] = new Array<number>(L);
    for (let l = L - 1; l >= 0; l--) {
      backwardAndUpdate(h[l], delta[l + 1], delta[l], W[l], rowSums, rlr, round);
      means[l] = round(sumInDtype(rowSums, dtype) / (n * n));
      norms[l] = round(norm(h[l]) * norm(delta[l + 1]));
    }
    meanGradient.push(means);
    gradientNorm.push(norms);
    if (feedBack) x = Float64Array.from(out);
    options.onProgress?.({ step: stream, done: e + 1, total: epochs });
  }
  return { dtype, epochs, learningRate: lr, feedOutputBack: feedBack, meanGradient, loss, gradientNorm };
}

/**
 * One layer's backward pass fused with its update, rounded to the dtype at every operation: row p of
 * W gives δ_in[p] = Σ_j δ[j]·W[p,j] from the pre-update weights, then that row is updated with
 * g[p,j] = h[p]·δ[j] (W[p,j] ← W[p,j] − lr·g[p,j]); rowSums[p] = Σ_j g[p,j].
 */
function backwardAndUpdate(
  h: Float64Array,
  delta: Float64Array,
  deltaIn: Float64Array,
  w: Float64Array | Float32Array,
  rowSums: Float64Array,
  lr: number,
  round: (x: number) => number,
): void {
  const n = h.length;
  for (let p = 0; p < n; p++) {
    const hp = h[p];
    const o = p * n;
    let s = 0;
    let b = 0;
    for (let j = 0; j < n; j++) {
      const dj = delta[j];
      const wj = w[o + j];
      b = round(b + round(dj * wj));
      const g = round(hp * dj);
      s = round(s + g);
      w[o + j] = round(wj - round(lr * g));
    }
    rowSums[p] = s;
    deltaIn[p] = b;
  }
}
