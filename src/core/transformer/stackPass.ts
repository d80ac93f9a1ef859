import type { Activation } from "../engine/activations.js";
import type { TransformerLayer } from "./blockSignals.js";
import { attentionSignals, blockSignals, gradSignals } from "./blockSignals.js";
import { zerosLike } from "./roundWeights.js";
import type { AttentionSums, BlockCache, BlockWeights, PassShape } from "./transformerPass.js";
import { blockBackward, blockForward } from "./transformerPass.js";
import type { TransformerSpec } from "./transformerSpec.js";

const noSums = (): AttentionSums => ({ logitSum: 0, logitSq: 0, logits: 0, entropy: 0 });

/**
 * A stack of blocks ({@link blockForward}) over a batch, one sample at a time: each block's output,
 * its caches when `keep` (for {@link stackBackward}), and its signals ({@link blockSignals}; a
 * decoder block's cross-attention too, given the memory's tokens of each sample).
 */
export function stackForward(
  input: Float64Array[],
  weights: BlockWeights[],
  spec: TransformerSpec,
  shape: PassShape,
  act: Activation,
  alpha: number,
  keep: boolean,
  memory: { tokens: Float64Array[]; t: number } | null = null,
): { out: Float64Array[]; caches: BlockCache[][]; layers: TransformerLayer[] } {
  let h = input;
  const caches: BlockCache[][] = [];
  const layers: TransformerLayer[] = [];
  weights.forEach((w, l) => {
    const sums = noSums();
    const crossSums = noSums();
    const step = h.map((xb, b) =>
      blockForward(
        xb,
        w,
        spec,
        shape,
        act,
        alpha,
        sums,
        memory ? { m: memory.tokens[b], t: memory.t, stats: crossSums } : null,
      ),
    );
    if (keep) caches.push(step.map((r) => r.cache));
    h = step.map((r) => r.out);
    const signals = blockSignals(l, h, shape, sums, input.length);
    if (memory) signals.cross = attentionSignals(crossSums, input.length, shape);
    layers.push(signals);
  });
  return { out: h, caches, layers };
}

/**
 * The backward pass of {@link stackForward}: from ∂L/∂out of each sample down through the blocks
 * ({@link blockBackward}), recording each block's gradients in `layers[l].grad`; a decoder's
 * cross-attentions add ∂L/∂memory into `gMemory`. @returns ∂L/∂input of each sample.
 */
export function stackBackward(
  gOut: Float64Array[],
  caches: BlockCache[][],
  weights: BlockWeights[],
  spec: TransformerSpec,
  shape: PassShape,
  act: Activation,
  alpha: number,
  layers: TransformerLayer[],
  gMemory: Float64Array[] | null = null,
): Float64Array[] {
  const g = [...gOut];
  for (let l = weights.length - 1; l >= 0; l--) {
    const grads = zerosLike(weights[l]);
    for (let b = 0; b < g.length; b++)
      g[b] = blockBackward(g[b], caches[l][b], weights[l], grads, spec, shape, act, alpha, gMemory?.[b] ?? null);
    layers[l].grad = gradSignals(g, grads);
  }
  return g;
}
