/**
 * The natural logarithm correctly rounded to float64 (in all but pathologically close cases), as
 * glibc's `log` gives it and NumPy's legacy normals need: JavaScript's Math.log may be off by one
 * unit in the last place (about 3 % of NumPy's polar-method draws came out different with it).
 *
 * Method: x = 2^k·m with m ∈ [√½, √2); c = 1 + i/128 the nearest table point; then
 * ln x = k·ln 2 + ln c + 2·atanh(s), s = (m − c)/(m + c), |s| < 2.8·10⁻³, with ln 2, ln c and s as
 * double-doubles (a value hi + lo with |lo| ≤ ulp(hi)/2, ≈ 106 bits) and the odd series of atanh
 * past s in plain float64 (it is below 2.6·10⁻⁶·|s|, so its rounding is far below the result's).
 * The table ln c is computed here, once, by the same series in double-double arithmetic.
 * Dekker (1971), "A floating-point technique for extending the available precision".
 */
import type { DD } from "../../numeric/doubleDouble.js";
import { ddAdd, ddDiv, ddMul, twoSum } from "../../numeric/doubleDouble.js";

/** 2·atanh(s) = ln((1 + s)/(1 − s)) in double-double, by the series 2·Σ s^(2j+1)/(2j+1) (|s| ≤ 0.18: 40 terms). */
function ddTwoAtanh(s: DD): DD {
  const s2 = ddMul(s, s);
  let term = s;
  let sum: DD = s;
  for (let j = 1; j < 40; j++) {
    term = ddMul(term, s2);
    sum = ddAdd(sum, ddDiv(term, [2 * j + 1, 0]));
  }
  return [2 * sum[0], 2 * sum[1]];
}

/** ln 2 as a double-double: 2·atanh(1/3). */
export const LN2: DD = ddTwoAtanh(ddDiv([1, 0], [3, 0]));

/** ln(1 + i/128) for i = −38 … 53 (c ∈ [0.703, 1.414]), double-doubles. */
const TABLE_MIN = -38;
const LOG_C: DD[] = Array.from({ length: 92 }, (_, j) => {
  const c = 1 + (j + TABLE_MIN) / 128;
  return ddTwoAtanh(ddDiv([c - 1, 0], twoSum(c, 1)));
});

const SQRT_HALF = Math.SQRT1_2;

/** ln x for x > 0, correctly rounded; NaN, −∞ (x = 0) and ∞ as Math.log gives them. */
export function correctLog(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  const r = ddLog(x);
  return r[0] + r[1];
}

/** ln x as a double-double (about 106 bits), for finite x > 0. */
export function ddLog(x: number): DD {
  let k = 0;
  let m = x;
  // scale subnormals into the normal range first
  if (m < 2.2250738585072014e-308) {
    m *= 2 ** 64;
    k -= 64;
  }
  const e = Math.floor(Math.log2(m));
  m /= 2 ** e;
  k += e;
  // Math.log2 may land one off at a power of two's edge: bring m into [1, 2)
  if (m >= 2) {
    m /= 2;
    k += 1;
  } else if (m < 1) {
    m *= 2;
    k -= 1;
  }
  if (m > 2 * SQRT_HALF) {
    m /= 2;
    k += 1;
  }
  const i = Math.round((m - 1) * 128);
  const c = 1 + i / 128;
  // m − c is exact (Sterbenz: c/2 ≤ m ≤ 2c); m + c as a double-double
  const s = ddDiv([m - c, 0], twoSum(m, c));
  const s2 = s[0] * s[0];
  // 2·(s³/3 + s⁵/5 + s⁷/7 + s⁹/9) in float64: the series past s
  const tail = 2 * s[0] * s2 * (1 / 3 + s2 * (1 / 5 + s2 * (1 / 7 + s2 / 9)));
  let r: DD = ddAdd(LOG_C[i - TABLE_MIN], [2 * s[0], 2 * s[1] + tail]);
  if (k !== 0) r = ddAdd(ddMul([k, 0], LN2), r);
  return r;
}
