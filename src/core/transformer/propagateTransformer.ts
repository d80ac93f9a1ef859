import { parseActivation } from "../engine/activations.js";
import { initialize } from "../init/initialize.js";
import type { Dtype } from "../numeric/dtype.js";
import { parseDtype, rounder } from "../numeric/dtype.js";
import { fillNormal } from "../random/normal.js";
import { rngStream } from "../random/Rng.js";
import type { AttentionWeights } from "./attention.js";
import type { AttentionSums, BlockCache, BlockWeights, PassShape } from "./transformerPass.js";
import { blockBackward, blockForward } from "./transformerPass.js";
import type { NormKind } from "./rowNorm.js";
import { normBackward, normForward } from "./rowNorm.js";
import type { TransformerSpec } from "./transformerSpec.js";
import { checkTransformer, memoryEncoder, residualScheme, stackRole } from "./transformerSpec.js";
import { drawBlockWeights } from "./blockWeights.js";
import type { StreamTheory } from "./streamTheory.js";
import { streamTheory } from "./streamTheory.js";
import { effectiveRank, tokenCosine } from "./tokenSignals.js";
import { softmaxReadout } from "./softmaxReadout.js";

/** One block's signals, as `initlab propagate --arch transformer --json` writes them. */
export interface TransformerLayer {
  index: number;
  /** the residual stream after the block: mean, std and rms over batch, tokens and channels */
  stream: { mean: number; std: number; rms: number };
  /** mean attention entropy (nats) over samples, heads and queries; the std of the scaled logits QKᵀ/√d_h */
  attention: { entropy: number; logitStd: number };
  /** a decoder block: its cross-attention's entropy and logit std (absent otherwise) */
  cross?: { entropy: number; logitStd: number };
  /** mean pairwise cosine of the token vectors after the block, averaged over samples */
  tokenCosine: number;
  /** effective rank of the token matrix after the block, averaged over samples */
  effectiveRank: number;
  /**
   * with backward: ‖∂L/∂x‖ at the block's input, and ‖∂L/∂W‖ of its attention (Q, K, V, O), its MLP
   * (W_1, W_2), a decoder block's cross-attention (absent otherwise) and all
   */
  grad: { stream: number; attention: number; mlp: number; cross?: number; weights: number } | null;
}

export interface TransformerResult {
  arch: "transformer";
  /** what every product, sum and stored value was rounded to */
  dtype: Dtype;
  spec: TransformerSpec;
  batch: number;
  seed: number;
  input: { std: number };
  /**
   * a decoder's memory (the encoder's output it attends to): its std and token cosine over the
   * batch, the encoder's depth, and the encoder's blocks (their gradients with backward: the loss
   * reaches them through every cross-attention's keys and values); null without cross-attention
   */
  memory: { std: number; tokenCosine: number; encoderDepth: number; layers: TransformerLayer[] } | null;
  layers: TransformerLayer[];
  /**
   * with backward: the loss L = Σ out ⊙ T, T ~ N(0, 1) a fixed random readout (stream (seed,
   * "readout")), or with spec.readout the softmax cross-entropy summed over tokens and samples; with
   * spec.finalNorm, out is the final norm of the last block's output
   */
  loss: number | null;
  /** with backward and a softmax readout: ‖∂L/∂W_U‖ of the unembedding; null otherwise */
  unembeddingGrad: number | null;
  /** the mean-field stream band and, for pre-norm stacks, the gradient ratio ({@link streamTheory}) */
  theory: StreamTheory;
}

const norm2 = (...arrays: (Float64Array | null)[]) =>
  Math.sqrt(arrays.reduce((a, x) => a + (x ? x.reduce((s, v) => s + v * v, 0) : 0), 0));

/**
 * The inputs [batch, seq, width]: x ~ N(0, 1) (stream (seed, "input")), or with spec.embedding the
 * rows E[t] of a table E [vocab, width] drawn from its init (stream (seed, "embedding")) at tokens t
 * uniform on 0 … vocab − 1 (stream (seed, "tokens")). A memory encoder's source tokens (`source`)
 * come from the streams (seed, "source") and (seed, "source tokens"), with the same table.
 */
export function inputTokens(spec: TransformerSpec, batch: number, seed: number, source = false): Float64Array {
  const n = batch * spec.seq * spec.width;
  if (!spec.embedding)
    return fillNormal(rngStream(seed, source ? "source" : "input"), new Float64Array(n)) as Float64Array;
  const { vocab, init } = spec.embedding;
  const table = initialize(
    init,
    { shape: [vocab, spec.width], framework: spec.framework },
    rngStream(seed, "embedding"),
    "float64",
  ).values as Float64Array;
  const tokens = rngStream(seed, source ? "source tokens" : "tokens");
  const x = new Float64Array(n);
  for (let t = 0; t < batch * spec.seq; t++) {
    const row = Math.floor(tokens.nextDouble() * vocab);
    x.set(table.subarray(row * spec.width, (row + 1) * spec.width), t * spec.width);
  }
  return x;
}

/** What a softmax readout needs for one sample: the unembedding, the sample's target tokens, and W_U's gradient to add into. */
export interface SoftmaxTarget {
  unembedding: Float64Array;
  tokens: Int32Array;
  gradW: Float64Array;
}

/**
 * The loss of one sample and its gradient at the last block's output h, where out = h, or
 * out = N(h) (the spec's norm, rounded to the dtype) with spec.finalNorm: L = Σ out ⊙ t for a
 * random readout t, or the softmax cross-entropy of out·W_U ({@link softmaxReadout}); ∂L/∂h is
 * the norm's backward pass of ∂L/∂out.
 */
export function readout(
  h: Float64Array,
  target: Float64Array | SoftmaxTarget,
  spec: TransformerSpec,
  dtype: Dtype,
): { loss: number; grad: Float64Array } {
  const fn = spec.finalNorm ? normForward(spec.norm as NormKind, h, spec.width) : null;
  const out = fn ? rounded(fn.y, dtype) : h;
  let loss = 0;
  let gOut: Float64Array;
  if (target instanceof Float64Array) {
    for (let i = 0; i < out.length; i++) loss += out[i] * target[i];
    gOut = target;
  } else {
    const vocab = target.unembedding.length / spec.width;
    const read = softmaxReadout(
      out,
      target.unembedding,
      target.tokens,
      spec.seq,
      spec.width,
      vocab,
      dtype,
      target.gradW,
    );
    loss = read.loss;
    gOut = read.grad;
  }
  const grad = fn
    ? rounded(normBackward(spec.norm as NormKind, gOut, fn.y, fn.r, spec.width), dtype)
    : Float64Array.from(gOut);
  return { loss, grad };
}

/**
 * The softmax readout's unembedding W_U [width, vocab] from its init (stream (seed, "unembedding");
 * 0 under μP) and the batch's target tokens, uniform on 0 … vocab − 1 (stream (seed, "targets")).
 */
function softmaxHead(
  spec: TransformerSpec,
  batch: number,
  seed: number,
  dtype: Dtype,
): { unembedding: Float64Array; tokens: Int32Array } {
  const { vocab, init } = spec.readout!;
  const unembedding =
    spec.parameterization === "mup"
      ? new Float64Array(spec.width * vocab)
      : rounded(
          initialize(
            init,
            { shape: [spec.width, vocab], framework: spec.framework },
            rngStream(seed, "unembedding"),
            "float64",
          ).values as Float64Array,
          dtype,
        );
  const draw = rngStream(seed, "targets");
  const tokens = Int32Array.from({ length: batch * spec.seq }, () => Math.floor(draw.nextDouble() * vocab));
  return { unembedding, tokens };
}

/** Rounds every value of x to the dtype, in place. */
function rounded(x: Float64Array, dtype: Dtype): Float64Array {
  const r = rounder(dtype);
  if (dtype !== "float64") for (let i = 0; i < x.length; i++) x[i] = r(x[i]);
  return x;
}

function roundWeights(w: BlockWeights, dtype: Dtype): void {
  const c = w.cross;
  for (const m of [w.attn.q, w.attn.k, w.attn.v, w.attn.o, c?.q, c?.k, c?.v, c?.o, w.w1, w.w2])
    if (m) rounded(m, dtype);
}

const zeroAttention = (a: AttentionWeights): AttentionWeights => ({
  q: new Float64Array(a.q.length),
  k: new Float64Array(a.k.length),
  v: new Float64Array(a.v.length),
  o: new Float64Array(a.o.length),
});

const zerosLike = (w: BlockWeights): BlockWeights => ({
  attn: zeroAttention(w.attn),
  cross: w.cross ? zeroAttention(w.cross) : null,
  w1: w.w1 ? new Float64Array(w.w1.length) : null,
  w2: w.w2 ? new Float64Array(w.w2.length) : null,
});

/**
 * Runs a batch of random token sequences [batch, seq, width] ({@link inputTokens}) through a stack of transformer blocks ({@link blockForward}) and measures each block: the
 * residual stream's mean/std/rms, attention entropy and logit std, token cosine and effective rank;
 * with `backward`, the gradients of L = Σ out ⊙ T (a fixed random readout) at each block's input
 * and on its weights. Biases are absent and norms have γ = 1, β = 0, as at init.
 * @param options.dtype what the run computes in (default float64): inputs, weights and readout are
 *   rounded to it, and every block accumulates in it ({@link blockForward}).
 */
export function propagateTransformer(
  spec: TransformerSpec,
  options: { batch: number; seed: number; backward?: boolean; weights?: BlockWeights[]; dtype?: Dtype },
): TransformerResult {
  checkTransformer(spec);
  const { batch, seed } = options;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch: must be an integer >= 1, got ${batch}`);
  const dtype = parseDtype(options.dtype ?? "float64");
  const act = parseActivation(spec.activation);
  const f = Math.round(spec.mlpRatio * spec.width);
  const shape: PassShape = { s: spec.seq, d: spec.width, heads: spec.heads, f, dtype };
  const { alpha } = residualScheme(spec.residualScale, spec.depth, stackRole(spec));
  const weights = options.weights ?? Array.from({ length: spec.depth }, (_, l) => drawBlockWeights(spec, seed, l, f));
  if (dtype !== "float64") for (const w of weights) roundWeights(w, dtype);
  const memory = spec.crossAttention ? encodeMemory(spec, batch, seed, f, act, dtype, options.backward ?? false) : null;
  const n = shape.s * shape.d;
  const x = rounded(inputTokens(spec, batch, seed), dtype);
  let h = Array.from({ length: batch }, (_, b) => x.subarray(b * n, (b + 1) * n));
  const caches: BlockCache[][] = [];
  const layers: TransformerLayer[] = [];
  for (let l = 0; l < spec.depth; l++) {
    const sums: AttentionSums = { logitSum: 0, logitSq: 0, logits: 0, entropy: 0 };
    const crossSums: AttentionSums = { logitSum: 0, logitSq: 0, logits: 0, entropy: 0 };
    const step = h.map((xb, b) =>
      blockForward(
        xb,
        weights[l],
        spec,
        shape,
        act,
        alpha,
        sums,
        memory ? { m: memory.tokens[b], t: memory.shape.s, stats: crossSums } : null,
      ),
    );
    if (options.backward) caches.push(step.map((r) => r.cache));
    h = step.map((r) => r.out);
    const signals = blockSignals(l, h, shape, sums, batch);
    if (memory) signals.cross = attentionSignals(crossSums, batch, shape);
    layers.push(signals);
  }
  let loss: number | null = null;
  let unembeddingGrad: number | null = null;
  if (options.backward) {
    const head = spec.readout ? softmaxHead(spec, batch, seed, dtype) : null;
    const gradW = head ? new Float64Array(head.unembedding.length) : null;
    const t = head
      ? null
      : rounded(fillNormal(rngStream(seed, "readout"), new Float64Array(batch * n)) as Float64Array, dtype);
    loss = 0;
    const g: Float64Array[] = [];
    for (let b = 0; b < batch; b++) {
      const target =
        head && gradW
          ? {
              unembedding: head.unembedding,
              tokens: head.tokens.subarray(b * spec.seq, (b + 1) * spec.seq),
              gradW,
            }
          : t!.subarray(b * n, (b + 1) * n);
      const read = readout(h[b], target, spec, dtype);
      loss += read.loss;
      g.push(read.grad);
    }
    if (gradW) unembeddingGrad = norm2(gradW);
    // ∂L/∂memory of each sample, summed over every decoder block's cross-attention
    const gMemory = memory ? memory.tokens.map((m) => new Float64Array(m.length)) : null;
    for (let l = spec.depth - 1; l >= 0; l--) {
      const grads = zerosLike(weights[l]);
      for (let b = 0; b < batch; b++)
        g[b] = blockBackward(g[b], caches[l][b], weights[l], grads, spec, shape, act, alpha, gMemory?.[b] ?? null);
      layers[l].grad = gradSignals(g, grads);
    }
    if (memory && gMemory) encoderBackward(memory, gMemory, act);
  }
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += x[i] * x[i];
  return {
    arch: "transformer",
    dtype,
    spec,
    batch,
    seed,
    input: { std: Math.sqrt(ss / x.length) },
    memory: memory
      ? {
          std: memory.std,
          tokenCosine: memory.tokenCosine,
          encoderDepth: spec.crossAttention!.encoderDepth,
          layers: memory.layers,
        }
      : null,
    layers,
    loss,
    unembeddingGrad,
    theory: streamTheory(spec),
  };
}

/** A decoder's encoder, run forward: its weights, per-sample caches and output (the memory), per-block signals. */
interface EncoderRun {
  spec: TransformerSpec;
  shape: PassShape;
  alpha: number;
  weights: BlockWeights[];
  caches: BlockCache[][];
  /** the final norm of each sample (pre-norm encoders), for the backward pass */
  finals: { y: Float64Array; r: Float64Array }[] | null;
  tokens: Float64Array[];
  layers: TransformerLayer[];
  std: number;
  tokenCosine: number;
}

/**
 * A decoder's memory: its encoder ({@link memoryEncoder}, weights from the streams (seed, "encoder",
 * block, name), residual constants of an encoder under this decoder) run forward on source tokens,
 * and its final norm when pre-norm; per sample [t, d], with per-block signals and the memory's std
 * and token cosine.
 */
function encodeMemory(
  spec: TransformerSpec,
  batch: number,
  seed: number,
  f: number,
  act: ReturnType<typeof parseActivation>,
  dtype: Dtype,
  keep: boolean,
): EncoderRun {
  const enc = memoryEncoder(spec);
  const where = { role: "encoder", other: spec.depth } as const;
  const { alpha } = residualScheme(enc.residualScale, enc.depth, where);
  const shape: PassShape = { s: enc.seq, d: enc.width, heads: enc.heads, f, dtype };
  const n = shape.s * shape.d;
  const src = rounded(inputTokens(enc, batch, seed, true), dtype);
  let h = Array.from({ length: batch }, (_, b) => src.subarray(b * n, (b + 1) * n));
  const weights: BlockWeights[] = [];
  const caches: BlockCache[][] = [];
  const layers: TransformerLayer[] = [];
  for (let l = 0; l < enc.depth; l++) {
    const w = drawBlockWeights(enc, seed, l, f, where, "encoder");
    if (dtype !== "float64") roundWeights(w, dtype);
    weights.push(w);
    const sums: AttentionSums = { logitSum: 0, logitSq: 0, logits: 0, entropy: 0 };
    const step = h.map((xb) => blockForward(xb, w, enc, shape, act, alpha, sums));
    if (keep) caches.push(step.map((r) => r.cache));
    h = step.map((r) => r.out);
    layers.push(blockSignals(l, h, shape, sums, batch));
  }
  const finals = enc.finalNorm ? h.map((hb) => normForward(enc.norm as NormKind, hb, enc.width)) : null;
  const tokens = finals ? finals.map((fn) => rounded(Float64Array.from(fn.y), dtype)) : h;
  const sig = streamSignals(tokens, shape);
  return {
    spec: enc,
    shape,
    alpha,
    weights,
    caches,
    finals,
    tokens,
    layers,
    std: sig.stream.std,
    tokenCosine: sig.tokenCosine,
  };
}

/**
 * The encoder's backward pass from ∂L/∂memory of each sample (summed over the decoder's
 * cross-attentions): through its final norm, then its blocks, recording each block's gradients.
 */
function encoderBackward(e: EncoderRun, gMemory: Float64Array[], act: ReturnType<typeof parseActivation>): void {
  const { spec, shape } = e;
  let g = gMemory.map((gm, b) =>
    e.finals
      ? rounded(normBackward(spec.norm as NormKind, gm, e.finals[b].y, e.finals[b].r, spec.width), shape.dtype)
      : gm,
  );
  for (let l = spec.depth - 1; l >= 0; l--) {
    const grads = zerosLike(e.weights[l]);
    g = g.map((gb, b) => blockBackward(gb, e.caches[l][b], e.weights[l], grads, spec, shape, act, e.alpha));
    e.layers[l].grad = gradSignals(g, grads);
  }
}

/** A block's gradient norms: at its input (over the batch), and on its weights by sub-layer and in all. */
function gradSignals(g: Float64Array[], grads: BlockWeights): NonNullable<TransformerLayer["grad"]> {
  const a = grads.attn;
  const c = grads.cross;
  return {
    stream: norm2(...g),
    attention: norm2(a.q, a.k, a.v, a.o),
    mlp: norm2(grads.w1, grads.w2),
    ...(c ? { cross: norm2(c.q, c.k, c.v, c.o) } : {}),
    weights: norm2(a.q, a.k, a.v, a.o, c?.q ?? null, c?.k ?? null, c?.v ?? null, c?.o ?? null, grads.w1, grads.w2),
  };
}

function attentionSignals(sums: AttentionSums, batch: number, shape: PassShape) {
  const lm = sums.logitSum / sums.logits;
  return {
    entropy: sums.entropy / (batch * shape.heads * shape.s),
    logitStd: Math.sqrt(Math.max(0, sums.logitSq / sums.logits - lm * lm)),
  };
}

function blockSignals(
  index: number,
  h: Float64Array[],
  shape: PassShape,
  sums: AttentionSums,
  batch: number,
): TransformerLayer {
  return { index, ...streamSignals(h, shape), attention: attentionSignals(sums, batch, shape), grad: null };
}

/** The stream's mean, std and rms over samples, tokens and channels; token cosine and effective rank averaged over samples. */
function streamSignals(
  h: Float64Array[],
  shape: PassShape,
): Pick<TransformerLayer, "stream" | "tokenCosine" | "effectiveRank"> {
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
  return {
    stream: {
      mean,
      // an overflowed stream has std ∞ (not ∞ − ∞)
      std: sq === Infinity && !Number.isNaN(mean) ? Infinity : Math.sqrt(Math.max(0, sq / count - mean * mean)),
      rms: Math.sqrt(sq / count),
    },
    tokenCosine: cos / h.length,
    effectiveRank: rank / h.length,
  };
}
