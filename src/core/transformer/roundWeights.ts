import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import type { AttentionWeights } from "./attention.js";
import type { BlockWeights } from "./transformerPass.js";

/** Rounds every value of x to the dtype, in place. */
export function roundedInPlace(x: Float64Array, dtype: Dtype): Float64Array {
  const r = rounder(dtype);
  if (dtype !== "float64") for (let i = 0; i < x.length; i++) x[i] = r(x[i]);
  return x;
}

export function roundWeights(w: BlockWeights, dtype: Dtype): void {
  const c = w.cross;
  for (const m of [w.attn.q, w.attn.k, w.attn.v, w.attn.o, c?.q, c?.k, c?.v, c?.o, w.w1, w.w2, w.b1, w.b2])
    if (m) roundedInPlace(m, dtype);
}

const zeroAttention = (a: AttentionWeights): AttentionWeights => ({
  q: new Float64Array(a.q.length),
  k: new Float64Array(a.k.length),
  v: new Float64Array(a.v.length),
  o: new Float64Array(a.o.length),
});

export const zerosLike = (w: BlockWeights): BlockWeights => ({
  attn: zeroAttention(w.attn),
  cross: w.cross ? zeroAttention(w.cross) : null,
  w1: w.w1 ? new Float64Array(w.w1.length) : null,
  w2: w.w2 ? new Float64Array(w.w2.length) : null,
  b1: w.b1 ? new Float64Array(w.b1.length) : null,
  b2: w.b2 ? new Float64Array(w.b2.length) : null,
});
