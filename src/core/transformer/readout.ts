import { initialize } from "../init/initialize.js";
import type { Dtype } from "../numeric/dtype.js";
import { rngStream } from "../random/Rng.js";
import { roundedInPlace } from "./roundWeights.js";
import type { NormKind } from "./rowNorm.js";
import { normBackward, normForward } from "./rowNorm.js";
import { softmaxReadout } from "./softmaxReadout.js";
import type { TransformerSpec } from "./transformerSpec.js";

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
  const out = fn ? roundedInPlace(fn.y, dtype) : h;
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
    ? roundedInPlace(normBackward(spec.norm as NormKind, gOut, fn.y, fn.r, spec.width), dtype)
    : Float64Array.from(gOut);
  return { loss, grad };
}

/**
 * The softmax readout's unembedding W_U [width, vocab] from its init (stream (seed, "unembedding");
 * 0 under μP) and the batch's target tokens, uniform on 0 … vocab − 1 (stream (seed, "targets")).
 */
export function softmaxHead(
  spec: TransformerSpec,
  batch: number,
  seed: number,
  dtype: Dtype,
): { unembedding: Float64Array; tokens: Int32Array } {
  const { vocab, init } = spec.readout!;
  const unembedding =
    spec.parameterization === "mup"
      ? new Float64Array(spec.width * vocab)
      : roundedInPlace(
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
