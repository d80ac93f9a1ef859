import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import { addTmm, mm, mmT } from "./linear.js";

/** One block's attention weights, keras layout [in, out]: Q, K, V and the output projection O, each [d, d]. */
export interface AttentionWeights {
  q: Float64Array;
  k: Float64Array;
  v: Float64Array;
  o: Float64Array;
}

/** What the backward pass needs from the forward pass of one sample. */
export interface AttentionCache {
  /** the queries' input [s, d] */
  x: Float64Array;
  /** the keys' and values' input: x itself (self-attention), or the memory [t, d] (cross-attention) */
  kv: Float64Array;
  /** the number of keys: s, or the memory's tokens */
  t: number;
  q: Float64Array;
  k: Float64Array;
  v: Float64Array;
  /** softmax probabilities per head, [heads, s, t] (0 where masked) */
  p: Float64Array;
  /** the heads' outputs concatenated, [seq, d] */
  heads: Float64Array;
}

/**
 * Multi-head attention of one sample x [s, d] (Vaswani et al. (2017), "Attention Is All You
 * Need"): Q = xW_Q, K = mW_K, V = mW_V, where m = x (self-attention) or, given `memory`, the
 * memory's t tokens [t, d] (cross-attention: a decoder's queries over an encoder's output; never
 * masked); for each head h (columns h·d_h … of width d_h = d/H),
 * logits = scale·Q_h K_hᵀ (scale 1/√d_h by default; μP's 1/d_h; key j > query i masked when causal), P = softmax over the keys,
 * O_h = P V_h; out = [O_1 … O_H] W_O. Also returns the logits' sum and sum of squares and the
 * summed entropy −Σ p log p over the (head, query) rows, for the block's statistics.
 * In a dtype other than float64, every product and partial sum is rounded to it; the softmax is
 * computed in float64 from the rounded logits and its probabilities rounded (as the engine's norms).
 */
export function attentionForward(
  x: Float64Array,
  w: AttentionWeights,
  s: number,
  d: number,
  heads: number,
  causal: boolean,
  scale: number,
  dtype: Dtype,
  memory: { m: Float64Array; t: number } | null = null,
): { out: Float64Array; cache: AttentionCache; logitSum: number; logitSq: number; logits: number; entropy: number } {
  const r = rounder(dtype);
  const kv = memory ? memory.m : x;
  const t = memory ? memory.t : s;
  const q = mm(x, w.q, s, d, d, dtype);
  const k = mm(kv, w.k, t, d, d, dtype);
  const v = mm(kv, w.v, t, d, d, dtype);
  const dh = d / heads;
  const p = new Float64Array(heads * s * t);
  const out = new Float64Array(s * d);
  let logitSum = 0;
  let logitSq = 0;
  let logits = 0;
  let entropy = 0;
  const row = new Float64Array(t);
  for (let h = 0; h < heads; h++) {
    const c0 = h * dh;
    for (let i = 0; i < s; i++) {
      const last = causal && !memory ? i : t - 1;
      let max = -Infinity;
      for (let j = 0; j <= last; j++) {
        let z = 0;
        for (let c = 0; c < dh; c++) z = r(z + r(q[i * d + c0 + c] * k[j * d + c0 + c]));
        z = r(z * scale);
        row[j] = z;
        logitSum += z;
        logitSq += z * z;
        if (z > max) max = z;
      }
      logits += last + 1;
      let sum = 0;
      for (let j = 0; j <= last; j++) {
        row[j] = Math.exp(row[j] - max);
        sum += row[j];
      }
      const po = (h * s + i) * t;
      for (let j = 0; j <= last; j++) {
        const pij = r(row[j] / sum);
        p[po + j] = pij;
        if (pij > 0) entropy -= pij * Math.log(pij);
        else if (!(pij === 0)) entropy = Number.NaN; // non-finite logits: no entropy to report
        for (let c = 0; c < dh; c++) out[i * d + c0 + c] = r(out[i * d + c0 + c] + r(pij * v[j * d + c0 + c]));
      }
    }
  }
  return {
    out: mm(out, w.o, s, d, d, dtype),
    cache: { x, kv, t, q, k, v, p, heads: out },
    logitSum,
    logitSq,
    logits,
    entropy,
  };
}

/**
 * The backward pass of {@link attentionForward}: given g = ∂L/∂out, adds ∂L/∂W into `grads` and
 * returns ∂L/∂x. Per head: ∂L/∂P = ∂L/∂O_h V_hᵀ; ∂L/∂logits = P ⊙ (∂L/∂P − rowsum(P ⊙ ∂L/∂P))
 * (the softmax Jacobian; masked entries stay 0); ∂L/∂Q_h = scale·∂L/∂logits K_h,
 * ∂L/∂K_h = scale·∂L/∂logitsᵀ Q_h, ∂L/∂V_h = Pᵀ ∂L/∂O_h; every product and sum rounded to `dtype`.
 * Self-attention returns ∂L/∂x through all three of Q, K and V. Cross-attention returns ∂L/∂x
 * through Q only, and adds the keys' and values' part ∂L/∂K W_Kᵀ + ∂L/∂V W_Vᵀ into `gMemory` [t, d]
 * when one is given.
 */
export function attentionBackward(
  g: Float64Array,
  c: AttentionCache,
  w: AttentionWeights,
  grads: AttentionWeights,
  s: number,
  d: number,
  heads: number,
  scale: number,
  dtype: Dtype,
  gMemory: Float64Array | null = null,
): Float64Array {
  const r = rounder(dtype);
  const t = c.t;
  addTmm(grads.o, c.heads, g, s, d, d, dtype);
  const gHeads = mmT(g, w.o, s, d, d, dtype);
  const dh = d / heads;
  const gq = new Float64Array(s * d);
  const gk = new Float64Array(t * d);
  const gv = new Float64Array(t * d);
  const gp = new Float64Array(t);
  for (let h = 0; h < heads; h++) {
    const c0 = h * dh;
    for (let i = 0; i < s; i++) {
      const po = (h * s + i) * t;
      let dot = 0;
      for (let j = 0; j < t; j++) {
        const pij = c.p[po + j];
        if (pij === 0) {
          gp[j] = 0;
          continue;
        }
        let z = 0;
        for (let cc = 0; cc < dh; cc++) {
          const go = gHeads[i * d + c0 + cc];
          z = r(z + r(go * c.v[j * d + c0 + cc]));
          gv[j * d + c0 + cc] = r(gv[j * d + c0 + cc] + r(pij * go));
        }
        gp[j] = z;
        dot = r(dot + r(pij * z));
      }
      for (let j = 0; j < t; j++) {
        const pij = c.p[po + j];
        if (pij === 0) continue;
        const gl = r(r(pij * r(gp[j] - dot)) * scale);
        for (let cc = 0; cc < dh; cc++) {
          gq[i * d + c0 + cc] = r(gq[i * d + c0 + cc] + r(gl * c.k[j * d + c0 + cc]));
          gk[j * d + c0 + cc] = r(gk[j * d + c0 + cc] + r(gl * c.q[i * d + c0 + cc]));
        }
      }
    }
  }
  addTmm(grads.q, c.x, gq, s, d, d, dtype);
  addTmm(grads.k, c.kv, gk, t, d, d, dtype);
  addTmm(grads.v, c.kv, gv, t, d, d, dtype);
  const gx = mmT(gq, w.q, s, d, d, dtype);
  const cross = c.kv !== c.x;
  if (cross && !gMemory) return gx;
  const gxk = mmT(gk, w.k, t, d, d, dtype);
  const gxv = mmT(gv, w.v, t, d, d, dtype);
  const into = cross ? gMemory! : gx;
  for (let i = 0; i < into.length; i++) into[i] = r(into[i] + r(gxk[i] + gxv[i]));
  return gx;
}
