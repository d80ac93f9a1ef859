import type { AttentionSums, BlockWeights, PassShape } from "./transformerPass.js";
import { effectiveRank, tokenCosine } from "./tokenSignals.js";

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

/** The Euclidean norm of all the arrays together (null ones count 0). */
export const norm2 = (...arrays: (Float64Array | null)[]) =>
  Math.sqrt(arrays.reduce((a, x) => a + (x ? x.reduce((s, v) => s + v * v, 0) : 0), 0));

/** A block's gradient norms: at its input (over the batch), and on its weights by sub-layer and in all. */
export function gradSignals(g: Float64Array[], grads: BlockWeights): NonNullable<TransformerLayer["grad"]> {
  const a = grads.attn;
  const c = grads.cross;
  return {
    stream: norm2(...g),
    attention: norm2(a.q, a.k, a.v, a.o),
    mlp: norm2(grads.w1, grads.w2, grads.b1 ?? null, grads.b2 ?? null),
    ...(c ? { cross: norm2(c.q, c.k, c.v, c.o) } : {}),
    weights: norm2(
      a.q,
      a.k,
      a.v,
      a.o,
      c?.q ?? null,
      c?.k ?? null,
      c?.v ?? null,
      c?.o ?? null,
      grads.w1,
      grads.w2,
      grads.b1 ?? null,
      grads.b2 ?? null,
    ),
  };
}

/** Mean attention entropy over samples, heads and queries, and the std of the scaled logits. */
export function attentionSignals(sums: AttentionSums, batch: number, shape: PassShape) {
  const lm = sums.logitSum / sums.logits;
  return {
    entropy: sums.entropy / (batch * shape.heads * shape.s),
    logitStd: Math.sqrt(Math.max(0, sums.logitSq / sums.logits - lm * lm)),
  };
}

/** One block's forward signals: the stream after it, its attention, token geometry; grad null until the backward pass. */
export function blockSignals(
  index: number,
  h: Float64Array[],
  shape: PassShape,
  sums: AttentionSums,
  batch: number,
): TransformerLayer {
  const { stream, tokenCosine, effectiveRank } = streamSignals(h, shape);
  // the JSON's documented order: index, stream, attention, tokenCosine, effectiveRank, grad
  return { index, stream, attention: attentionSignals(sums, batch, shape), tokenCosine, effectiveRank, grad: null };
}

/** The stream's mean, std and rms over samples, tokens and channels; token cosine and effective rank averaged over samples. */
export function streamSignals(
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
