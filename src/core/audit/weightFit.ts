import { brentRoot } from "../math/brent.js";
import { normalCdf, normalPdf } from "../math/normalDistribution.js";
import type { Rng } from "../random/Rng.js";
import { standardNormal } from "../random/normal.js";
import type { FitTest } from "./kolmogorovSmirnov.js";
import { ksTest } from "./kolmogorovSmirnov.js";
import type { WeightStats } from "./weightStats.js";

export const FIT_FAMILIES = [
  "constant",
  "uniform",
  "normal",
  "truncated_normal",
  "orthogonal",
  "sparse",
  "unknown",
] as const;
export type FitFamily = (typeof FIT_FAMILIES)[number];

/** The significance level below which a fitted family is rejected: 0.001. */
export const FIT_ALPHA = 1e-3;

/** A family fitted to the values, and how well it fits. */
export interface FamilyFit extends FitTest {
  family: Exclude<FitFamily, "unknown">;
  mean: number;
  /** normal: σ; truncated normal: σ of the underlying normal; sparse: σ of the non-zero values; uniform: (high − low)/√12 */
  std: number;
  /** uniform: half-width; truncated normal: cut·σ */
  bound: number | null;
  /** truncated normal: the cut in σ units */
  cut: number | null;
  /** orthogonal: every singular value of the 2-D view */
  gain: number | null;
  /** constant: the value */
  value: number | null;
  /** sparse: fraction of exact zeros */
  sparsity: number | null;
}

/** What the values look like: the chosen family (or "unknown": no family fits, e.g. trained weights) and every family tried. */
export interface WeightFit extends Omit<FamilyFit, "family"> {
  family: FitFamily;
  /** every family that was fitted, best statistic first (for "how far from each") */
  tried: FamilyFit[];
}

/** How the values are laid out, for the orthogonality probe: the 2-D view an orthogonal initializer makes orthogonal. */
export interface FitOptions {
  /** rows × cols of the 2-D view (torch: [out, in·∏k]); absent for 1-D tensors */
  matrix?: { rows: number; cols: number } | null;
  /** spacing of quantized values (tfjs uint8/uint16), 0 for float weights */
  step?: number;
  /** the probe vectors of the orthogonality check */
  rng: Rng;
}

const nan = { bound: null, cut: null, gain: null, value: null, sparsity: null };

/**
 * Ratio bound/std of N(0, 1) truncated to (−c, c): c/τ(c) with τ(c)² = 1 − 2cφ(c)/(2Φ(c) − 1),
 * increasing from √3 (c → 0: uniform) to ∞.
 */
export function truncatedBoundRatio(c: number): number {
  const z = 2 * normalCdf(c) - 1;
  return c / Math.sqrt(1 - (2 * c * normalPdf(c)) / z);
}

/** CDF of N(μ, σ²) truncated to [μ − cσ, μ + cσ]. */
export function symmetricTruncatedCdf(mean: number, std: number, cut: number): (x: number) => number {
  const z = 2 * normalCdf(cut) - 1;
  const lo = normalCdf(-cut);
  return (x) => {
    const u = (x - mean) / std;
    if (u <= -cut) return 0;
    if (u >= cut) return 1;
    return (normalCdf(u) - lo) / z;
  };
}

/**
 * Relative spread (max − min)/mean of ‖Wx‖/‖x‖ over 4 Gaussian probes x on the smaller side of
 * the rows × cols view (‖Wᵀx‖ for wide views). An orthogonal W·gain gives gain for every probe,
 * up to rounding; a Gaussian W spreads by ≈ 1/√(larger side).
 * @returns the spread and the mean ratio (the gain).
 */
export function orthogonalityProbe(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  rng: Rng,
): { spread: number; gain: number } {
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  const ratios: number[] = [];
  const x = new Float64Array(k);
  const y = new Float64Array(tall ? rows : cols);
  for (let p = 0; p < 4; p++) {
    let xx = 0;
    for (let i = 0; i < k; i++) {
      x[i] = standardNormal(rng);
      xx += x[i] * x[i];
    }
    y.fill(0);
    if (tall) {
      for (let r = 0; r < rows; r++) {
        let s = 0;
        const o = r * cols;
        for (let c = 0; c < cols; c++) s += values[o + c] * x[c];
        y[r] = s;
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        const xr = x[r];
        for (let c = 0; c < cols; c++) y[c] += values[o + c] * xr;
      }
    }
    let yy = 0;
    for (let i = 0; i < y.length; i++) yy += y[i] * y[i];
    ratios.push(Math.sqrt(yy / xx));
  }
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  return { spread: mean > 0 ? (Math.max(...ratios) - Math.min(...ratios)) / mean : Infinity, gain: mean };
}

/**
 * Identifies the law of a weight tensor's values. Each family's parameters are fitted to the
 * values and checked with the Kolmogorov–Smirnov test on the sorted sample (p conservative, since
 * the parameters come from the same values):
 * - constant: min = max;
 * - orthogonal: the 2-D view's singular values all equal (probe spread < 10⁻³, plus the quantization
 *   error), gain = that value; entries tested against N(0, gain²/max(rows, cols));
 * - sparse: ≥ 5 % exact zeros and the non-zero values normal;
 * - uniform: [min − r/(n−1), max + r/(n−1)] (r = max − min, the unbiased endpoints);
 * - truncated normal, symmetric: cut c from bound/std = c/τ(c) (see {@link truncatedBoundRatio}),
 *   σ = bound/c — chosen over the normal when a normal could not have kept every value within the
 *   bound: (2Φ(bound/s) − 1)ⁿ < 0.001;
 * - normal: mean and std of the values.
 * The simplest family with p ≥ {@link FIT_ALPHA} wins (uniform before the normals); if none
 * fits, the family is "unknown" — for weights, that they were trained away from any initializer.
 */
export function fitWeights(
  values: ArrayLike<number>,
  sorted: Float64Array,
  stats: WeightStats,
  options: FitOptions,
): WeightFit {
  const step = options.step ?? 0;
  if (sorted.length === 0 || stats.nonFinite > 0) {
    return {
      family: "unknown",
      mean: stats.mean,
      std: stats.std,
      ...nan,
      test: "none",
      statistic: NaN,
      pValue: NaN,
      tried: [],
    };
  }
  if (stats.min === stats.max) {
    const fit: FamilyFit = {
      family: "constant",
      mean: stats.mean,
      std: 0,
      ...nan,
      value: stats.min,
      test: "all values equal",
      statistic: 0,
      pValue: 1,
    };
    return { ...fit, tried: [fit] };
  }
  const orthogonal = fitOrthogonal(values, sorted, stats, options);
  if (orthogonal) return { ...orthogonal, tried: [orthogonal] };
  const tried: FamilyFit[] = [];
  const sparse = fitSparse(sorted, stats, step);
  if (sparse && sparse.pValue >= FIT_ALPHA) return { ...sparse, tried: [sparse] };
  if (sparse) tried.push(sparse);
  const uniform = fitUniform(sorted, stats, step);
  const normal: FamilyFit = {
    family: "normal",
    mean: stats.mean,
    std: stats.std,
    ...nan,
    ...ksTest(sorted, (x) => normalCdf((x - stats.mean) / stats.std), step),
  };
  const truncated = fitTruncated(sorted, stats, step);
  tried.push(uniform, normal, ...(truncated ? [truncated.fit] : []));
  tried.sort((a, b) => a.statistic - b.statistic);
  const passes = (f: FamilyFit | null | undefined): f is FamilyFit =>
    f !== null && f !== undefined && f.pValue >= FIT_ALPHA;
  const chosen = [
    passes(uniform) ? uniform : null,
    truncated?.evident && passes(truncated.fit) ? truncated.fit : null,
    passes(normal) ? normal : null,
    passes(truncated?.fit) ? truncated!.fit : null,
  ].find((f) => f !== null);
  return chosen ? { ...chosen, tried } : { ...tried[0], family: "unknown", tried };
}

/** Orthogonal when the 2-D view's singular values are all equal (probe spread < 10⁻³ plus the quantization error); entries tested against N(0, gain²/max(rows, cols)). */
function fitOrthogonal(
  values: ArrayLike<number>,
  sorted: Float64Array,
  stats: WeightStats,
  options: FitOptions,
): FamilyFit | null {
  const m = options.matrix;
  const step = options.step ?? 0;
  if (!m || m.rows < 2 || m.cols < 2 || m.rows * m.cols !== values.length) return null;
  const probe = orthogonalityProbe(values, m.rows, m.cols, options.rng);
  const quantTol =
    step > 0 ? step / Math.sqrt(3) / Math.max(stats.std, 1e-300) / Math.sqrt(Math.min(m.rows, m.cols)) : 0;
  if (!(probe.spread < 1e-3 + 4 * quantTol)) return null;
  const std = probe.gain / Math.sqrt(Math.max(m.rows, m.cols));
  return {
    family: "orthogonal",
    mean: 0,
    std,
    ...nan,
    gain: probe.gain,
    ...ksTest(sorted, (x) => normalCdf(x / std), step),
  };
}

/** Sparse when ≥ 5 % of the values are exactly 0: the non-zero values tested against N(0, their mean square). */
function fitSparse(sorted: Float64Array, stats: WeightStats, step: number): FamilyFit | null {
  if (stats.zeroFraction < 0.05) return null;
  const nonZero = sorted.filter((v) => v !== 0);
  if (nonZero.length < 8) return null;
  const std = Math.sqrt(nonZero.reduce((a, v) => a + v * v, 0) / nonZero.length);
  const t = ksTest(nonZero, (x) => normalCdf(x / std), step);
  return {
    family: "sparse",
    mean: 0,
    std,
    ...nan,
    sparsity: stats.zeroFraction,
    ...t,
    test: "Kolmogorov-Smirnov (non-zero values)",
  };
}

/** Uniform on [min − r/(n−1), max + r/(n−1)], r = max − min (the unbiased endpoints). */
function fitUniform(sorted: Float64Array, stats: WeightStats, step: number): FamilyFit {
  const n = sorted.length;
  const r = stats.max - stats.min;
  const low = n > 1 ? stats.min - r / (n - 1) : stats.min;
  const high = n > 1 ? stats.max + r / (n - 1) : stats.max;
  const cdf = (x: number) => (x <= low ? 0 : x >= high ? 1 : (x - low) / (high - low));
  return {
    family: "uniform",
    mean: (low + high) / 2,
    std: (high - low) / Math.sqrt(12),
    ...nan,
    bound: (high - low) / 2,
    ...ksTest(sorted, cdf, step),
  };
}

/**
 * A symmetric truncated normal: the cut c from bound/std = c/τ(c), σ = bound/c; `evident` when a
 * normal could not have kept all values within the bound: (2Φ(bound/s) − 1)^count < 0.001.
 */
function fitTruncated(
  sorted: Float64Array,
  stats: WeightStats,
  step: number,
): { fit: FamilyFit; evident: boolean } | null {
  const reach = Math.max(stats.max - stats.mean, stats.mean - stats.min) + step / 2;
  const ratio = reach / stats.std;
  if (!(ratio > Math.sqrt(3) * 1.0001 && ratio < 12)) return null;
  const cut = brentRoot((c) => truncatedBoundRatio(c) - ratio, 1e-3, 40, 1e-12);
  const std = reach / cut;
  const fit: FamilyFit = {
    family: "truncated_normal",
    mean: stats.mean,
    std,
    ...nan,
    bound: reach,
    cut,
    ...ksTest(sorted, symmetricTruncatedCdf(stats.mean, std, cut), step),
  };
  const logKeep = stats.count * Math.log1p(-2 * normalCdf(-ratio));
  return { fit, evident: logKeep < Math.log(FIT_ALPHA) };
}
