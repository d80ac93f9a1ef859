import type { Dtype } from "./dtype.js";
import { rounder } from "./dtype.js";

const BLOCK = 64;

function pairwise32(v: ArrayLike<number>, lo: number, hi: number): number {
  if (hi - lo <= BLOCK) {
    let s = 0;
    for (let i = lo; i < hi; i++) s = Math.fround(s + v[i]);
    return s;
  }
  const mid = lo + ((hi - lo) >> 1);
  return Math.fround(pairwise32(v, lo, mid) + pairwise32(v, mid, hi));
}

function pairwise64(v: ArrayLike<number>, lo: number, hi: number): number {
  if (hi - lo <= BLOCK) {
    let s = 0;
    for (let i = lo; i < hi; i++) s += v[i];
    return s;
  }
  const mid = lo + ((hi - lo) >> 1);
  return pairwise64(v, lo, mid) + pairwise64(v, mid, hi);
}

function pairwiseRounded(v: ArrayLike<number>, lo: number, hi: number, round: (x: number) => number): number {
  if (hi - lo <= BLOCK) {
    let s = 0;
    for (let i = lo; i < hi; i++) s = round(s + v[i]);
    return s;
  }
  const mid = lo + ((hi - lo) >> 1);
  return round(pairwiseRounded(v, lo, mid, round) + pairwiseRounded(v, mid, hi, round));
}

/**
 * Σ v_i computed in `dtype` by pairwise summation (runs of ≤ 64 summed left to right, then
 * halves added recursively; error O(ε·log n) instead of O(ε·n)), rounding every partial sum
 * to the dtype — the way a float32 reduction on a CPU or GPU accumulates. A partial sum that
 * exceeds the dtype's largest finite value becomes ±Infinity, as in hardware.
 */
export function sumInDtype(values: ArrayLike<number>, dtype: Dtype): number {
  if (values.length === 0) return 0;
  if (dtype === "float32") return pairwise32(values, 0, values.length);
  if (dtype === "float64") return pairwise64(values, 0, values.length);
  return pairwiseRounded(values, 0, values.length, rounder(dtype));
}

function pairwiseSq32(v: ArrayLike<number>, c: number, lo: number, hi: number): number {
  if (hi - lo <= BLOCK) {
    let s = 0;
    for (let i = lo; i < hi; i++) {
      const d = Math.fround(v[i] - c);
      s = Math.fround(s + Math.fround(d * d));
    }
    return s;
  }
  const mid = lo + ((hi - lo) >> 1);
  return Math.fround(pairwiseSq32(v, c, lo, mid) + pairwiseSq32(v, c, mid, hi));
}

function pairwiseSqRaw32(v: ArrayLike<number>, lo: number, hi: number): number {
  if (hi - lo <= BLOCK) {
    let s = 0;
    for (let i = lo; i < hi; i++) s = Math.fround(s + Math.fround(v[i] * v[i]));
    return s;
  }
  const mid = lo + ((hi - lo) >> 1);
  return Math.fround(pairwiseSqRaw32(v, lo, mid) + pairwiseSqRaw32(v, mid, hi));
}

function pairwiseSqRounded(
  v: ArrayLike<number>,
  c: number | null,
  lo: number,
  hi: number,
  round: (x: number) => number,
): number {
  if (hi - lo <= BLOCK) {
    let s = 0;
    for (let i = lo; i < hi; i++) {
      const d = c === null ? v[i] : round(v[i] - c);
      s = round(s + round(d * d));
    }
    return s;
  }
  const mid = lo + ((hi - lo) >> 1);
  return round(pairwiseSqRounded(v, c, lo, mid, round) + pairwiseSqRounded(v, c, mid, hi, round));
}

/**
 * Σ d_i² with d_i = round(v_i − center) (or d_i = v_i when center is null), each square and
 * partial sum rounded to `dtype`, in the same pairwise order as {@link sumInDtype}: the same
 * result, bit for bit, as sumInDtype of the array of rounded squares, without allocating it.
 */
export function sumOfSquaresInDtype(values: ArrayLike<number>, center: number | null, dtype: Dtype): number {
  if (values.length === 0) return 0;
  if (dtype === "float32")
    return center === null ? pairwiseSqRaw32(values, 0, values.length) : pairwiseSq32(values, center, 0, values.length);
  return pairwiseSqRounded(values, center, 0, values.length, rounder(dtype));
}
