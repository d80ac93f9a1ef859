import type { InitDistribution } from "../init/distribution.js";
import type { Framework, KernelContext } from "../init/kernel.js";
import { FRAMEWORKS, frameworkLayout } from "../init/kernel.js";
import type { ResolvedInitializer } from "../init/resolveInitializer.js";
import { resolveInitializer } from "../init/resolveInitializer.js";
import { translateShape } from "../init/translateShape.js";
import { truncatedNormalCdf } from "../init/truncatedNormal.js";
import { normalCdf } from "../math/normalDistribution.js";
import { ksTest } from "./kolmogorovSmirnov.js";
import type { WeightFit } from "./weightFit.js";
import { FIT_ALPHA } from "./weightFit.js";
import type { WeightStats } from "./weightStats.js";

/** A catalog scheme whose law the values are consistent with, in one framework's semantics. */
export interface SchemeMatch {
  spec: string;
  framework: Framework;
  /** the framework's own name and, for its defaults and quirks, a note in words */
  note: string;
  /** KS test of the values against the scheme's exact law (no fitted parameters) */
  statistic: number;
  pValue: number;
}

/** How far the values are from a framework's default scheme: the std ratio and the KS statistic. */
export interface SchemeDistance {
  spec: string;
  framework: Framework;
  note: string;
  /** std of the values / std of the scheme */
  stdRatio: number;
  statistic: number;
  pValue: number;
}

/** A recorded initializer (a TF.js topology's `kernel_initializer`) checked against the values. */
export interface RecordedCheck {
  spec: string;
  framework: Framework;
  consistent: boolean;
  stdRatio: number;
  statistic: number;
  pValue: number;
  quirks: string[];
}

interface Candidate {
  spec: string;
  note?: string;
}

const GENERIC: Candidate[] = [
  "glorot_uniform",
  "glorot_normal",
  "he_uniform",
  "he_normal",
  "lecun_uniform",
  "lecun_normal",
].map((spec) => ({ spec }));
const KERAS_LIKE: Candidate[] = [...GENERIC, { spec: "normal" }, { spec: "uniform" }, { spec: "truncated_normal" }];
const TORCH: Candidate[] = [
  { spec: "kaiming_uniform(a=2.23606797749979)", note: "torch default (nn.Linear/nn.Conv reset_parameters)" },
  { spec: "glorot_uniform" },
  { spec: "glorot_normal" },
  { spec: "lecun_uniform" },
  { spec: "lecun_normal" },
  ...["uniform", "normal"].flatMap((d) =>
    ["fan_in", "fan_out"].flatMap((mode) =>
      ["relu", "tanh", ...(mode === "fan_out" ? ["linear"] : [])].map((nl) => ({
        spec: `kaiming_${d}(mode=${mode},nonlinearity=${nl})`,
      })),
    ),
  ),
  { spec: "normal", note: "torch nn.init.normal_ default N(0, 1), nn.Embedding's init" },
  ...[0.01, 0.02].flatMap((std) => [{ spec: `normal(std=${std})` }, { spec: `trunc_normal(std=${std})` }]),
];

/** The schemes tried in each framework (each framework's defaults noted). */
export const CANDIDATES: Record<Framework, Candidate[]> = {
  torch: TORCH,
  keras: [{ spec: "glorot_uniform", note: "keras default (Dense/Conv kernel_initializer)" }, ...KERAS_LIKE.slice(1)],
  tfjs: [
    { spec: "glorot_normal", note: "tfjs default (dense/conv2d kernelInitializer)" },
    ...KERAS_LIKE.filter((c) => c.spec !== "glorot_normal"),
  ],
  jax: [...GENERIC, { spec: "normal" }],
  flax: [
    { spec: "lecun_normal", note: "flax default (linen.Dense/Conv kernel_init)" },
    ...GENERIC.filter((c) => c.spec !== "lecun_normal"),
    { spec: "normal" },
  ],
};

/** The default kernel initializer of each framework's dense/conv layers. */
export const FRAMEWORK_DEFAULTS: Record<Framework, string> = {
  torch: "kaiming_uniform(a=2.23606797749979)",
  keras: "glorot_uniform",
  tfjs: "glorot_normal",
  jax: "lecun_normal",
  flax: "lecun_normal",
};

/** The layer's kernel context in a framework's own layout (a torch depthwise conv stays grouped; keras/tfjs also see it as DepthwiseConv). */
export function contextsFor(framework: Framework, ctx: KernelContext): KernelContext[] {
  const layout = frameworkLayout(framework);
  const t = translateShape(ctx, layout, framework === "jax" || framework === "flax");
  const out: KernelContext[] = [
    { shape: t.shape, layout, groups: t.groups, transposed: ctx.transposed, depthwise: t.depthwise },
  ];
  const s = ctx.shape;
  const isDepthwise = ctx.layout === "torch" && s.length >= 3 && !ctx.transposed && s[1] === 1 && ctx.groups > 1;
  if (isDepthwise && (framework === "keras" || framework === "tfjs")) {
    const mult = s[0] / ctx.groups;
    out.push({
      shape: [...s.slice(2), ctx.groups, mult],
      layout: "keras",
      groups: 1,
      transposed: false,
      depthwise: true,
    });
  }
  return out;
}

/** The CDF of a resolved law, or null for laws that are not a distribution of independent values. */
export function lawCdf(d: InitDistribution): ((x: number) => number) | null {
  switch (d.kind) {
    case "normal":
      return (x) => normalCdf((x - d.mean) / d.std);
    case "uniform":
      return (x) => (x <= d.low ? 0 : x >= d.high ? 1 : (x - d.low) / (d.high - d.low));
    case "truncated_normal":
      return (x) => truncatedNormalCdf(x, d.mean, d.std, d.low, d.high);
    default:
      return null;
  }
}

function tryResolve(spec: string, framework: Framework, ctx: KernelContext): ResolvedInitializer | null {
  try {
    return resolveInitializer(spec, {
      shape: ctx.shape,
      framework,
      groups: ctx.groups,
      transposed: ctx.transposed,
      depthwise: ctx.depthwise,
    });
  } catch {
    return null; // the scheme does not exist for this shape in this framework
  }
}

/**
 * Tests the values against one resolved scheme's exact law: first a z-test of the variance
 * (standard error σ²·√((κ − 1)/n), κ the sample kurtosis) that skips laws more than 10 standard
 * errors away, then the Kolmogorov–Smirnov test of the sorted sample against the law's CDF.
 */
function testLaw(
  r: ResolvedInitializer,
  sorted: Float64Array,
  stats: WeightStats,
  step: number,
): { statistic: number; pValue: number; stdRatio: number } | null {
  const cdf = lawCdf(r.params);
  if (!cdf || !(r.variance > 0)) return null;
  const stdRatio = stats.std / Math.sqrt(r.variance);
  const kappa = Number.isFinite(stats.kurtosis) ? Math.max(1, stats.kurtosis) : 3;
  const se = r.variance * Math.sqrt((kappa - 1) / sorted.length) + (step * step) / 12;
  const meanSe = Math.sqrt(r.variance / sorted.length) + step;
  if (Math.abs(stats.std * stats.std - r.variance) > 10 * se || Math.abs(stats.mean - r.mean) > 10 * meanSe)
    return { statistic: NaN, pValue: 0, stdRatio };
  return { ...ksTest(sorted, cdf, step), stdRatio };
}

function noteFor(c: Candidate, r: ResolvedInitializer): string {
  return [c.note ?? r.frameworkName ?? "", ...r.quirks].filter((s) => s !== "").join("; ");
}

/**
 * The catalog schemes, in every framework's semantics for this layer (its own layout and fan
 * rule), that the values are consistent with: constant values match zeros/ones/constant exactly;
 * an orthogonal fit matches orthogonal(gain); every other fit matches the schemes whose exact law
 * passes the KS test at p ≥ 0.001; values no family fits ("unknown": trained) match nothing. Several schemes can match at once (lecun_normal and
 * kaiming_normal(mode=fan_out, nonlinearity=relu) coincide for a 200→400 layer).
 * `origin` (the framework that wrote the file) is listed first.
 */
export function schemeMatches(
  fit: WeightFit,
  sorted: Float64Array,
  stats: WeightStats,
  ctx: KernelContext,
  options: { step?: number; origin?: Framework | null } = {},
): SchemeMatch[] {
  const step = options.step ?? 0;
  if (fit.family === "unknown") return []; // trained weights are reported with their distances, not matched
  const order = [...FRAMEWORKS].sort((a, b) => Number(b === options.origin) - Number(a === options.origin));
  const out: SchemeMatch[] = [];
  if (fit.family === "constant") {
    const v = fit.value ?? NaN;
    const spec = v === 0 ? "zeros" : v === 1 ? "ones" : `constant(value=${v})`;
    for (const fw of order) out.push({ spec, framework: fw, note: "", statistic: 0, pValue: 1 });
    return out;
  }
  if (fit.family === "orthogonal") {
    const g = fit.gain ?? NaN;
    const spec = Math.abs(g - 1) < 1e-3 ? "orthogonal" : `orthogonal(gain=${Number(g.toPrecision(4))})`;
    for (const fw of order)
      if (fw !== "tfjs" || ctx.shape.length === 2)
        out.push({ spec, framework: fw, note: "", statistic: fit.statistic, pValue: fit.pValue });
    return out;
  }
  if (fit.family === "sparse") {
    for (const fw of order)
      out.push({
        spec: `sparse(sparsity=${Number((fit.sparsity ?? 0).toPrecision(3))},std=${Number(fit.std.toPrecision(3))})`,
        framework: fw,
        note: "",
        statistic: fit.statistic,
        pValue: fit.pValue,
      });
    return out;
  }
  for (const fw of order) {
    for (const c of CANDIDATES[fw]) {
      for (const fctx of contextsFor(fw, ctx)) {
        const r = tryResolve(c.spec, fw, fctx);
        if (!r) continue;
        const t = testLaw(r, sorted, stats, step);
        if (t && t.pValue >= FIT_ALPHA) {
          const note = noteFor(c, r) + (fctx.depthwise && !ctx.depthwise ? "; as DepthwiseConv" : "");
          if (!out.some((m) => m.spec === c.spec && m.framework === fw))
            out.push({ spec: c.spec, framework: fw, note, statistic: t.statistic, pValue: t.pValue });
        }
      }
    }
  }
  return out;
}

/** How far the values are from each framework's default kernel initializer (for trained weights). */
export function defaultDistances(
  sorted: Float64Array,
  stats: WeightStats,
  ctx: KernelContext,
  step = 0,
): SchemeDistance[] {
  const out: SchemeDistance[] = [];
  for (const fw of FRAMEWORKS) {
    if (fw === "jax") continue; // same default as flax
    const r = tryResolve(FRAMEWORK_DEFAULTS[fw], fw, contextsFor(fw, ctx)[0]);
    const cdf = r ? lawCdf(r.params) : null;
    if (!r || !cdf) continue;
    const t = ksTest(sorted, cdf, step);
    out.push({
      spec: FRAMEWORK_DEFAULTS[fw],
      framework: fw,
      note: CANDIDATES[fw][0].note ?? "",
      stdRatio: stats.std / Math.sqrt(r.variance),
      ...t,
    });
  }
  return out;
}

/** Checks a recorded initializer (spec in one framework) against the values' law. */
export function checkRecorded(
  spec: string,
  framework: Framework,
  sorted: Float64Array,
  stats: WeightStats,
  fit: WeightFit,
  ctx: KernelContext,
  step = 0,
): RecordedCheck | null {
  const r = tryResolve(spec, framework, contextsFor(framework, ctx)[0]);
  if (!r) return null;
  if (r.params.kind === "constant") {
    const ok = fit.family === "constant" && fit.value === r.params.value;
    return {
      spec,
      framework,
      consistent: ok,
      stdRatio: NaN,
      statistic: ok ? 0 : 1,
      pValue: ok ? 1 : 0,
      quirks: r.quirks,
    };
  }
  if (r.params.kind === "orthogonal") {
    const ok = fit.family === "orthogonal" && Math.abs((fit.gain ?? NaN) - r.params.gain) < 1e-2 * r.params.gain;
    return {
      spec,
      framework,
      consistent: ok,
      stdRatio: stats.std / Math.sqrt(r.variance),
      statistic: fit.statistic,
      pValue: ok ? fit.pValue : 0,
      quirks: r.quirks,
    };
  }
  const cdf = lawCdf(r.params);
  if (!cdf) return null;
  const t = ksTest(sorted, cdf, step);
  return {
    spec,
    framework,
    consistent: t.pValue >= FIT_ALPHA,
    stdRatio: stats.std / Math.sqrt(r.variance),
    statistic: t.statistic,
    pValue: t.pValue,
    quirks: r.quirks,
  };
}
