import type { Activation } from "../engine/activations.js";
import type { AttentionCache, AttentionWeights } from "./attention.js";
import { attentionBackward, attentionForward } from "./attention.js";
import { addTmm, mm, mmT } from "./linear.js";
import type { NormKind } from "./rowNorm.js";
import { normBackward, normForward } from "./rowNorm.js";
import type { TransformerSpec } from "./transformerSpec.js";

/** One block's weights (keras layout [in, out]): attention, and the MLP's W_1 [d, f] and W_2 [f, d] (null when attention-only). */
export interface BlockWeights {
  attn: AttentionWeights;
  w1: Float64Array | null;
  w2: Float64Array | null;
}

/** The shape of a run: sequence length, width, heads, the MLP's hidden width. */
export interface PassShape {
  s: number;
  d: number;
  heads: number;
  f: number;
}

type Norm = { y: Float64Array; r: Float64Array };

/** What one block keeps of one sample for the backward pass. */
export interface BlockCache {
  input: Float64Array;
  n1: Norm | null;
  attn: AttentionCache;
  mid: Float64Array;
  /** post-LN: the norm after the attention branch */
  post1: Norm | null;
  n2: Norm | null;
  mlpIn: Float64Array | null;
  h1: Float64Array | null;
  /** φ(h1), kept for ∂L/∂W_2 */
  hAct: Float64Array | null;
  post2: Norm | null;
}

/** Per-sample attention statistics of a block, summed (the caller divides). */
export interface AttentionSums {
  logitSum: number;
  logitSq: number;
  logits: number;
  entropy: number;
}

/** The attention logits' scale: 1/√d_h, or μP's 1/d_h. */
export const logitScale = (spec: TransformerSpec, dh: number): number =>
  spec.parameterization === "mup" ? 1 / dh : 1 / Math.sqrt(dh);

const combine = (a: Float64Array, b: Float64Array, alpha: number, residual: boolean): Float64Array => {
  if (!residual) return Float64Array.from(b);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = alpha * a[i] + b[i];
  return out;
};

/**
 * One transformer block on one sample x [s, d]:
 * pre-norm:  h = x + Attn(N(x)),  out = h + MLP(N(h));
 * post-norm: h = N(α·x + Attn(x)), out = N(α·h + MLP(h));
 * without residual the skip terms are dropped; attention-only blocks stop after the attention
 * sub-layer. MLP(u) = φ(u W_1) W_2. α is the residual scheme's skip factor (1 except DeepNorm).
 */
export function blockForward(
  x: Float64Array,
  w: BlockWeights,
  spec: TransformerSpec,
  shape: PassShape,
  act: Activation,
  alpha: number,
  stats: AttentionSums,
): { out: Float64Array; cache: BlockCache } {
  const { s, d, heads, f } = shape;
  const norm = spec.norm as NormKind;
  const pre = spec.normPosition === "pre";
  const n1 = pre ? normForward(norm, x, d) : null;
  const a = attentionForward(n1 ? n1.y : x, w.attn, s, d, heads, spec.causal, logitScale(spec, d / heads));
  stats.logitSum += a.logitSum;
  stats.logitSq += a.logitSq;
  stats.logits += a.logits;
  stats.entropy += a.entropy;
  const u1 = combine(x, a.out, pre ? 1 : alpha, spec.residual);
  const post1 = pre ? null : normForward(norm, u1, d);
  const mid = post1 ? post1.y : u1;
  const cache: BlockCache = {
    input: x,
    n1,
    attn: a.cache,
    mid,
    post1,
    n2: null,
    mlpIn: null,
    h1: null,
    hAct: null,
    post2: null,
  };
  if (spec.attentionOnly || !w.w1 || !w.w2) return { out: mid, cache };
  const n2 = pre ? normForward(norm, mid, d) : null;
  const mlpIn = n2 ? n2.y : mid;
  const h1 = mm(mlpIn, w.w1, s, d, f);
  const hAct = new Float64Array(h1.length);
  for (let i = 0; i < h1.length; i++) hAct[i] = act.f(h1[i]);
  const m = mm(hAct, w.w2, s, f, d);
  const u2 = combine(mid, m, pre ? 1 : alpha, spec.residual);
  const post2 = pre ? null : normForward(norm, u2, d);
  Object.assign(cache, { n2, mlpIn, h1, hAct, post2 });
  return { out: post2 ? post2.y : u2, cache };
}

/**
 * The backward pass of {@link blockForward}: given g = ∂L/∂out for one sample, adds ∂L/∂W into
 * `grads` and returns ∂L/∂x. Residual sums pass the gradient to both terms (the skip's times α);
 * norms and attention use their own backward passes; the MLP: ∂L/∂W_2 = φ(h_1)ᵀ g,
 * ∂L/∂h_1 = (g W_2ᵀ) ⊙ φ'(h_1), ∂L/∂W_1 = uᵀ ∂L/∂h_1.
 */
export function blockBackward(
  g: Float64Array,
  c: BlockCache,
  w: BlockWeights,
  grads: BlockWeights,
  spec: TransformerSpec,
  shape: PassShape,
  act: Activation,
  alpha: number,
): Float64Array {
  const { s, d, heads, f } = shape;
  const norm = spec.norm as NormKind;
  const pre = spec.normPosition === "pre";
  const skip = pre ? 1 : alpha;
  let gMid = g;
  if (c.h1 && c.hAct && c.mlpIn && w.w1 && w.w2 && grads.w1 && grads.w2) {
    const gU2 = c.post2 ? normBackward(norm, g, c.post2.y, c.post2.r, d) : g;
    addTmm(grads.w2, c.hAct, gU2, s, f, d);
    const gh = mmT(gU2, w.w2, s, d, f);
    for (let i = 0; i < gh.length; i++) gh[i] *= act.df(c.h1[i]);
    addTmm(grads.w1, c.mlpIn, gh, s, d, f);
    const gIn = mmT(gh, w.w1, s, f, d);
    const gFromMlp = c.n2 ? normBackward(norm, gIn, c.n2.y, c.n2.r, d) : gIn;
    gMid = new Float64Array(gU2.length);
    for (let i = 0; i < gMid.length; i++) gMid[i] = gFromMlp[i] + (spec.residual ? skip * gU2[i] : 0);
  }
  const gU1 = c.post1 ? normBackward(norm, gMid, c.post1.y, c.post1.r, d) : gMid;
  const gAttnIn = attentionBackward(gU1, c.attn, w.attn, grads.attn, s, d, heads, logitScale(spec, d / heads));
  const gFromAttn = c.n1 ? normBackward(norm, gAttnIn, c.n1.y, c.n1.r, d) : gAttnIn;
  const gx = new Float64Array(gU1.length);
  for (let i = 0; i < gx.length; i++) gx[i] = gFromAttn[i] + (spec.residual ? skip * gU1[i] : 0);
  return gx;
}
