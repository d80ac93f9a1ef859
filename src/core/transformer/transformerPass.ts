import type { Activation } from "../engine/activations.js";
import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import type { AttentionCache, AttentionWeights } from "./attention.js";
import { attentionBackward, attentionForward } from "./attention.js";
import { addTmm, mm, mmT } from "./linear.js";
import type { NormKind } from "./rowNorm.js";
import { normBackward, normForward } from "./rowNorm.js";
import type { TransformerSpec } from "./transformerSpec.js";

/**
 * One block's weights (keras layout [in, out]): attention, a decoder block's cross-attention (null
 * otherwise), and the MLP's W_1 [d, f] and W_2 [f, d] (null when attention-only).
 */
export interface BlockWeights {
  attn: AttentionWeights;
  cross: AttentionWeights | null;
  w1: Float64Array | null;
  w2: Float64Array | null;
  /** the MLP's biases b_1 [f] and b_2 [d] (PyTorch's Linear defaults); null: none (0) */
  b1?: Float64Array | null;
  b2?: Float64Array | null;
}

/** The shape of a run: sequence length, width, heads, the MLP's hidden width, and the dtype it computes in. */
export interface PassShape {
  s: number;
  d: number;
  heads: number;
  f: number;
  dtype: Dtype;
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
  /** a decoder block: the pre-norm before cross-attention, its cache, and the post-norm after it */
  nx: Norm | null;
  cross: AttentionCache | null;
  postx: Norm | null;
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

/** α·a + b (b alone without residual), each operation rounded by r. */
const combine = (
  a: Float64Array,
  b: Float64Array,
  alpha: number,
  residual: boolean,
  r: (x: number) => number,
): Float64Array => {
  if (!residual) return Float64Array.from(b);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = r(r(alpha * a[i]) + b[i]);
  return out;
};

/** x[t, j] += b[j] for every row t, each sum rounded by r. */
function addRows(x: Float64Array, b: Float64Array, r: (x: number) => number): void {
  for (let i = 0; i < x.length; i++) x[i] = r(x[i] + b[i % b.length]);
}

/** acc[j] += Σ_t g[t, j]: a bias's gradient, each sum rounded by r. */
function addColumnSums(acc: Float64Array, g: Float64Array, r: (x: number) => number): void {
  for (let i = 0; i < g.length; i++) acc[i % acc.length] = r(acc[i % acc.length] + g[i]);
}

function addSums(into: AttentionSums, a: AttentionSums): void {
  into.logitSum += a.logitSum;
  into.logitSq += a.logitSq;
  into.logits += a.logits;
  into.entropy += a.entropy;
}

/** A norm's forward pass with its output rounded to the run's dtype (computed in float64, as the engine's norms). */
function roundedNorm(kind: NormKind, x: Float64Array, d: number, r: (x: number) => number): Norm {
  const n = normForward(kind, x, d);
  for (let i = 0; i < n.y.length; i++) n.y[i] = r(n.y[i]);
  return n;
}

/** A norm's backward pass, rounded to the run's dtype. */
function roundedNormBackward(kind: NormKind, g: Float64Array, n: Norm, d: number, r: (x: number) => number) {
  const gx = normBackward(kind, g, n.y, n.r, d);
  for (let i = 0; i < gx.length; i++) gx[i] = r(gx[i]);
  return gx;
}

/**
 * One transformer block on one sample x [s, d]:
 * pre-norm:  h = x + Attn(N(x)),  out = h + MLP(N(h));
 * post-norm: h = N(α·x + Attn(x)), out = N(α·h + MLP(h));
 * a decoder block (given a memory m [t, d]) adds cross-attention after the self-attention:
 * pre-norm h ← h + Cross(N(h), m), post-norm h ← N(α·h + Cross(h, m)).
 * Without residual the skip terms are dropped; attention-only blocks stop after the attention
 * sub-layers. MLP(u) = φ(u W_1) W_2. α is the residual scheme's skip factor (1 except DeepNorm).
 * Products and sums accumulate in `shape.dtype`; norms, softmax and φ are computed in float64 and
 * their results rounded to it.
 */
export function blockForward(
  x: Float64Array,
  w: BlockWeights,
  spec: TransformerSpec,
  shape: PassShape,
  act: Activation,
  alpha: number,
  stats: AttentionSums,
  memory: { m: Float64Array; t: number; stats: AttentionSums } | null = null,
): { out: Float64Array; cache: BlockCache } {
  const { s, d, heads, f, dtype } = shape;
  const r = rounder(dtype);
  const norm = spec.norm as NormKind;
  const pre = spec.normPosition === "pre";
  const scale = logitScale(spec, d / heads);
  const n1 = pre ? roundedNorm(norm, x, d, r) : null;
  const a = attentionForward(n1 ? n1.y : x, w.attn, s, d, heads, spec.causal, scale, dtype);
  addSums(stats, a);
  const u1 = combine(x, a.out, pre ? 1 : alpha, spec.residual, r);
  const post1 = pre ? null : roundedNorm(norm, u1, d, r);
  let mid = post1 ? post1.y : u1;
  let nx: Norm | null = null;
  let cross: AttentionCache | null = null;
  let postx: Norm | null = null;
  if (memory && w.cross) {
    nx = pre ? roundedNorm(norm, mid, d, r) : null;
    const c = attentionForward(nx ? nx.y : mid, w.cross, s, d, heads, false, scale, dtype, memory);
    addSums(memory.stats, c);
    cross = c.cache;
    const ux = combine(mid, c.out, pre ? 1 : alpha, spec.residual, r);
    postx = pre ? null : roundedNorm(norm, ux, d, r);
    mid = postx ? postx.y : ux;
  }
  const cache: BlockCache = {
    input: x,
    n1,
    attn: a.cache,
    mid,
    post1,
    nx,
    cross,
    postx,
    n2: null,
    mlpIn: null,
    h1: null,
    hAct: null,
    post2: null,
  };
  if (spec.attentionOnly || !w.w1 || !w.w2) return { out: mid, cache };
  const n2 = pre ? roundedNorm(norm, mid, d, r) : null;
  const mlpIn = n2 ? n2.y : mid;
  const h1 = mm(mlpIn, w.w1, s, d, f, dtype);
  if (w.b1) addRows(h1, w.b1, r);
  const hAct = new Float64Array(h1.length);
  for (let i = 0; i < h1.length; i++) hAct[i] = r(act.f(h1[i]));
  const m = mm(hAct, w.w2, s, f, d, dtype);
  if (w.b2) addRows(m, w.b2, r);
  const u2 = combine(mid, m, pre ? 1 : alpha, spec.residual, r);
  const post2 = pre ? null : roundedNorm(norm, u2, d, r);
  Object.assign(cache, { n2, mlpIn, h1, hAct, post2 });
  return { out: post2 ? post2.y : u2, cache };
}

/**
 * The backward pass of {@link blockForward}: given g = ∂L/∂out for one sample, adds ∂L/∂W into
 * `grads` and returns ∂L/∂x. Residual sums pass the gradient to both terms (the skip's times α);
 * norms and attention use their own backward passes; the MLP: ∂L/∂W_2 = φ(h_1)ᵀ g,
 * ∂L/∂h_1 = (g W_2ᵀ) ⊙ φ'(h_1), ∂L/∂W_1 = uᵀ ∂L/∂h_1, and the biases' ∂L/∂b = Σ over tokens. Cross-attention passes the gradient to
 * its queries' input, and adds the memory's part (through its keys and values) into `gMemory` when
 * one is given.
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
  gMemory: Float64Array | null = null,
): Float64Array {
  const { s, d, heads, f, dtype } = shape;
  const r = rounder(dtype);
  const norm = spec.norm as NormKind;
  const pre = spec.normPosition === "pre";
  const skip = pre ? 1 : alpha;
  let gMid = g;
  if (c.h1 && c.hAct && c.mlpIn && w.w1 && w.w2 && grads.w1 && grads.w2) {
    const gU2 = c.post2 ? roundedNormBackward(norm, g, c.post2, d, r) : g;
    addTmm(grads.w2, c.hAct, gU2, s, f, d, dtype);
    if (grads.b2) addColumnSums(grads.b2, gU2, r);
    const gh = mmT(gU2, w.w2, s, d, f, dtype);
    for (let i = 0; i < gh.length; i++) gh[i] = r(gh[i] * r(act.df(c.h1[i])));
    addTmm(grads.w1, c.mlpIn, gh, s, d, f, dtype);
    if (grads.b1) addColumnSums(grads.b1, gh, r);
    const gIn = mmT(gh, w.w1, s, f, d, dtype);
    const gFromMlp = c.n2 ? roundedNormBackward(norm, gIn, c.n2, d, r) : gIn;
    gMid = combine(gU2, gFromMlp, skip, spec.residual, r);
  }
  if (c.cross && w.cross && grads.cross) {
    const gUx = c.postx ? roundedNormBackward(norm, gMid, c.postx, d, r) : gMid;
    const gCrossIn = attentionBackward(
      gUx,
      c.cross,
      w.cross,
      grads.cross,
      s,
      d,
      heads,
      logitScale(spec, d / heads),
      dtype,
      gMemory,
    );
    const gFromCross = c.nx ? roundedNormBackward(norm, gCrossIn, c.nx, d, r) : gCrossIn;
    gMid = combine(gUx, gFromCross, skip, spec.residual, r);
  }
  const gU1 = c.post1 ? roundedNormBackward(norm, gMid, c.post1, d, r) : gMid;
  const gAttnIn = attentionBackward(gU1, c.attn, w.attn, grads.attn, s, d, heads, logitScale(spec, d / heads), dtype);
  const gFromAttn = c.n1 ? roundedNormBackward(norm, gAttnIn, c.n1, d, r) : gAttnIn;
  return combine(gU1, gFromAttn, skip, spec.residual, r);
}
