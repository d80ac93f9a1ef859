import type { Rng } from "../random/Rng.js";

/** Summary statistics of a weight tensor, accumulated in float64 over every value. */
export interface WeightStats {
  count: number;
  mean: number;
  /** population standard deviation */
  std: number;
  min: number;
  max: number;
  /** E[(w − mean)⁴]/std⁴ (3 for a normal, 1.8 for a uniform); NaN when std = 0 */
  kurtosis: number;
  /** fraction of values exactly 0 */
  zeroFraction: number;
  /** values that are NaN or ±Infinity */
  nonFinite: number;
}

/**
 * Mean, std, min, max, kurtosis (Pearson's β₂ = m₄/m₂²) and the fraction of exact zeros, in
 * float64 with two passes; non-finite values are counted and left out of the moments.
 */
export function weightStats(values: ArrayLike<number>): WeightStats {
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  let nonFinite = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  const count = n - nonFinite;
  const mean = count > 0 ? sum / count : NaN;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const d = (v - mean) * (v - mean);
    m2 += d;
    m4 += d * d;
  }
  m2 /= count;
  m4 /= count;
  return {
    count,
    mean,
    std: Math.sqrt(m2),
    min: count > 0 ? min : NaN,
    max: count > 0 ? max : NaN,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN,
    zeroFraction: n > 0 ? zeros / n : NaN,
    nonFinite,
  };
}

/**
 * The finite values sorted ascending — all of them when there are at most `maxCount`, otherwise
 * `maxCount` drawn uniformly with replacement using `rng` (a fixed seed gives the same sample).
 * Goodness-of-fit tests run on this sample: their power at 200 000 values already resolves a 1 %
 * error in scale.
 */
export function sortedSample(values: ArrayLike<number>, maxCount: number, rng: Rng): Float64Array {
  const n = values.length;
  let out: Float64Array;
  if (n <= maxCount) {
    out = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) out[k++] = values[i];
    out = out.subarray(0, k);
  } else {
    out = new Float64Array(maxCount);
    let k = 0;
    for (let i = 0; i < maxCount; i++) {
      const v = values[Math.min(n - 1, Math.floor(rng.nextDouble() * n))];
      if (Number.isFinite(v)) out[k++] = v;
    }
    out = out.subarray(0, k);
  }
  return out.sort();
}
