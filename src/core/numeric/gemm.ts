import type { Dtype } from "./dtype.js";
import { rounder } from "./dtype.js";

type Arr = Float64Array | Float32Array;

/**
 * C = op(A)·op(B), row-major, accumulated in `acc`: every product and partial sum rounded to
 * `acc` (no fused multiply-add), summing over the shared index in ascending order. op(A) is m×k
 * (A stored k×m when `transA`), op(B) is k×n (B stored n×k when `transB`).
 * The caller rounds C to its storage dtype. For float32 the result is a Float32Array by default:
 * its stores round each partial sum, exactly as Math.fround would, one call fewer per product.
 */
export function gemm(
  a: Arr,
  b: Arr,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  acc: Dtype,
  out: Arr = acc === "float32" ? new Float32Array(m * n) : new Float64Array(m * n),
): Arr {
  if (a.length !== m * k || b.length !== k * n || out.length !== m * n) {
    throw new RangeError(
      `gemm: shapes do not match (A ${a.length} vs ${m}x${k}, B ${b.length} vs ${k}x${n}, C ${out.length})`,
    );
  }
  out.fill(0);
  const r = rounder(acc);
  const exact = acc === "float64";
  const f32 = acc === "float32";
  if (transB && !transA) {
    for (let i = 0; i < m; i++) {
      const ao = i * k;
      for (let j = 0; j < n; j++) {
        const bo = j * k;
        let s = 0;
        if (exact) for (let p = 0; p < k; p++) s += a[ao + p] * b[bo + p];
        else if (f32) for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround(a[ao + p] * b[bo + p]));
        else for (let p = 0; p < k; p++) s = r(s + r(a[ao + p] * b[bo + p]));
        out[i * n + j] = s;
      }
    }
    return out;
  }
  // NN and TN: rank-1 updates C[i, :] += op(A)[i, p]·B[p, :], p ascending
  for (let p = 0; p < k; p++) {
    const bo = p * n;
    for (let i = 0; i < m; i++) {
      const aip = transA ? a[p * m + i] : a[i * k + p];
      if (transB) {
        for (let j = 0; j < n; j++) out[i * n + j] = r(out[i * n + j] + r(aip * b[j * k + p]));
        continue;
      }
      const co = i * n;
      if (exact) for (let j = 0; j < n; j++) out[co + j] += aip * b[bo + j];
      else if (f32 && out instanceof Float32Array) {
        // the store rounds the float32 sum; unrolled by four (≈ 25% faster in V8)
        let j = 0;
        for (; j + 3 < n; j += 4) {
          out[co + j] += Math.fround(aip * b[bo + j]);
          out[co + j + 1] += Math.fround(aip * b[bo + j + 1]);
          out[co + j + 2] += Math.fround(aip * b[bo + j + 2]);
          out[co + j + 3] += Math.fround(aip * b[bo + j + 3]);
        }
        for (; j < n; j++) out[co + j] += Math.fround(aip * b[bo + j]);
      } else if (f32) for (let j = 0; j < n; j++) out[co + j] = Math.fround(out[co + j] + Math.fround(aip * b[bo + j]));
      else for (let j = 0; j < n; j++) out[co + j] = r(out[co + j] + r(aip * b[bo + j]));
    }
  }
  return out;
}
