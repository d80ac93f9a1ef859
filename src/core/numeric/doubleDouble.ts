/**
 * Double-double arithmetic: a value as an unevaluated sum hi + lo of two float64s, exact sums and
 * products by Knuth's two-sum and Dekker's two-product. Dekker (1971), "A floating-point technique
 * for extending the available precision".
 */

/** a + b = s + e exactly (Knuth's two-sum). */
export function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

const SPLIT = 134217729; // 2^27 + 1
/** The rounding error of the product p = RN(a·b): a·b − p, exactly (Dekker's two-product with Veltkamp's split). */
export function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** a·b = p + e exactly (Dekker's two-product). */
export function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  return [p, productError(a, b, p)];
}

/** A double-double: hi + lo with |lo| ≤ ulp(hi)/2 (about 106 bits). */
export type DD = [number, number];
export function ddAdd(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [hi, lo] = twoSum(s, e + a[1] + b[1]);
  return [hi, lo];
}
export function ddMul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return twoSum(p, e + a[0] * b[1] + a[1] * b[0]);
}
/** a/b for double-doubles: one float64 quotient, corrected by the remainder. */
export function ddDiv(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  const r = ddAdd(a, ddMul([-q1, 0], b));
  const q2 = r[0] / b[0];
  return twoSum(q1, q2);
}
