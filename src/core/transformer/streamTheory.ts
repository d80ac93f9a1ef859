import { parseActivation } from "../engine/activations.js";
import { NORM_EPS } from "../engine/networkSpec.js";
import { resolveInitializer } from "../init/resolveInitializer.js";
import { gaussianExpectation } from "../theory/gaussian.js";
import type { BlockMatrix } from "./blockWeights.js";
import { blockDraws, drawFramework } from "./blockWeights.js";
import type { StackRole, TransformerSpec } from "./transformerSpec.js";
import { memoryEncoder, residualScheme, stackRole } from "./transformerSpec.js";

/** The mean-field prediction beside a transformer run. */
export interface StreamTheory {
  /** σ_m² = fan_in·E[w²] of each matrix, after the residual scheme's factor (fan_in = d, or f for W_2); E[b²] of the MLP's biases */
  sigma2: Record<BlockMatrix, number>;
  /** predicted residual-stream std after each block, with independent tokens (the lower edge) */
  lo: number[];
  /** … with collapsed tokens (the upper edge) */
  hi: number[];
  /**
   * stacks with norms: the range predicted for ‖∂L/∂W‖ of the last block over the first (see
   * {@link streamTheory}), over both edges; null without norms
   */
  gradRatio: { min: number; max: number } | null;
  /** what the theory leaves out, or why there is none */
  note: string;
}

/** 1/S averaged over the queries: Σ_j p_ij² for uniform attention over the keys each query sees. */
function uniformConcentration(seq: number, causal: boolean): number {
  if (!causal) return 1 / seq;
  let s = 0;
  for (let i = 1; i <= seq; i++) s += 1 / i;
  return s / seq;
}

/** One sub-layer of the recursion: its input's second moment, its branch's output, and the stream after it. */
interface SubLayer {
  /** the branch passes a gradient back to its input with the gain it has forward (false: cross-attention's values) */
  matched: boolean;
  vin: number;
  /** the branch output's second moment B(u) */
  branch: number;
  /** α²·v_in + B, the residual sum before a post-norm */
  sum: number;
}

/**
 * Mean-field recursion of the residual stream's second moment v_l per element (infinite width,
 * weights independent of the stream), from v = 1 at the input (with an embedding, v = E[e²] of its
 * initializer):
 * - attention sub-layer on an input of second moment u: its output has
 *   A(u) = u·σ_V²·σ_O²·(ρ + (1 − ρ)·Σ_j p_ij²), ρ the token cosine of the values. Both ends are
 *   drawn: independent tokens with uniform attention (ρ = 0, Σ_j p_ij² = 1/S, or the mean of
 *   1/(i+1) with a causal mask), the least any attention gives, and collapsed tokens (ρ = 1), the most;
 * - a decoder's cross-attention: C = u_m·σ_V'²·σ_O'²·(ρ + (1 − ρ)/M) over M memory tokens of second
 *   moment u_m (1 after the encoder's final or post norm, else the encoder's own recursion at the
 *   same edge); its values come from the memory, not the stream;
 * - MLP sub-layer: M(u) = σ_2²·E[φ(√(σ_1²·u + β_1²)·z)²] + β_2², z ~ N(0, 1), β² = E[b²] of the
 *   MLP's biases (PyTorch's Linear defaults; 0 otherwise);
 * - each sub-layer: v ← α²·v + B(u) with a residual (α: DeepNorm's skip factor, else 1), v ← B(u)
 *   without; u = v/(v + ε) when a norm precedes the branch (pre-LN; ≈ 1 unless v is near ε = 1e−5),
 *   else u = v; a post-norm sets v to v/(v + ε).
 * σ_m² = fan_in·E[w²] comes from each matrix's initializer as {@link blockDraws} resolves it, with
 * the residual constants of the stack's role (`where`; a decoder's own by default).
 *
 * Gradients (stacks with norms), by the same recursion run backward on G, the second moment of
 * ∂L/∂x per element. A norm divides G by the second moment it normalizes (+ ε). A self-attention or
 * MLP branch is taken to pass G back with the gain it has forward (B(u)/u per unit input; a ReLU
 * MLP exactly; attention's backward gain is lower); cross-attention passes nothing back through its
 * values, and its query path is left out (exactly 0 for collapsed memory tokens). So
 * - pre-norm: G_in = G_out·(α² + B/v_in): ‖∂L/∂x‖² ∝ 1/v, the telescoping product
 *   Π(1 + c/v_k) = v_L/v_l (Xiong et al. (2020), "On Layer Normalization in the Transformer
 *   Architecture", for the growth v_l = 1 + l·c); cross-attention adds to v and nothing to G;
 * - post-norm: G_in = G_out·(α² + B/v_in)/(α²·v_in + B + ε) ≈ G_out for matched branches, and
 *   G_out·α²/(α² + C) across cross-attention: the decoder's gradient shrinks by √(1 + C/α²) a block
 *   toward the input (Liu et al. (2020), "Understanding the Difficulty of Training Transformers").
 * A block's weights see G at its branches' outputs (after a post-norm's division), so the weight
 * gradients' last/first ratio lies between the least and the most of √(G_last/G_first) over those
 * positions, over both edges.
 */
export function streamTheory(spec: TransformerSpec, where: StackRole = stackRole(spec)): StreamTheory {
  const f = Math.round(spec.mlpRatio * spec.width);
  const sc = residualScheme(spec.residualScale, spec.depth, where);
  const sigma2 = { q: 0, k: 0, v: 0, o: 0, w1: 0, w2: 0, xq: 0, xk: 0, xv: 0, xo: 0, b1: 0, b2: 0 } as Record<
    BlockMatrix,
    number
  >;
  for (const draw of blockDraws(spec, f)) {
    const r = resolveInitializer(draw.init, { shape: draw.shape, framework: drawFramework(draw, spec) });
    for (const m of draw.makes) {
      const second = r.variance + r.mean * r.mean;
      // a bias adds its own second moment E[b²]; a matrix fan_in·E[w²] times its scheme factor²
      if (m === "b1" || m === "b2") sigma2[m] = second;
      else sigma2[m] = (m === "w2" ? f : spec.width) * second * sc[m] ** 2;
    }
  }
  if (spec.parameterization === "mup") sigma2.q = sigma2.xq = 0;
  const phi = parseActivation(spec.activation);
  const emb = spec.embedding
    ? resolveInitializer(spec.embedding.init, { shape: [spec.embedding.vocab, spec.width], framework: spec.framework })
    : null;
  const v0 = emb ? emb.variance + emb.mean * emb.mean : 1;
  const pre = spec.normPosition === "pre" && spec.norm !== "none";
  const post = spec.normPosition === "post" && spec.norm !== "none";
  const alpha2 = spec.residual ? sc.alpha ** 2 : 0;
  // a norm's output has second moment v/(v + ε): 1 unless the stream is as small as ε
  const normed = (x: number) => x / (x + NORM_EPS);
  const encoder = spec.crossAttention
    ? streamTheory(memoryEncoder(spec), { role: "encoder", other: spec.depth })
    : null;
  const memorySq = (edge: "lo" | "hi") => {
    const last = encoder![edge][encoder![edge].length - 1] ** 2;
    return pre || post ? normed(last) : last;
  };
  const run = (rho: number, edge: "lo" | "hi") => {
    const mix = rho + (1 - rho) * uniformConcentration(spec.seq, spec.causal);
    const memoryMix = spec.crossAttention ? rho + (1 - rho) / spec.crossAttention.memorySeq : 0;
    const out: number[] = [];
    const subs: SubLayer[][] = [];
    let v = v0;
    const sub = (block: SubLayer[], branch: (u: number) => number, matched = true) => {
      const vin = v;
      const b = branch(pre ? normed(v) : v);
      v = alpha2 * v + b;
      block.push({ matched, vin, branch: b, sum: v });
      if (post) v = normed(v);
    };
    for (let l = 0; l < spec.depth; l++) {
      const block: SubLayer[] = [];
      sub(block, (u) => u * sigma2.v * sigma2.o * mix);
      if (spec.crossAttention) sub(block, () => memorySq(edge) * sigma2.xv * sigma2.xo * memoryMix, false);
      if (!spec.attentionOnly)
        sub(
          block,
          (u) =>
            sigma2.w2 * gaussianExpectation((x) => phi.f(x) ** 2, sigma2.w1 * u + sigma2.b1, phi.kinks) + sigma2.b2,
        );
      subs.push(block);
      out.push(Math.sqrt(v));
    }
    return { out, gradRatio: pre || post ? weightGradRange(subs, alpha2, post) : null };
  };
  const lo = run(0, "lo");
  const hi = run(1, "hi");
  const ranges = [lo.gradRatio, hi.gradRatio].filter((x) => x !== null);
  const decoder = spec.crossAttention ? "; cross-attention passes no gradient back through its values" : "";
  return {
    sigma2,
    lo: lo.out,
    hi: hi.out,
    gradRatio: ranges.length
      ? { min: Math.min(...ranges.map((x) => x.min)), max: Math.max(...ranges.map((x) => x.max)) }
      : null,
    note: pre
      ? `pre-norm: the stream between independent and collapsed tokens; gradients assume equal forward and backward gains (attention's backward gain is lower)${decoder}`
      : post
        ? `post-norm: the norm holds the stream at 1; gradients assume equal forward and backward gains${decoder}`
        : "no norm: the stream between independent and collapsed tokens; no gradient theory drawn",
  };
}

/**
 * The backward recursion of {@link streamTheory} over one edge's sub-layers: G from 1 at the last
 * block's output, G at each branch's output, and the least and most √(G_last/G_first) over the
 * positions of the last block and the first.
 */
function weightGradRange(blocks: SubLayer[][], alpha2: number, post: boolean): { min: number; max: number } {
  let g = 1;
  const atBranch: number[][] = blocks.map(() => []);
  for (let l = blocks.length - 1; l >= 0; l--)
    for (let k = blocks[l].length - 1; k >= 0; k--) {
      const s = blocks[l][k];
      const gSum = post ? g / (s.sum + NORM_EPS) : g;
      atBranch[l].unshift(gSum);
      g = gSum * (alpha2 + (s.matched ? s.branch / s.vin : 0));
    }
  const last = atBranch[blocks.length - 1];
  const first = atBranch[0];
  const ratios = last.flatMap((a) => first.map((b) => Math.sqrt(a / b)));
  return { min: Math.min(...ratios), max: Math.max(...ratios) };
}
