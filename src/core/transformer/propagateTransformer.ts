import { parseActivation } from "../engine/activations.js";
import type { Dtype } from "../numeric/dtype.js";
import { parseDtype } from "../numeric/dtype.js";
import { fillNormal } from "../random/normal.js";
import { rngStream } from "../random/Rng.js";
import type { TransformerLayer } from "./blockSignals.js";
import { norm2 } from "./blockSignals.js";
import { drawBlockWeights } from "./blockWeights.js";
import { encodeMemory, encoderBackward } from "./encodeMemory.js";
import { inputTokens } from "./inputTokens.js";
import { readout, softmaxHead } from "./readout.js";
import { roundedInPlace, roundWeights } from "./roundWeights.js";
import { stackBackward, stackForward } from "./stackPass.js";
import type { StreamTheory } from "./streamTheory.js";
import { streamTheory } from "./streamTheory.js";
import type { BlockWeights, PassShape } from "./transformerPass.js";
import type { TransformerSpec } from "./transformerSpec.js";
import { checkTransformer, residualScheme, stackRole } from "./transformerSpec.js";

export type { TransformerLayer } from "./blockSignals.js";
export { inputTokens } from "./inputTokens.js";
export { readout } from "./readout.js";
export type { SoftmaxTarget } from "./readout.js";

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
  const x = roundedInPlace(inputTokens(spec, batch, seed), dtype);
  const input = Array.from({ length: batch }, (_, b) => x.subarray(b * n, (b + 1) * n));
  const {
    out: h,
    caches,
    layers,
  } = stackForward(
    input,
    weights,
    spec,
    shape,
    act,
    alpha,
    options.backward ?? false,
    memory ? { tokens: memory.tokens, t: memory.shape.s } : null,
  );
  let loss: number | null = null;
  let unembeddingGrad: number | null = null;
  if (options.backward) {
    const head = spec.readout ? softmaxHead(spec, batch, seed, dtype) : null;
    const gradW = head ? new Float64Array(head.unembedding.length) : null;
    const t = head
      ? null
      : roundedInPlace(fillNormal(rngStream(seed, "readout"), new Float64Array(batch * n)) as Float64Array, dtype);
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
    stackBackward(g, caches, weights, spec, shape, act, alpha, layers, gMemory);
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
