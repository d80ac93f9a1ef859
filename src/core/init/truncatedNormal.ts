import { normalCdf, normalPdf } from "../math/normalDistribution.js";
import type { Rng } from "../random/Rng.js";
import { standardNormal } from "../random/normal.js";

/**
 * Standard deviation of a standard normal truncated to (−2, 2): √(1 − 4φ(2)/(2Φ(2) − 1)) =
 * 0.87962566103423978. Keras and JAX divide by it so a truncated normal keeps the intended
 * variance; TF.js does not (tfjs#8594).
 */
export const TRUNCATED_NORMAL_STD_2SIGMA = 0.87962566103423978;

/**
 * Mean and variance of N(μ, σ²) truncated to [low, high] (absolute bounds), with α = (low − μ)/σ,
 * β = (high − μ)/σ, Z = Φ(β) − Φ(α):
 *   mean = μ + σ·(φ(α) − φ(β))/Z,
 *   var  = σ²·[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²].
 * (Johnson, Kotz & Balakrishnan (1994), "Continuous Univariate Distributions", vol. 1, §10.1.)
 */
export function truncatedNormalMoments(
  mean: number,
  std: number,
  low: number,
  high: number,
): { mean: number; variance: number } {
  if (std === 0) return { mean, variance: 0 };
  const a = (low - mean) / std;
  const b = (high - mean) / std;
  const pa = Number.isFinite(a) ? normalPdf(a) : 0;
  const pb = Number.isFinite(b) ? normalPdf(b) : 0;
  // Z from the nearer tail keeps precision when both bounds sit far out on one side
  const z = a > 0 ? normalCdf(-a) - normalCdf(-b) : normalCdf(b) - normalCdf(a);
  const aTerm = Number.isFinite(a) ? a * pa : 0;
  const bTerm = Number.isFinite(b) ? b * pb : 0;
  const shift = (pa - pb) / z;
  return { mean: mean + std * shift, variance: std * std * (1 + (aTerm - bTerm) / z - shift * shift) };
}

/** CDF of N(μ, σ²) truncated to [low, high]. */
export function truncatedNormalCdf(x: number, mean: number, std: number, low: number, high: number): number {
  if (x <= low) return 0;
  if (x >= high) return 1;
  const fa = normalCdf((low - mean) / std);
  return (normalCdf((x - mean) / std) - fa) / (normalCdf((high - mean) / std) - fa);
}

/**
 * One draw from N(μ, σ²) truncated to [low, high] by rejection from N(μ, σ²) — how PyTorch
 * (for the usual ±2σ bounds), Keras and TF redraw. Efficient when the interval holds most of
 * the mass; bounds holding less than 1e−3 of it are refused (use another sampler).
 */
export function truncatedNormal(rng: Rng, mean: number, std: number, low: number, high: number): number {
  for (;;) {
    const x = mean + std * standardNormal(rng);
    if (x >= low && x <= high) return x;
  }
}

/** Probability mass of N(μ, σ²) inside [low, high]. */
export function truncatedNormalMass(mean: number, std: number, low: number, high: number): number {
  if (std === 0) return mean >= low && mean <= high ? 1 : 0;
  return normalCdf((high - mean) / std) - normalCdf((low - mean) / std);
}
