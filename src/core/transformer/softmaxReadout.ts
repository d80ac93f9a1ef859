import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import { addTmm, mm, mmT } from "./linear.js";

/**
 * A softmax readout of one sample's final stream u [s, d] over a vocabulary of V classes:
 * logits z = u·W_U (W_U [d, V]), p = softmax(z) per token, L = −Σ_tokens ln p[target];
 * ∂L/∂z = p − onehot(target), ∂L/∂u = (p − y)·W_Uᵀ, and ∂L/∂W_U = uᵀ·(p − y) added into `gradW`.
 * Products and sums are rounded to `dtype` (as the blocks' are); the softmax and the logarithm are
 * computed in float64 from the rounded logits (the max subtracted first), p rounded.
 * With W_U = 0 (μP's zero readout: Yang et al. (2022), "Tensor Programs V") p is uniform,
 * L = s·ln V, and ∂L/∂u = 0: no gradient reaches the blocks at init.
 */
export function softmaxReadout(
  u: Float64Array,
  wU: Float64Array,
  targets: Int32Array,
  s: number,
  d: number,
  vocab: number,
  dtype: Dtype,
  gradW: Float64Array,
): { loss: number; grad: Float64Array } {
  const r = rounder(dtype);
  const z = mm(u, wU, s, d, vocab, dtype);
  let loss = 0;
  for (let i = 0; i < s; i++) {
    const row = z.subarray(i * vocab, (i + 1) * vocab);
    let max = -Infinity;
    for (const v of row) if (v > max) max = v;
    let sum = 0;
    for (let j = 0; j < vocab; j++) sum += Math.exp(row[j] - max);
    loss += Math.log(sum) + max - row[targets[i]];
    for (let j = 0; j < vocab; j++) row[j] = r(r(Math.exp(row[j] - max) / sum) - (j === targets[i] ? 1 : 0));
  }
  addTmm(gradW, u, z, s, d, vocab, dtype);
  return { loss, grad: mmT(z, wU, s, vocab, d, dtype) };
}
