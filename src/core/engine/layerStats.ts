import type { Dtype } from "../numeric/dtype.js";
import { FORMATS, rounder } from "../numeric/dtype.js";
import { meanStd } from "../numeric/meanStd.js";
import { sumOfSquaresInDtype } from "../numeric/sum.js";

/** Statistics of one tensor (a layer's pre- or post-activations, or a gradient). */
export interface TensorStats {
  count: number;
  mean: number;
  std: number;
  /** √(mean of squares) */
  rms: number;
  min: number;
  max: number;
  /** quantiles of the finite values at QUANTILE_LEVELS */
  quantiles: number[];
  /** fraction of values exactly 0 (NaN where a backend does not count it) */
  zeroFraction: number;
  /** fraction of ±Infinity or NaN values */
  nonFiniteFraction: number;
  /** fraction where |φ'(pre)| < 0.05 (post-activations only), else null */
  saturatedFraction: number | null;
  /** null where a backend does not compute it */
  histogram: Histogram | null;
}

export interface Histogram {
  /** linear bins over [min, max] of the finite values: edges (bins + 1) and counts */
  linear: { edges: number[]; counts: number[] };
  /** decades of |x|: counts[i] for 10^(lo+i) ≤ |x| < 10^(lo+i+1), zeros and non-finite counted apart */
  logMagnitude: { lowDecade: number; counts: number[]; zeros: number; nonFinite: number };
}

export const QUANTILE_LEVELS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
export const LINEAR_BINS = 40;

/**
 * Statistics of `values` with mean, std and rms computed in `acc` (TensorFlow reduce semantics,
 * see meanStd; rms = √(Σx²/n) in `acc`); min, max, quantiles (linear interpolation between order
 * statistics of the finite values) and histograms exact. Log-magnitude bins span the decades of
 * `dtype` from its smallest subnormal to its largest value.
 * @param saturation |φ'(pre_i)| per value, for the saturated fraction; omit for non-activations.
 * @param level "basic" skips quantiles and histograms (empty / null), for interactive use.
 */
export function tensorStats(
  values: ArrayLike<number>,
  acc: Dtype,
  dtype: Dtype,
  saturation?: ArrayLike<number>,
  level: "full" | "basic" = "full",
): TensorStats {
  const n = values.length;
  const full = level === "full";
  const { mean, std } = meanStd(values, acc);
  const round = rounder(acc);
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  let nonFinite = 0;
  const finite: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === 0) zeros++;
    if (!Number.isFinite(v)) {
      nonFinite++;
      if (Number.isNaN(v)) continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (full && Number.isFinite(v)) finite.push(v);
  }
  const rms = round(Math.sqrt(round(sumOfSquaresInDtype(values, null, acc) / n)));
  const sorted = full ? Float64Array.from(finite).sort() : new Float64Array(0);
  const quantiles = full ? QUANTILE_LEVELS.map((q) => quantile(sorted, q)) : [];
  let saturated: number | null = null;
  if (saturation) {
    let s = 0;
    for (let i = 0; i < n; i++) if (Math.abs(saturation[i]) < 0.05) s++;
    saturated = s / n;
  }
  return {
    count: n,
    mean,
    std,
    rms,
    min: n === nonFinite && min === Infinity ? Number.NaN : min,
    max: n === nonFinite && max === -Infinity ? Number.NaN : max,
    quantiles,
    zeroFraction: zeros / n,
    nonFiniteFraction: nonFinite / n,
    saturatedFraction: saturated,
    histogram: full ? { linear: linearHistogram(sorted), logMagnitude: logHistogram(values, dtype) } : null,
  };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

function linearHistogram(sorted: Float64Array): { edges: number[]; counts: number[] } {
  if (sorted.length === 0) return { edges: [], counts: [] };
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  const width = hi > lo ? (hi - lo) / LINEAR_BINS : 1;
  const edges = Array.from({ length: LINEAR_BINS + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(LINEAR_BINS).fill(0);
  for (const v of sorted) counts[Math.min(LINEAR_BINS - 1, Math.floor((v - lo) / width))]++;
  return { edges, counts };
}

function logHistogram(values: ArrayLike<number>, dtype: Dtype): Histogram["logMagnitude"] {
  const f = FORMATS[dtype];
  const lowDecade = Math.floor(Math.log10(f.minSubnormal));
  const highDecade = Math.floor(Math.log10(f.max));
  const counts = new Array<number>(highDecade - lowDecade + 1).fill(0);
  let zeros = 0;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a === 0) zeros++;
    else if (!Number.isFinite(a)) nonFinite++;
    else counts[Math.min(counts.length - 1, Math.max(0, Math.floor(Math.log10(a)) - lowDecade))]++;
  }
  return { lowDecade, counts, zeros, nonFinite };
}
