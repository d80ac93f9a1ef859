import type { Fans } from "../init/fans.js";
import { formatPValue, formatStat } from "../text/formatStat.js";
import { fanQuirks, frameworkFans, initlabFans } from "../init/fans.js";
import type { Framework, KernelContext } from "../init/kernel.js";
import type { Rng } from "../random/Rng.js";
import type { RecordedCheck, SchemeDistance, SchemeMatch } from "./schemeMatches.js";
import { checkRecorded, contextsFor, defaultDistances, schemeMatches } from "./schemeMatches.js";
import type { WeightFit } from "./weightFit.js";
import { fitWeights } from "./weightFit.js";
import type { WeightSpectrum } from "./weightSpectrum.js";
import { weightSpectrum } from "./weightSpectrum.js";
import type { WeightStats } from "./weightStats.js";
import { sortedSample, weightStats } from "./weightStats.js";

/** At most this many values enter the goodness-of-fit tests (drawn with the audit's rng). */
export const FIT_SAMPLE = 200_000;

/** Everything initlab says about one weight tensor. */
export interface TensorAudit {
  stats: WeightStats;
  fit: WeightFit;
  matches: SchemeMatch[];
  recorded: RecordedCheck | null;
  /** for tensors no law fits: how far they are from each framework's default */
  distances: SchemeDistance[];
  /** the layer's real fans (what the signal sees) */
  fans: Fans;
  /** the fans torch, keras and tfjs would compute for this layer */
  frameworkFans: Partial<Record<"torch" | "keras" | "tfjs", { fanIn: number; fanOut: number }>>;
  spectrum: WeightSpectrum | null;
  findings: string[];
}

export interface AuditTensorOptions {
  /** quantization step (tfjs uint8/uint16), 0 for float weights */
  step?: number;
  /** the framework that wrote the file: its matches are listed first */
  origin?: Framework | null;
  /** an initializer the file records for this tensor */
  recorded?: { spec: string; framework: Framework } | null;
  /** compute the spectrum (2-D view of ≥ 2×2); default true */
  spectrum?: boolean;
  /** an embedding table: its fans are not a layer's, and its default is N(0, 1) in torch */
  embedding?: boolean;
  rng: Rng;
}

/**
 * The row-major 2-D view of a kernel as stored — the matrix from an input patch to the outputs:
 * torch [out, in·∏k]; keras [∏k·in, out] (its transpose, with the same singular values).
 */
export function matrixView(ctx: KernelContext): { rows: number; cols: number } | null {
  const s = ctx.shape;
  if (s.length < 2) return null;
  if (ctx.layout === "torch") return { rows: s[0], cols: s.slice(1).reduce((a, b) => a * b, 1) };
  return { rows: s.slice(0, -1).reduce((a, b) => a * b, 1), cols: s[s.length - 1] };
}

/**
 * Audits one weight tensor: statistics, the fitted law ({@link fitWeights}), the catalog schemes
 * consistent with it in each framework ({@link schemeMatches}), the recorded initializer checked
 * against the values, the real and framework fans, the spectrum of its 2-D view, and findings in
 * words.
 */
export function auditTensor(values: ArrayLike<number>, ctx: KernelContext, options: AuditTensorOptions): TensorAudit {
  const step = options.step ?? 0;
  const stats = weightStats(values);
  const sorted = sortedSample(values, FIT_SAMPLE, options.rng);
  const view = matrixView(ctx);
  const fit = fitWeights(values, sorted, stats, {
    matrix: view ? { rows: view.rows, cols: view.cols } : null,
    step,
    rng: options.rng,
  });
  const matches = schemeMatches(fit, sorted, stats, ctx, { step, origin: options.origin ?? null });
  const rec = options.recorded
    ? checkRecorded(options.recorded.spec, options.recorded.framework, sorted, stats, fit, ctx, step)
    : null;
  const distances = fit.family === "unknown" && !options.embedding ? defaultDistances(sorted, stats, ctx, step) : [];
  const fans = initlabFans(ctx);
  const ff: TensorAudit["frameworkFans"] = {};
  const findings: string[] = [];
  for (const fw of ["torch", "keras", "tfjs"] as const) {
    try {
      const fctx = contextsFor(fw, ctx)[0];
      const f = frameworkFans(fw, fctx);
      ff[fw] = { fanIn: f.fanIn, fanOut: f.fanOut };
      if (!options.embedding && ctx.shape.length >= 3 && (options.origin ?? fw) === fw)
        findings.push(...fanQuirks(fw, fctx, f, initlabFans(fctx)));
    } catch {
      // the framework has no fans for this shape
    }
  }
  let spectrum: WeightSpectrum | null = null;
  if (
    options.spectrum !== false &&
    view &&
    view.rows >= 2 &&
    view.cols >= 2 &&
    stats.nonFinite === 0 &&
    stats.std > 0
  ) {
    // the singular values of Wᵀ are those of W: a keras kernel [∏k·in, out] is used as stored
    spectrum = weightSpectrum(values, view.rows, view.cols, options.rng);
  }
  findings.unshift(...fitFindings(fit, stats, matches, distances));
  if (rec) findings.push(recordedFinding(rec));
  if (spectrum && spectrum.spikes > 0 && fit.family !== "unknown")
    findings.push(
      `${spectrum.spikes} eigenvalue(s) above the Marchenko–Pastur edge although the values fit ${fit.family}: structure a random init would not have`,
    );
  return { stats, fit, matches, recorded: rec, distances, fans, frameworkFans: ff, spectrum, findings };
}

function fitFindings(
  fit: WeightFit,
  stats: WeightStats,
  matches: SchemeMatch[],
  distances: SchemeDistance[],
): string[] {
  const out: string[] = [];
  if (stats.nonFinite > 0) out.push(`${stats.nonFinite} non-finite value(s): the layer outputs NaN/inf for any input`);
  if (fit.family === "unknown") {
    const best = fit.tried[0];
    const near = distances.map((d) => `${formatStat(d.stdRatio)}× ${d.framework}'s`).join(", ");
    out.push(
      `no initializer's law fits (closest: ${best ? `${best.family}, KS D = ${best.statistic.toFixed(3)}, p = ${formatPValue(best.pValue)}` : "none"}): trained, or made by a scheme initlab does not know${near ? `; std vs the default inits: ${near}` : ""}`,
    );
    return out;
  }
  if (fit.family === "constant") {
    out.push(
      fit.value === 0
        ? "all weights are 0: the layer's units stay identical (no symmetry breaking) until a gradient reaches them"
        : `all weights equal ${formatStat(fit.value ?? NaN)}: every unit computes the same function`,
    );
    return out;
  }
  if (matches.length === 0)
    out.push(
      `${fit.family} (std ${stats.std.toPrecision(4)}) but no catalog scheme of any framework gives this scale for this layer's fans`,
    );
  const torchDefault = matches.find((m) => m.note.startsWith("torch default"));
  if (torchDefault)
    out.push(
      "torch default: U(±1/√fan_in), Var = 1/(3·fan_in) — a third of LeCun's, so a deep stack of such layers shrinks the signal",
    );
  if (
    fit.family === "truncated_normal" &&
    fit.cut !== null &&
    Math.abs(fit.cut - 2) < 0.15 &&
    matches.some((m) => m.framework === "tfjs" && m.note.includes("0.7737"))
  ) {
    out.push(
      "a ±2σ truncated normal without tfjs's missing 0.8796 correction: the variance is 0.7737× what the scheme intends (tfjs#8594)",
    );
  }
  return out;
}

function recordedFinding(r: RecordedCheck): string {
  if (r.consistent) {
    const q = r.quirks.find((s) => s.includes("0.7737"));
    return `the file records ${r.spec} (${r.framework}) and the weights follow it (KS p = ${formatPValue(r.pValue)})${q ? `; note: ${q}` : ""}`;
  }
  return `the file records ${r.spec} (${r.framework}) but the weights do not follow it (KS D = ${Number.isFinite(r.statistic) ? r.statistic.toFixed(3) : "—"}, p = ${formatPValue(r.pValue)}, std ${formatStat(r.stdRatio)}× the recorded law's): trained, or changed after initialization`;
}
