import type { Dtype } from "./dtype.js";
import { rounder } from "./dtype.js";
import { sumInDtype, sumOfSquaresInDtype } from "./sum.js";

/** Mean and population standard deviation of a set of values, computed in one dtype. */
export interface MeanStd {
  mean: number;
  std: number;
}

/**
 * Mean and population std with TensorFlow's `reduce_mean` / `reduce_std` semantics, every
 * operation rounded to `dtype`:
 *   mean = Σx / n,  var = Σ (x − mean)² / n,  std = √var.
 * In float32 the sum of squares overflows to Infinity once Σ(x − mean)² > 3.4028235e38 — long
 * before the values do — and the variance rounds to exactly 0 once it falls below 2⁻¹⁵⁰ (half
 * the smallest subnormal): that is how the seed study's runs stop at layers 13 and 31.
 * Non-finite inputs give non-finite results; nothing throws.
 * @param values the values (their storage dtype does not matter; they are read as numbers).
 * @param dtype the dtype every sum, difference, square, quotient and root is rounded to.
 */
export function meanStd(values: ArrayLike<number>, dtype: Dtype): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const round = rounder(dtype);
  const mean = round(sumInDtype(values, dtype) / n);
  const variance = round(sumOfSquaresInDtype(values, mean, dtype) / n);
  return { mean, std: round(Math.sqrt(variance)) };
}
