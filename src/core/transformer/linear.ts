import { matmul } from "../numeric/matmul.js";

/** Row-major float64 products for the transformer engine: the engine's matmul, and the two transposed products it lacks. */

/** C[m×n] = A[m×k]·B[k×n] in float64: the engine's {@link matmul}. */
export const mm = (a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array =>
  matmul(a, b, m, k, n, "float64") as Float64Array;

/** C[m×n] = A[m×k]·B[n×k]ᵀ. */
export function mmT(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
      c[i * n + j] = s;
    }
  return c;
}

/** acc[k×n] += A[m×k]ᵀ·B[m×n] (a weight's gradient from its input and output gradient). */
export function addTmm(acc: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const s = a[i * k + p];
      if (s === 0) continue;
      const bo = i * n;
      const co = p * n;
      for (let j = 0; j < n; j++) acc[co + j] += s * b[bo + j];
    }
}
