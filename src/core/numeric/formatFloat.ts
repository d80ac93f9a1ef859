import type { Dtype } from "./dtype.js";
import { rounder } from "./dtype.js";

/**
 * Formats a number as NumPy prints a scalar of the dtype: the shortest decimal that rounds back
 * to the same value in that dtype; positional with a trailing ".0" for integers when
 * 1e−4 ≤ |x| < 1e16, scientific ("1.5143387e+16", exponent at least two digits) otherwise;
 * "inf", "-inf", "nan" for non-finite values. This is how the seed notebook's rows look.
 */
export function formatFloat(x: number, dtype: Dtype): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const round = rounder(dtype);
  let digits = 17;
  for (let d = 1; d <= 17; d++) {
    if (round(Number(x.toPrecision(d))) === x) {
      digits = d;
      break;
    }
  }
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mantissa, exp] = x.toExponential(digits - 1).split("e");
    const e = Number(exp);
    const m = mantissa.includes(".") ? mantissa : `${mantissa}.`;
    return `${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const s = Number(x.toPrecision(digits)).toString();
  if (s.includes("e")) {
    // toString switches to exponent form below 1e-6 or above 1e21; not reached in this range.
    return s;
  }
  return s.includes(".") ? s : `${s}.0`;
}
