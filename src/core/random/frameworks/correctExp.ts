import type { DD } from "../../numeric/doubleDouble.js";
import { ddAdd, ddDiv, ddMul } from "../../numeric/doubleDouble.js";
import { LN2 } from "./correctLog.js";

/**
 * e^a correctly rounded to float64 (in all but pathologically close cases), for |a| < 700; other
 * arguments (NaN, ±∞, overflow and underflow) as Math.exp gives them. Math.exp may be off by one
 * unit in the last place, and NumPy's ziggurat tables were made with a nearly correctly rounded exp.
 *
 * Method: a = k·ln 2 + r with k = round(a/ln 2), |r| ≤ ln 2/2, r = a − k·ln 2 in double-double;
 * e^r = Σ rⁿ/n! in double-double until a term is below 10⁻³⁴ (at most 30 terms); e^a = 2^k·e^r,
 * the double-double rounded once to float64 and scaled exactly.
 */
export function correctExp(a: number): number {
  if (!(Math.abs(a) < 700)) return Math.exp(a);
  const k = Math.round(a / LN2[0]);
  const r = ddAdd([a, 0], ddMul([-k, 0], LN2));
  let term: DD = [1, 0];
  let sum: DD = [1, 0];
  for (let n = 1; n <= 30; n++) {
    term = ddDiv(ddMul(term, r), [n, 0]);
    sum = ddAdd(sum, term);
    if (Math.abs(term[0]) < 1e-34) break;
  }
  return (sum[0] + sum[1]) * 2 ** k;
}
