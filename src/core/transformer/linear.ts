import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import { matmul } from "../numeric/matmul.js";

/**
 * Row-major products for the transformer engine, accumulated in a dtype: the engine's matmul, and
 * the two transposed products it lacks. As in {@link matmul}, every product and every partial sum
 * is rounded to the dtype (float64: no rounding); values are held in Float64Arrays.
 */

/** C[m×n] = A[m×k]·B[k×n]: the engine's {@link matmul}. */
export const mm = (a: Float64Array, b: Float64Array, m: number, k: number, n: number, dtype: Dtype): Float64Array =>
  matmul(a, b, m, k, n, dtype) as Float64Array;

/** C[m×n] = A[m×k]·B[n×k]ᵀ. */
export function mmT(a: Float64Array, b: Float64Array, m: number, k: number, n: number, dtype: Dtype): Float64Array {
  const c = new Float64Array(m * n);
  const r = rounder(dtype);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (dtype === "float64") for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
      else for (let p = 0; p < k; p++) s = r(s + r(a[i * k + p] * b[j * k + p]));
      c[i * n + j] = s;
    }
  return c;
}

/** acc[k×n] += A[m×k]ᵀ·B[m×n] (a weight's gradient from its input and output gradient). */
export function addTmm(
  acc: Float64Array,
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  dtype: Dtype,
): void {
  const r = rounder(dtype);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const s = a[i * k + p];
      if (s === 0) continue;
      const bo = i * n;
      const co = p * n;
      if (dtype === "float64") for (let j = 0; j < n; j++) acc[co + j] += s * b[bo + j];
      else for (let j = 0; j < n; j++) acc[co + j] = r(acc[co + j] + r(s * b[bo + j]));
    }
}
