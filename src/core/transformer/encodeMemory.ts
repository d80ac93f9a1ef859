import type { Activation } from "../engine/activations.js";
import type { Dtype } from "../numeric/dtype.js";
import type { TransformerLayer } from "./blockSignals.js";
import { streamSignals } from "./blockSignals.js";
import { drawBlockWeights } from "./blockWeights.js";
import { inputTokens } from "./inputTokens.js";
import { roundedInPlace, roundWeights } from "./roundWeights.js";
import type { NormKind } from "./rowNorm.js";
import { normBackward, normForward } from "./rowNorm.js";
import { stackBackward, stackForward } from "./stackPass.js";
import type { BlockCache, BlockWeights, PassShape } from "./transformerPass.js";
import type { TransformerSpec } from "./transformerSpec.js";
import { memoryEncoder, residualScheme } from "./transformerSpec.js";

/** A decoder's encoder, run forward: its weights, per-sample caches and output (the memory), per-block signals. */
export interface EncoderRun {
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
export function encodeMemory(
  spec: TransformerSpec,
  batch: number,
  seed: number,
  f: number,
  act: Activation,
  dtype: Dtype,
  keep: boolean,
): EncoderRun {
  const enc = memoryEncoder(spec);
  const where = { role: "encoder", other: spec.depth } as const;
  const { alpha } = residualScheme(enc.residualScale, enc.depth, where);
  const shape: PassShape = { s: enc.seq, d: enc.width, heads: enc.heads, f, dtype };
  const n = shape.s * shape.d;
  const src = roundedInPlace(inputTokens(enc, batch, seed, true), dtype);
  const weights = Array.from({ length: enc.depth }, (_, l) => {
    const w = drawBlockWeights(enc, seed, l, f, where, "encoder");
    if (dtype !== "float64") roundWeights(w, dtype);
    return w;
  });
  const input = Array.from({ length: batch }, (_, b) => src.subarray(b * n, (b + 1) * n));
  const { out: h, caches, layers } = stackForward(input, weights, enc, shape, act, alpha, keep);
  const finals = enc.finalNorm ? h.map((hb) => normForward(enc.norm as NormKind, hb, enc.width)) : null;
  const tokens = finals ? finals.map((fn) => roundedInPlace(Float64Array.from(fn.y), dtype)) : h;
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
export function encoderBackward(e: EncoderRun, gMemory: Float64Array[], act: Activation): void {
  const { spec, shape } = e;
  const g = gMemory.map((gm, b) =>
    e.finals
      ? roundedInPlace(normBackward(spec.norm as NormKind, gm, e.finals[b].y, e.finals[b].r, spec.width), shape.dtype)
      : gm,
  );
  stackBackward(g, e.caches, e.weights, spec, shape, act, e.alpha, e.layers);
}
