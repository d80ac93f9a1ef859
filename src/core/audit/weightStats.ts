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
 * `maxCount` chosen uniformly *without* replacement by selection sampling (Knuth (1997), "The Art
 * of Computer Programming" vol. 2, §3.4.2, Algorithm S: keep value i with probability
 * needed/remaining), one pass and no index array. A subset of i.i.d. values is i.i.d., so the
 * goodness-of-fit tests keep their meaning; drawing with replacement would not (its ties and the
 * values' own empirical law inflate the KS statistic). A fixed `rng` gives the same sample.
 */
export function sortedSample(values: ArrayLike<number>, maxCount: number, rng: Rng): Float64Array {
  const n = values.length;
  const take = Math.min(n, maxCount);
  const out = new Float64Array(take);
  let k = 0;
  let needed = take;
  for (let i = 0; i < n && needed > 0; i++) {
    if (take === n || rng.nextDouble() * (n - i) < needed) {
      needed--;
      const v = values[i];
      if (Number.isFinite(v)) out[k++] = v;
    }
  }
  return out.subarray(0, k).sort();
}
