import { parseInitSpec } from "../init/initSpec.js";
import { findInitializer } from "../init/resolveInitializer.js";
import { bandPoint } from "../verdict/seedBands.js";
import type { BandPoint } from "../verdict/seedBands.js";
import { propagateTransformer } from "./propagateTransformer.js";
import type { ResidualScale, StackRole, TransformerSpec } from "./transformerSpec.js";
import { checkTransformer, residualScheme } from "./transformerSpec.js";

/** One scheme a transformer recommendation tries: a residual scaling and a weight init. */
export interface TransformerCandidate {
  residualScale: ResidualScale;
  init: string;
}

/** How one signal of a scheme looked over the seeds. */
export interface TransformerVerdict {
  signal: "stream" | "tokens" | "gradients";
  kind: "healthy" | "grows" | "collapses" | "unbalanced";
  band: BandPoint;
}

export interface RankedTransformerScheme extends TransformerCandidate {
  /** stream std after the last block over the input's, over seeds */
  streamGrowth: BandPoint;
  /** token cosine after the last block, over seeds */
  tokenCosine: BandPoint;
  /** ‖∂L/∂W‖ of the last block over the first, over seeds */
  gradientRatio: BandPoint;
  verdicts: TransformerVerdict[];
  /** |ln growth| + |ln gradient ratio| + 4·max(0, cosine − 0.5), seed means: lower is better */
  score: number;
  why: string;
}

/** The thresholds of the verdicts: a stream within 1.5× of its input, tokens below cosine 0.9, a gradient ratio in [0.5, 2]. */
export const TRANSFORMER_HEALTH = { streamGrowth: 1.5, tokenCosine: 0.9, gradientRatio: 2 } as const;

/**
 * The schemes worth trying for a stack (each keeps the stack's own init, and pre-norm stacks also try
 * small_init): pre-norm — none and GPT-2's 1/√(2L); post-norm — none and DeepNorm; no norm — none
 * and T-Fixup.
 */
export function transformerCandidates(spec: TransformerSpec): TransformerCandidate[] {
  const inits = spec.normPosition === "pre" && spec.norm !== "none" ? [spec.init, "small_init"] : [spec.init];
  const schemes: ResidualScale[] =
    spec.norm === "none" ? ["none", "tfixup"] : spec.normPosition === "post" ? ["none", "deepnorm"] : ["none", "gpt2"];
  const unique = [...new Set(inits)];
  return unique.flatMap((init) => schemes.map((residualScale) => ({ residualScale, init })));
}

function verdictsOf(growth: BandPoint, cosine: BandPoint, ratio: BandPoint): TransformerVerdict[] {
  const h = TRANSFORMER_HEALTH;
  return [
    { signal: "stream", kind: growth.mean <= h.streamGrowth ? "healthy" : "grows", band: growth },
    { signal: "tokens", kind: cosine.mean < h.tokenCosine ? "healthy" : "collapses", band: cosine },
    {
      signal: "gradients",
      kind: ratio.mean >= 1 / h.gradientRatio && ratio.mean <= h.gradientRatio ? "healthy" : "unbalanced",
      band: ratio,
    },
  ];
}

/**
 * Ranks residual schemes for a transformer stack by what they measurably do at init over seeds:
 * the residual stream's growth (last block's std over the input's), token collapse (the last
 * block's mean token cosine) and the weight-gradient balance across depth (‖∂L/∂W‖ last/first,
 * L = Σ out ⊙ T), scored by |ln growth| + |ln ratio| + 4·max(0, cosine − 0.5) on the seed means.
 * @param onSeed called after each (candidate, seed) run, for progress.
 */
export function recommendTransformer(
  spec: TransformerSpec,
  o: { seeds: readonly number[]; batch: number; onRun?: (done: number, total: number) => void },
): RankedTransformerScheme[] {
  const candidates = transformerCandidates(checkTransformer(spec));
  const total = candidates.length * o.seeds.length;
  let done = 0;
  const ranked = candidates.map((c) => {
    const s = checkTransformer({ ...spec, ...c });
    const runs = o.seeds.map((seed) => {
      const r = propagateTransformer(s, { batch: o.batch, seed, backward: true });
      o.onRun?.(++done, total);
      const last = r.layers[r.layers.length - 1];
      return {
        growth: last.stream.std / r.input.std,
        cosine: last.tokenCosine,
        ratio: last.grad!.weights / r.layers[0].grad!.weights,
      };
    });
    const growth = bandPoint(
      0,
      runs.map((r) => r.growth),
    );
    const cosine = bandPoint(
      0,
      runs.map((r) => r.cosine),
    );
    const ratio = bandPoint(
      0,
      runs.map((r) => r.ratio),
    );
    const score = Math.abs(Math.log(growth.mean)) + Math.abs(Math.log(ratio.mean)) + 4 * Math.max(0, cosine.mean - 0.5);
    const verdicts = verdictsOf(growth, cosine, ratio);
    const bad = verdicts.filter((v) => v.kind !== "healthy");
    const why = bad.length
      ? bad.map((v) => `${v.signal} ${v.kind} (${v.band.mean.toPrecision(3)})`).join(", ")
      : `stream ×${growth.mean.toPrecision(3)}, token cosine ${cosine.mean.toPrecision(3)}, gradient last/first ${ratio.mean.toPrecision(3)}`;
    return {
      ...c,
      streamGrowth: growth,
      tokenCosine: cosine,
      gradientRatio: ratio,
      verdicts,
      score: Number.isFinite(score) ? score : Infinity,
      why,
    };
  });
  return ranked.sort((a, b) => a.score - b.score);
}

/** Keras's/Flax's VarianceScaling (scale, mode, distribution) of the catalog's variance-scaling inits. */
const VARIANCE_SCALING: Record<string, [number, string, string]> = {
  glorot_uniform: [1, "fan_avg", "uniform"],
  glorot_normal: [1, "fan_avg", "truncated_normal"],
  lecun_uniform: [1, "fan_in", "uniform"],
  lecun_normal: [1, "fan_in", "truncated_normal"],
  he_uniform: [2, "fan_in", "uniform"],
  he_normal: [2, "fan_in", "truncated_normal"],
  small_init: [0.4, "fan_in", "untruncated_normal"],
};

/**
 * How to apply a scheme in PyTorch, Keras and JAX/Flax for L blocks (of a stack alone, or a decoder
 * with cross-attention: `where`), with its numbers: every weight drawn from the init, then the
 * scheme's factor f on the tensors it scales ({@link residualScheme}) —
 * an in-place multiply in PyTorch, a VarianceScaling with the init's scale × f² in Keras and Flax
 * (for the variance-scaling inits; others are named for `initlab init inspect`).
 */
export function transformerSnippets(
  c: TransformerCandidate,
  depth: number,
  where: StackRole = { role: "stack" },
): { torch: string; keras: string; jax: string } {
  const sc = residualScheme(c.residualScale, depth, where);
  const decoder = where.role === "decoder";
  const n = (x: number) => String(Number(x.toPrecision(6)));
  const vs = VARIANCE_SCALING[c.init];
  const parsed = parseInitSpec(c.init);
  const torchName = findInitializer(parsed.name).frameworks.torch?.name;
  const torchInit =
    c.init === "small_init"
      ? "nn.init.normal_(w, std=math.sqrt(2 / (5 * w.shape[1]))) for every Linear weight w"
      : torchName && Object.keys(parsed.params).length === 0
        ? `${torchName} on every Linear weight w`
        : `every Linear weight drawn as initlab init inspect "${c.init}" --framework torch shows`;
  const keras = (factor: number) =>
    vs
      ? `keras.initializers.VarianceScaling(scale=${n(vs[0] * factor ** 2)}, mode="${vs[1]}", distribution="${vs[2]}")`
      : `${c.init} with its variance × ${n(factor ** 2)}`;
  const flax = (factor: number) =>
    vs
      ? `nn.initializers.variance_scaling(${n(vs[0] * factor ** 2)}, "${vs[1]}", "${vs[2] === "untruncated_normal" ? "normal" : vs[2]}")`
      : `${c.init} with its variance × ${n(factor ** 2)}`;
  const scaled: Record<Exclude<ResidualScale, "none">, { names: string; factor: number; extra: string }> = {
    gpt2: {
      names: decoder
        ? "W_O of self- and cross-attention (out_proj) and W_2 (MLP out)"
        : "W_O (attention out_proj) and W_2 (MLP out)",
      factor: sc.o,
      extra: `1/√(${decoder ? 3 : 2}·${depth})`,
    },
    deepnorm: {
      names: decoder ? "W_V, W_O of self- and cross-attention, W_1, W_2" : "W_V, W_O, W_1, W_2",
      factor: sc.v,
      extra: decoder
        ? `β = (12·${depth})^−¼; residual x ← norm(${n(sc.alpha)}·x + f(x)), α = (3·${depth})^¼`
        : `β = (8·${depth})^−¼; residual x ← norm(${n(sc.alpha)}·x + f(x)), α = (2·${depth})^¼`,
    },
    tfixup: {
      names: decoder ? "W_V, W_O of self- and cross-attention, W_1, W_2" : "W_V, W_O, W_1, W_2",
      factor: sc.v,
      extra: decoder ? `(9·${depth})^−¼; no LayerNorm` : `0.67·${depth}^−¼; no LayerNorm`,
    },
  };
  if (c.residualScale === "none")
    return { torch: torchInit, keras: `kernel_initializer=${keras(1)}`, jax: `kernel_init=${flax(1)}` };
  const s = scaled[c.residualScale];
  return {
    torch: `${torchInit}; then with torch.no_grad(): w.mul_(${n(s.factor)}) for ${s.names} of every block (${s.extra})`,
    keras: `kernel_initializer=${keras(1)}; ${s.names}: kernel_initializer=${keras(s.factor)} (${s.extra})`,
    jax: `kernel_init=${flax(1)}; ${s.names}: kernel_init=${flax(s.factor)} (${s.extra})`,
  };
}
