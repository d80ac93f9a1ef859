import type { PropagateResult } from "../engine/propagate.js";
import type { MeanFieldSummary } from "../theory/meanField.js";
import type { SignalProfile, Verdict, VerdictKind } from "./signalVerdicts.js";
import { propagationProfile, signalVerdicts } from "./signalVerdicts.js";

/** One layer's spread of a statistic over seeds. */
export interface BandPoint {
  index: number;
  /** arithmetic mean over the seeds */
  mean: number;
  /** the 5 % and 95 % quantiles (a 90 % interval; linear interpolation between order statistics) */
  lo: number;
  hi: number;
  /** the smallest and largest value over the seeds */
  min: number;
  max: number;
}

/** Per-layer bands of the statistics a run records, over seeds. */
export interface SeedBands {
  seeds: number[];
  /** std of the signal each layer passes on (the block output at a block's end) */
  postStd: BandPoint[];
  /** q = E[pre²] */
  q: BandPoint[];
  /** ‖∂L/∂a‖, with a backward pass */
  gradActivationNorm: BandPoint[] | null;
  /** ‖∂L/∂W‖, with a backward pass */
  gradWeightNorm: BandPoint[] | null;
}

/** The p-quantile of sorted values: linear interpolation between order statistics at (n − 1)·p (R's type 7, numpy's default). */
export function quantileSorted(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** The band of one layer's values over seeds (NaN stays NaN: a non-finite value in any seed shows). */
export function bandPoint(index: number, values: readonly number[]): BandPoint {
  const sorted = [...values].sort((a, b) => a - b);
  if (values.some((v) => Number.isNaN(v)))
    return { index, mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, min: Number.NaN, max: Number.NaN };
  return {
    index,
    mean: values.reduce((s, v) => s + v, 0) / values.length,
    lo: quantileSorted(sorted, 0.05),
    hi: quantileSorted(sorted, 0.95),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/** Bands per layer of `pick`'s values over runs. */
function bandsOf(
  runs: readonly PropagateResult[],
  pick: (l: PropagateResult["layers"][number]) => number,
): BandPoint[] {
  return runs[0].layers.map((_, i) =>
    bandPoint(
      i,
      runs.map((r) => pick(r.layers[i])),
    ),
  );
}

/** Per-layer mean, 90 % interval and range over the runs of one network with different seeds. */
export function seedBands(seeds: readonly number[], runs: readonly PropagateResult[]): SeedBands {
  if (runs.length === 0 || runs.length !== seeds.length)
    throw new RangeError(`seeds: need one run per seed, got ${runs.length} runs for ${seeds.length} seeds`);
  const backward = runs.every((r) => r.layers.every((l) => l.grad !== null));
  return {
    seeds: [...seeds],
    postStd: bandsOf(runs, (l) => (l.block ?? l.post).std),
    q: bandsOf(runs, (l) => l.pre.rms ** 2),
    gradActivationNorm: backward ? bandsOf(runs, (l) => l.grad?.activationNorm ?? Number.NaN) : null,
    gradWeightNorm: backward ? bandsOf(runs, (l) => l.grad?.weightNorm ?? Number.NaN) : null,
  };
}

/**
 * The verdicts over seeds: each signal judged on its per-layer mean over the seeds, and the count
 * of seeds whose own verdict agrees, said in the sentence ("… in 9 of 10 seeds"). When the seeds
 * disagree, the majority kind among the seeds wins over the mean curve's.
 */
export function bandVerdicts(
  runs: readonly PropagateResult[],
  theory: MeanFieldSummary | null,
  correlations: readonly (readonly number[])[] | null = null,
): Verdict[] {
  const profiles = runs.map((r, i) => propagationProfile(r, correlations?.[i] ?? null));
  const perSeed = profiles.map((p) => signalVerdicts(p, theory));
  const meanOf = (get: (p: SignalProfile) => readonly (number | null)[] | null | undefined): number[] | null => {
    const first = get(profiles[0]);
    if (!first) return null;
    return first.map((_, l) => profiles.reduce((s, p) => s + Number(get(p)?.[l] ?? Number.NaN), 0) / profiles.length);
  };
  const mean: SignalProfile = {
    std: meanOf((p) => p.std) ?? [],
    saturated: meanOf((p) => p.saturated),
    gradNorm: meanOf((p) => p.gradNorm),
    correlation: meanOf((p) => p.correlation),
  };
  return signalVerdicts(mean, theory).map((v) => {
    const kinds = perSeed.map((vs) => vs.find((x) => x.signal === v.signal)?.kind);
    const count = (k: VerdictKind) => kinds.filter((x) => x === k).length;
    const majority = (["exploding", "vanishing", "collapsing", "saturating", "stable"] as const).reduce((a, b) =>
      count(b) > count(a) ? b : a,
    );
    const chosen =
      count(v.kind) >= count(majority)
        ? v
        : (perSeed.map((vs) => vs.find((x) => x.signal === v.signal)).find((x) => x?.kind === majority) ?? v);
    return {
      ...chosen,
      sentence: `${chosen.sentence} — ${chosen.kind} in ${count(chosen.kind)} of ${runs.length} seeds`,
    };
  });
}
