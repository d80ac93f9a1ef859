import type { PropagateResult } from "../engine/propagate.js";
import type { MeanFieldSummary } from "../theory/meanField.js";
import { formatStat } from "../text/formatStat.js";

/** Which signal a verdict judges. */
export type VerdictSignal = "forward" | "backward" | "correlation";

/** What happens to it with depth. */
export type VerdictKind = "stable" | "exploding" | "vanishing" | "collapsing" | "saturating";

/** One signal's verdict: its kind, the per-layer factor, the layer where it crosses the threshold, and why, in words. */
export interface Verdict {
  signal: VerdictSignal;
  kind: VerdictKind;
  /**
   * forward: the std's geometric per-layer factor (last/first)^(1/(L−1)); backward: the gradient
   * norm's factor per layer toward the input (‖g_0‖/‖g_{L−1}‖)^(1/(L−1)); correlation: the
   * per-layer factor of 1 − c. null where it is not defined (one layer, non-finite values).
   */
  factorPerLayer: number | null;
  /** the first layer (counted from where the signal starts: the input forward, the output backward) past the threshold, or of the event; null for stable */
  layer: number | null;
  /** the verdict and its mean-field reason in one sentence */
  sentence: string;
}

/** Over the depth, a signal that grows or shrinks by more than this factor explodes or vanishes. */
export const VERDICT_FACTOR = 10;
/** A signal whose last layer has more than this fraction of units with |φ'| < 0.05 is saturating. */
export const SATURATION_LIMIT = 0.6;
/** Inputs whose correlation exceeds this have collapsed onto one direction. */
export const COLLAPSE_LIMIT = 0.99;
/** χ₁ within this of 1 is critical. */
const CRITICAL_BAND = 0.05;

/** What a run measured, per layer (index 0 nearest the input). */
export interface SignalProfile {
  /** the std of the signal each layer passes on */
  std: readonly number[];
  /** the fraction of units with |φ'| < 0.05 per layer (null where not computed) */
  saturated?: readonly (number | null)[] | null;
  /** ‖∂L/∂a_l‖ per layer, with a backward pass */
  gradNorm?: readonly number[] | null;
  /** the correlation c of two inputs' pre-activations per layer, with a correlation run */
  correlation?: readonly number[] | null;
}

const fmt = (x: number) => formatStat(x, 3);

/** A signal's verdict builder: the signal, its factor, the sentence's subject and the mean-field reason are fixed; kind, layer and what happened vary. */
function verdictOf(signal: VerdictSignal, factor: number | null, subject: string, why: string) {
  return (kind: VerdictKind, layer: number | null, what: string): Verdict => ({
    signal,
    kind,
    factorPerLayer: factor,
    layer,
    sentence: `${subject} ${what}${why}`,
  });
}

/** The first index at which `ratio(i)` leaves [1/F, F] in the given direction, or null. */
function crossing(values: readonly number[], order: number[], up: boolean): number | null {
  const ref = values[order[0]];
  for (const i of order) {
    const r = values[i] / ref;
    if (!Number.isFinite(r) || (up ? r > VERDICT_FACTOR : r < 1 / VERDICT_FACTOR)) return i;
  }
  return null;
}

/** (last/first)^(1/(n−1)) over the finite, non-zero leading run of values along `order`. */
function geometricFactor(values: readonly number[], order: number[]): number | null {
  let end = 0;
  while (end + 1 < order.length && Number.isFinite(values[order[end + 1]]) && values[order[end + 1]] > 0) end++;
  const first = values[order[0]];
  if (end === 0 || !(first > 0) || !Number.isFinite(first)) return null;
  return (values[order[end]] / first) ** (1 / end);
}

/**
 * The mean-field reason for the forward signal: q converges to q* within ≈ ξ_q layers, or the
 * length map's regime in words (vanishes, grows without bound, marginal).
 */
function forwardReason(t: MeanFieldSummary | null): string {
  if (!t) return "";
  if (t.fixedPoint.kind === "finite")
    return `; mean field: q → q* = ${fmt(t.qStar)} within ≈ ξ_q = ${fmt(t.xiQ)} layers`;
  return `; mean field: ${t.fixedPoint.sentence}`;
}

/**
 * The mean-field reason for the gradient: E[δ²] is multiplied by χ₁ = σ_w²·E[φ'(√q* z)²] a layer
 * toward the input (Schoenholz et al. 2017), so the norm by √χ₁: χ₁ > 1 chaotic (explodes),
 * χ₁ < 1 ordered (vanishes), χ₁ ≈ 1 critical.
 */
function backwardReason(t: MeanFieldSummary | null): string {
  if (!t || !Number.isFinite(t.chi1)) return "";
  const phase =
    t.chi1 > 1 + CRITICAL_BAND
      ? `χ₁ = ${fmt(t.chi1)} > 1 (chaotic phase)`
      : t.chi1 < 1 - CRITICAL_BAND
        ? `χ₁ = ${fmt(t.chi1)} < 1 (ordered phase)`
        : `χ₁ = ${fmt(t.chi1)} ≈ 1 (critical)`;
  return `; mean field: ${phase}, ‖∂L/∂a‖ ×√χ₁ = ${fmt(Math.sqrt(t.chi1))} a layer toward the input`;
}

/** The mean-field reason for the correlation map: c → c* with depth scale ξ_c (trainable to ≈ 6ξ_c layers). */
function correlationReason(t: MeanFieldSummary | null): string {
  if (!t || !Number.isFinite(t.cStar)) return "";
  return `; mean field: c → c* = ${fmt(t.cStar)} with depth scale ξ_c = ${fmt(t.xiC)} layers (trainable to ≈ 6ξ_c = ${fmt(t.trainableDepth)})`;
}

/**
 * The forward signal's verdict: "exploding" (a non-finite std, or the std grows more than
 * VERDICT_FACTOR = 10× over the depth), "vanishing" (a std of exactly 0, or it shrinks more than
 * 10×), "saturating" (the last layer has more than SATURATION_LIMIT = 60 % of units with
 * |φ'| < 0.05), else "stable".
 */
export function forwardVerdict(p: SignalProfile, theory: MeanFieldSummary | null = null): Verdict {
  const s = p.std;
  const order = s.map((_, i) => i);
  const factor = geometricFactor(s, order);
  const per = factor === null ? "" : `std ×${fmt(factor)} a layer, `;
  const why = forwardReason(theory);
  const verdict = verdictOf("forward", factor, "the forward signal", why);
  const nonFinite = s.findIndex((v) => !Number.isFinite(v));
  if (nonFinite >= 0) return verdict("exploding", nonFinite, `explodes: ${per}non-finite at layer ${nonFinite}`);
  const zero = s.findIndex((v) => v === 0);
  if (zero >= 0) return verdict("vanishing", zero, `vanishes: ${per}exactly 0 at layer ${zero}`);
  const first = s[0];
  const last = s[s.length - 1];
  const span = `std ${fmt(first)} → ${fmt(last)} over ${s.length} layers`;
  const up = crossing(s, order, true);
  if (up !== null && last / first > VERDICT_FACTOR)
    return verdict(
      "exploding",
      up,
      `explodes: ${span} (×${fmt(factor ?? Number.NaN)} a layer), past ${VERDICT_FACTOR}× at layer ${up}`,
    );
  const down = crossing(s, order, false);
  if (down !== null && last / first < 1 / VERDICT_FACTOR)
    return verdict(
      "vanishing",
      down,
      `vanishes: ${span} (×${fmt(factor ?? Number.NaN)} a layer), below 1/${VERDICT_FACTOR} at layer ${down}`,
    );
  const sat = p.saturated ?? null;
  const lastSat = sat ? sat[sat.length - 1] : null;
  if (sat && lastSat !== null && lastSat > SATURATION_LIMIT) {
    const at = sat.findIndex((f) => f !== null && f > SATURATION_LIMIT);
    return verdict(
      "saturating",
      at,
      `saturates: ${fmt(100 * lastSat)} % of the last layer's units have |φ'| < 0.05 (over ${100 * SATURATION_LIMIT} % from layer ${at}); ${span}`,
    );
  }
  return verdict("stable", null, `is stable: ${span} (within ${VERDICT_FACTOR}×)`);
}

/**
 * The backward gradient's verdict, read from the output toward the input: "exploding" when
 * ‖∂L/∂a‖ at the first layer is more than VERDICT_FACTOR = 10× that at the last (or non-finite),
 * "vanishing" when less than 1/10 (or exactly 0), else "stable"; the layer is the first one, going
 * toward the input, past the threshold.
 */
export function backwardVerdict(gradNorm: readonly number[], theory: MeanFieldSummary | null = null): Verdict {
  const L = gradNorm.length;
  const order = gradNorm.map((_, i) => L - 1 - i);
  const factor = geometricFactor(gradNorm, order);
  const why = backwardReason(theory);
  const verdict = verdictOf("backward", factor, "the backward gradient", why);
  const per = factor === null ? "" : ` (×${fmt(factor)} a layer)`;
  const nonFinite = order.find((i) => !Number.isFinite(gradNorm[i]));
  if (nonFinite !== undefined)
    return verdict("exploding", nonFinite, `explodes toward the input${per}: non-finite at layer ${nonFinite}`);
  const zero = order.find((i) => gradNorm[i] === 0);
  if (zero !== undefined)
    return verdict("vanishing", zero, `vanishes toward the input${per}: exactly 0 at layer ${zero}`);
  const span = `‖∂L/∂a‖ ${fmt(gradNorm[L - 1])} at layer ${L - 1} → ${fmt(gradNorm[0])} at layer 0`;
  const ratio = gradNorm[0] / gradNorm[L - 1];
  const up = crossing(gradNorm, order, true);
  if (up !== null && ratio > VERDICT_FACTOR)
    return verdict("exploding", up, `explodes toward the input${per}: ${span}, past ${VERDICT_FACTOR}× at layer ${up}`);
  const down = crossing(gradNorm, order, false);
  if (down !== null && ratio < 1 / VERDICT_FACTOR)
    return verdict(
      "vanishing",
      down,
      `vanishes toward the input${per}: ${span}, below 1/${VERDICT_FACTOR} at layer ${down}`,
    );
  return verdict("stable", null, `is stable: ${span} (within ${VERDICT_FACTOR}×)`);
}

/**
 * The correlation map's verdict: "collapsing" when two inputs' correlation ends above
 * COLLAPSE_LIMIT = 0.99 having started below it (every input maps to one direction: the network
 * cannot tell them apart; Schoenholz et al. 2017's ordered phase), "exploding" when it falls more
 * than 0.5 below where it started (chaos: nearby inputs decorrelate), else "stable". The factor
 * is the per-layer factor of 1 − c.
 */
export function correlationVerdict(c: readonly number[], theory: MeanFieldSummary | null = null): Verdict {
  const L = c.length;
  const gaps = c.map((v) => 1 - v);
  const factor = geometricFactor(
    gaps,
    gaps.map((_, i) => i),
  );
  const why = correlationReason(theory);
  const span = `c ${formatStat(c[0], 4)} → ${formatStat(c[L - 1], 4)} over ${L} layers`;
  const verdict = verdictOf("correlation", factor, "two inputs' correlation", why);
  const at = c.findIndex((v) => v > COLLAPSE_LIMIT);
  if (c[0] <= COLLAPSE_LIMIT && at >= 0 && c[L - 1] > COLLAPSE_LIMIT)
    return verdict(
      "collapsing",
      at,
      `collapses toward 1: ${span}, above ${COLLAPSE_LIMIT} from layer ${at} (inputs become indistinguishable)`,
    );
  const drop = c.findIndex((v) => v < c[0] - 0.5);
  if (drop >= 0 && c[L - 1] < c[0] - 0.5)
    return verdict(
      "exploding",
      drop,
      `falls (chaos: nearby inputs decorrelate): ${span}, more than 0.5 below its start from layer ${drop}`,
    );
  return verdict("stable", null, `is stable: ${span}`);
}

/** Every verdict the profile supports: forward always, backward with gradient norms, correlation with a correlation run. */
export function signalVerdicts(p: SignalProfile, theory: MeanFieldSummary | null = null): Verdict[] {
  const out = [forwardVerdict(p, theory)];
  if (p.gradNorm && p.gradNorm.length > 0) out.push(backwardVerdict(p.gradNorm, theory));
  if (p.correlation && p.correlation.length > 0) {
    // a vanished signal has no direction to compare: its correlation says nothing
    out.push(
      out[0].kind === "vanishing"
        ? {
            signal: "correlation",
            kind: "vanishing",
            factorPerLayer: null,
            layer: out[0].layer,
            sentence: `two inputs' correlation means nothing once the forward signal vanishes (layer ${out[0].layer})`,
          }
        : correlationVerdict(p.correlation, theory),
    );
  }
  return out;
}

/**
 * The answer to "does it train, and if not, where and why", in one line: the first verdict that
 * is not stable (forward, then backward, then correlation), or that every signal is stable.
 */
export function verdictHeadline(verdicts: readonly Verdict[]): string {
  const bad = verdicts.find((v) => v.kind !== "stable");
  if (bad) return `verdict: will not train well — ${bad.sentence}`;
  const names = verdicts.map((v) => v.signal).join(", ");
  return `verdict: healthy at initialization — ${names} ${verdicts.length > 1 ? "signals are" : "signal is"} stable (within ${VERDICT_FACTOR}× over the depth)`;
}

/** The profile of a {@link propagate} run: the passed-on std (the block output at a block's end), saturation, ‖∂L/∂a‖ when it ran backward; c per layer when given. */
export function propagationProfile(
  result: Pick<PropagateResult, "layers">,
  correlation: readonly number[] | null = null,
): SignalProfile {
  const grads = result.layers.map((l) => l.grad?.activationNorm ?? null);
  return {
    std: result.layers.map((l) => (l.block ?? l.post).std),
    saturated: result.layers.map((l) => l.post.saturatedFraction),
    gradNorm: grads.every((g) => g !== null) ? (grads as number[]) : null,
    correlation,
  };
}
