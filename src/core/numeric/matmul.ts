import type { Dtype } from "./dtype.js";
import { rounder } from "./dtype.js";

/**
 * C = A·B for row-major A [m×k] and B [k×n], accumulated in `dtype`:
 *   C[i,j] = (…((A[i,0]·B[0,j]) + A[i,1]·B[1,j]) + …) + A[i,k−1]·B[k−1,j],
 * with every product and every partial sum rounded to the dtype (float32: `Math.fround`; no
 * fused multiply-add). A float32 partial sum past 3.4028235e38 becomes ±Infinity, as on
 * float32 hardware; Infinity − Infinity gives NaN.
 * @param a A's values, length m·k.
 * @param b B's values, length k·n.
 * @param out C's values, length m·n (overwritten); allocated when omitted.
 */
export function matmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  dtype: Dtype,
  out: Float64Array | Float32Array = new Float64Array(m * n),
): Float64Array | Float32Array {
  if (a.length !== m * k || b.length !== k * n || out.length !== m * n) {
    throw new RangeError(
      `matmul: shapes do not match (A ${a.length} vs ${m}x${k}, B ${b.length} vs ${k}x${n}, C ${out.length})`,
    );
  }
  out.fill(0);
  if (dtype === "float32") {
    const f = Math.fround;
    for (let i = 0; i < m; i++) {
      const row = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        const bo = p * n;
        for (let j = 0; j < n; j++) out[row + j] = f(out[row + j] + f(aip * b[bo + j]));
      }
    }
  } else if (dtype === "float64") {
    for (let i = 0; i < m; i++) {
      const row = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        const bo = p * n;
        for (let j = 0; j < n; j++) out[row + j] += aip * b[bo + j];
      }
    }
  } else {
    const r = rounder(dtype);
    for (let i = 0; i < m; i++) {
      const row = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        const bo = p * n;
        for (let j = 0; j < n; j++) out[row + j] = r(out[row + j] + r(aip * b[bo + j]));
      }
    }
  }
  return out;
}
