import { parseActivation } from "../engine/activations.js";
import { NORM_EPS } from "../engine/networkSpec.js";
import { resolveInitializer } from "../init/resolveInitializer.js";
import { gaussianExpectation } from "../theory/gaussian.js";
import type { BlockMatrix } from "./blockWeights.js";
import { blockDraws } from "./blockWeights.js";
import type { TransformerSpec } from "./transformerSpec.js";
import { residualScheme } from "./transformerSpec.js";

/** The mean-field prediction beside a transformer run. */
export interface StreamTheory {
  /** σ_m² = fan_in·E[w²] of each matrix, after the residual scheme's factor (fan_in = d, or f for W_2) */
  sigma2: Record<BlockMatrix, number>;
  /** predicted residual-stream std after each block, with independent tokens (the lower edge) */
  lo: number[];
  /** … with collapsed tokens (the upper edge) */
  hi: number[];
  /**
   * pre-norm stacks: the range predicted for ‖∂L/∂W‖ of the last block over the first (see
   * {@link streamTheory}), over both edges; null otherwise
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

/**
 * Mean-field recursion of the residual stream's second moment v_l per element (infinite width,
 * weights independent of the stream), from v = 1 at the input (with an embedding, v = E[e²] of its
 * initializer):
 * - attention sub-layer on an input of second moment u: its output has
 *   A(u) = u·σ_V²·σ_O²·(ρ + (1 − ρ)·Σ_j p_ij²), ρ the token cosine of the values. Both ends are
 *   drawn: independent tokens with uniform attention (ρ = 0, Σ_j p_ij² = 1/S, or the mean of
 *   1/(i+1) with a causal mask), the least any attention gives, and collapsed tokens (ρ = 1), the most;
 * - MLP sub-layer: M(u) = σ_2²·E[φ(√(σ_1²·u)·z)²], z ~ N(0, 1);
 * - each sub-layer: v ← α²·v + B(u) with a residual (α: DeepNorm's skip factor, else 1), v ← B(u)
 *   without; u = v/(v + ε) when a norm precedes the branch (pre-LN; ≈ 1 unless v is near ε = 1e−5),
 *   else u = v; a post-norm sets v to v/(v + ε).
 * σ_m² = fan_in·E[w²] comes from each matrix's initializer as {@link blockDraws} resolves it.
 * For pre-norm stacks, a branch whose backward gain equals its forward gain (a ReLU MLP exactly)
 * makes ‖∂L/∂x‖² ∝ 1/v where the stream has second moment v: the telescoping product
 * Π(1 + c/v_k) = v_L/v_l (Xiong et al. (2020), "On Layer Normalization in the Transformer
 * Architecture", for the growth v_l = 1 + l·c). A block's weights see the gradient at its
 * sub-layers' outputs — after its attention (v_mid) and after the block (v) — so the weight
 * gradients' last/first ratio lies between √(v_mid,0/v_{L−1}) and √(v_0/v_mid,L−1).
 */
export function streamTheory(spec: TransformerSpec): StreamTheory {
  const f = Math.round(spec.mlpRatio * spec.width);
  const sc = residualScheme(spec.residualScale, spec.depth);
  const sigma2 = { q: 0, k: 0, v: 0, o: 0, w1: 0, w2: 0 } as Record<BlockMatrix, number>;
  for (const draw of blockDraws(spec, f)) {
    const r = resolveInitializer(draw.init, { shape: draw.shape, framework: spec.framework });
    for (const m of draw.makes) {
      const fanIn = m === "w2" ? f : spec.width;
      sigma2[m] = fanIn * (r.variance + r.mean * r.mean) * sc[m] ** 2;
    }
  }
  if (spec.parameterization === "mup") sigma2.q = 0;
  const phi = parseActivation(spec.activation);
  const emb = spec.embedding
    ? resolveInitializer(spec.embedding.init, { shape: [spec.embedding.vocab, spec.width], framework: spec.framework })
    : null;
  const v0 = emb ? emb.variance + emb.mean * emb.mean : 1;
  const pre = spec.normPosition === "pre" && spec.norm !== "none";
  const post = spec.normPosition === "post" && spec.norm !== "none";
  const alpha2 = spec.residual ? sc.alpha ** 2 : 0;
  const run = (rho: number): { out: number[]; mid: number[] } => {
    const mix = rho + (1 - rho) * uniformConcentration(spec.seq, spec.causal);
    const out: number[] = [];
    const mid: number[] = [];
    let v = v0;
    // a norm's output has second moment v/(v + ε): 1 unless the stream is as small as ε
    const normed = (x: number) => x / (x + NORM_EPS);
    const sub = (branch: (u: number) => number) => {
      v = alpha2 * v + branch(pre ? normed(v) : v);
      if (post) v = normed(v);
    };
    for (let l = 0; l < spec.depth; l++) {
      sub((u) => u * sigma2.v * sigma2.o * mix);
      mid.push(Math.sqrt(v));
      if (!spec.attentionOnly)
        sub((u) => sigma2.w2 * gaussianExpectation((x) => phi.f(x) ** 2, sigma2.w1 * u, phi.kinks));
      out.push(Math.sqrt(v));
    }
    return { out, mid };
  };
  const lo = run(0);
  const hi = run(1);
  const last = spec.depth - 1;
  const ratios = [lo, hi].flatMap((e) => [e.mid[0] / e.out[last], e.out[0] / e.mid[last]]);
  return {
    sigma2,
    lo: lo.out,
    hi: hi.out,
    gradRatio: pre ? { min: Math.min(...ratios), max: Math.max(...ratios) } : null,
    note: pre
      ? "pre-norm: the stream between independent and collapsed tokens; gradients assume equal forward and backward gains (attention's backward gain is lower)"
      : post
        ? "post-norm: the norm holds the stream at 1; no gradient theory drawn"
        : "no norm: the stream between independent and collapsed tokens; no gradient theory drawn",
  };
}
