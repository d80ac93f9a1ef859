import { parseActivation } from "../engine/activations.js";
import { initialize } from "../init/initialize.js";
import { fillNormal } from "../random/normal.js";
import { rngStream } from "../random/Rng.js";
import type { AttentionSums, BlockCache, BlockWeights, PassShape } from "./transformerPass.js";
import { blockBackward, blockForward } from "./transformerPass.js";
import type { TransformerSpec } from "./transformerSpec.js";
import { checkTransformer, residualScheme } from "./transformerSpec.js";
import { effectiveRank, tokenCosine } from "./tokenSignals.js";

/** One block's signals, as `initlab propagate --arch transformer --json` writes them. */
export interface TransformerLayer {
  index: number;
  /** the residual stream after the block: mean, std and rms over batch, tokens and channels */
  stream: { mean: number; std: number; rms: number };
  /** mean attention entropy (nats) over samples, heads and queries; the std of the scaled logits QKᵀ/√d_h */
  attention: { entropy: number; logitStd: number };
  /** mean pairwise cosine of the token vectors after the block, averaged over samples */
  tokenCosine: number;
  /** effective rank of the token matrix after the block, averaged over samples */
  effectiveRank: number;
  /** with backward: ‖∂L/∂x‖ at the block's input, and ‖∂L/∂W‖ of its attention (Q, K, V, O), its MLP (W_1, W_2) and all */
  grad: { stream: number; attention: number; mlp: number; weights: number } | null;
}

export interface TransformerResult {
  arch: "transformer";
  dtype: "float64";
  spec: TransformerSpec;
  batch: number;
  seed: number;
  input: { std: number };
  layers: TransformerLayer[];
  /** with backward: the loss L = Σ out ⊙ T, T ~ N(0, 1) a fixed random readout (stream (seed, "readout")) */
  loss: number | null;
}

const norm2 = (...arrays: (Float64Array | null)[]) =>
  Math.sqrt(arrays.reduce((a, x) => a + (x ? x.reduce((s, v) => s + v * v, 0) : 0), 0));

/** Transposes a row-major [rows, cols] matrix (a torch [out, in] weight into keras [in, out]). */
function transpose(v: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(v.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = v[i * cols + j];
  return t;
}

/**
 * Draws one block's weights, each matrix from its own stream (seed, "transformer", block, name),
 * as keras-layout [in, out] matrices, then scales them by the residual scheme ({@link residualScheme}).
 * With a framework, each matrix is drawn in that framework's shape and layout, so its fan rule
 * applies; `init: "default"` gives the framework's own defaults for these layers:
 * - torch (nn.TransformerEncoderLayer): nn.MultiheadAttention's packed in_proj_weight [3d, d]
 *   xavier_uniform_ (fan_in d, fan_out 3d: U(±√(3/(2d))), split into W_Q, W_K, W_V); out_proj and the
 *   MLP's nn.Linear layers keep Linear's kaiming_uniform_(a=√5): U(±1/√fan_in).
 * - keras (layers.MultiHeadAttention + Dense): glorot_uniform on EinsumDense kernels [d, H, d_h] for Q, K, V —
 *   Keras's fan rule counts the heads, fan_in = H·d, fan_out = d_h·d, so Var = 2/(d(H + d_h)) — and
 *   [H, d_h, d] for the output (fan_in d, fan_out H·d); the MLP's Dense kernels glorot_uniform.
 */
export function drawBlockWeights(spec: TransformerSpec, seed: number, block: number, f: number): BlockWeights {
  const sc = residualScheme(spec.residualScale, spec.depth);
  const d = spec.width;
  const heads = spec.heads;
  const dh = d / heads;
  const fw = spec.framework;
  const isDefault = spec.init === "default" || spec.init === "layer_default";
  const sample = (name: string, init: string, shape: number[]) =>
    initialize(init, { shape, framework: fw }, rngStream(seed, "transformer", block, name), "float64")
      .values as Float64Array;
  /** one [rows → cols] matrix in keras layout: torch draws [cols, rows] and is transposed */
  const matrix = (name: string, init: string, rows: number, cols: number) =>
    fw === "torch" ? transpose(sample(name, init, [cols, rows]), cols, rows) : sample(name, init, [rows, cols]);
  let q: Float64Array, k: Float64Array, v: Float64Array, o: Float64Array, w1: Float64Array, w2: Float64Array;
  if (isDefault && fw === "torch") {
    const packed = sample("qkv", "xavier_uniform", [3 * d, d]);
    [q, k, v] = [0, 1, 2].map((p) => transpose(packed.subarray(p * d * d, (p + 1) * d * d), d, d));
    o = matrix("o", "layer_default", d, d);
    w1 = matrix("w1", "layer_default", d, f);
    w2 = matrix("w2", "layer_default", f, d);
  } else if (isDefault) {
    [q, k, v] = ["q", "k", "v"].map((name) => sample(name, "glorot_uniform", [d, heads, dh]));
    o = sample("o", "glorot_uniform", [heads, dh, d]);
    w1 = sample("w1", "glorot_uniform", [d, f]);
    w2 = sample("w2", "glorot_uniform", [f, d]);
  } else {
    [q, k, v, o] = ["q", "k", "v", "o"].map((name) => matrix(name, spec.init, d, d));
    w1 = matrix("w1", spec.init, d, f);
    w2 = matrix("w2", spec.init, f, d);
  }
  const scaled = (x: Float64Array, factor: number) => {
    if (factor !== 1) for (let i = 0; i < x.length; i++) x[i] *= factor;
    return x;
  };
  // μP initializes the queries to zero
  if (spec.parameterization === "mup") q.fill(0);
  return {
    attn: { q: scaled(q, sc.q), k: scaled(k, sc.k), v: scaled(v, sc.v), o: scaled(o, sc.o) },
    w1: spec.attentionOnly ? null : scaled(w1, sc.w1),
    w2: spec.attentionOnly ? null : scaled(w2, sc.w2),
  };
}

const zerosLike = (w: BlockWeights): BlockWeights => ({
  attn: {
    q: new Float64Array(w.attn.q.length),
    k: new Float64Array(w.attn.k.length),
    v: new Float64Array(w.attn.v.length),
    o: new Float64Array(w.attn.o.length),
  },
  w1: w.w1 ? new Float64Array(w.w1.length) : null,
  w2: w.w2 ? new Float64Array(w.w2.length) : null,
});

/**
 * Runs a batch of random token sequences x ~ N(0, 1) [batch, seq, width] (stream (seed, "input"))
 * through a stack of transformer blocks ({@link blockForward}) in float64, and measures each
 * block: the residual stream's mean/std/rms, attention entropy and logit std, token cosine and
 * effective rank; with `backward`, the gradients of L = Σ out ⊙ T (a fixed random readout) at each
 * block's input and on its weights. Biases are absent and norms have γ = 1, β = 0, as at init.
 */
export function propagateTransformer(
  spec: TransformerSpec,
  options: { batch: number; seed: number; backward?: boolean; weights?: BlockWeights[] },
): TransformerResult {
  checkTransformer(spec);
  const { batch, seed } = options;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch: must be an integer >= 1, got ${batch}`);
  const act = parseActivation(spec.activation);
  const shape: PassShape = { s: spec.seq, d: spec.width, heads: spec.heads, f: Math.round(spec.mlpRatio * spec.width) };
  const { alpha } = residualScheme(spec.residualScale, spec.depth);
  const weights =
    options.weights ?? Array.from({ length: spec.depth }, (_, l) => drawBlockWeights(spec, seed, l, shape.f));
  const n = shape.s * shape.d;
  const x = fillNormal(rngStream(seed, "input"), new Float64Array(batch * n)) as Float64Array;
  let h = Array.from({ length: batch }, (_, b) => x.subarray(b * n, (b + 1) * n));
  const caches: BlockCache[][] = [];
  const layers: TransformerLayer[] = [];
  for (let l = 0; l < spec.depth; l++) {
    const sums: AttentionSums = { logitSum: 0, logitSq: 0, logits: 0, entropy: 0 };
    const step = h.map((xb) => blockForward(xb, weights[l], spec, shape, act, alpha, sums));
    if (options.backward) caches.push(step.map((r) => r.cache));
    h = step.map((r) => r.out);
    layers.push(blockSignals(l, h, shape, sums, batch));
  }
  let loss: number | null = null;
  if (options.backward) {
    const t = fillNormal(rngStream(seed, "readout"), new Float64Array(batch * n)) as Float64Array;
    loss = 0;
    for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) loss += h[b][i] * t[b * n + i];
    let g = Array.from({ length: batch }, (_, b) => t.subarray(b * n, (b + 1) * n) as Float64Array);
    for (let l = spec.depth - 1; l >= 0; l--) {
      const grads = zerosLike(weights[l]);
      g = g.map((gb, b) => blockBackward(gb, caches[l][b], weights[l], grads, spec, shape, act, alpha));
      const a = grads.attn;
      layers[l].grad = {
        stream: norm2(...g),
        attention: norm2(a.q, a.k, a.v, a.o),
        mlp: norm2(grads.w1, grads.w2),
        weights: norm2(a.q, a.k, a.v, a.o, grads.w1, grads.w2),
      };
    }
  }
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += x[i] * x[i];
  return {
    arch: "transformer",
    dtype: "float64",
    spec,
    batch,
    seed,
    input: { std: Math.sqrt(ss / x.length) },
    layers,
    loss,
  };
}

function blockSignals(
  index: number,
  h: Float64Array[],
  shape: PassShape,
  sums: AttentionSums,
  batch: number,
): TransformerLayer {
  let sum = 0;
  let sq = 0;
  let count = 0;
  let cos = 0;
  let rank = 0;
  for (const hb of h) {
    for (const v of hb) {
      sum += v;
      sq += v * v;
    }
    count += hb.length;
    cos += tokenCosine(hb, shape.s, shape.d);
    rank += effectiveRank(hb, shape.s, shape.d);
  }
  const mean = sum / count;
  const lm = sums.logitSum / sums.logits;
  return {
    index,
    stream: { mean, std: Math.sqrt(Math.max(0, sq / count - mean * mean)), rms: Math.sqrt(sq / count) },
    attention: {
      entropy: sums.entropy / (batch * shape.heads * shape.s),
      logitStd: Math.sqrt(Math.max(0, sums.logitSq / sums.logits - lm * lm)),
    },
    tokenCosine: cos / batch,
    effectiveRank: rank / batch,
    grad: null,
  };
}
