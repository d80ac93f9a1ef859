import { fma } from "../../numeric/fma.js";
import { hexFloat } from "../../numeric/hexFloat.js";

/**
 * ln(1 + x) in float64 exactly as glibc's `log1p` computes it (glibc ≤ 2.40 on x86-64: FDLIBM's
 * algorithm, Sun Microsystems (1993), with Shimizu's (1997) pipelined polynomial). NumPy's float64
 * `standard_normal` calls it in its ziggurat's tail. JavaScript's Math.log1p is FDLIBM's with the
 * polynomial in Horner's order, and differs from it in about 0.03 % of arguments (measured).
 *
 * Method: 1 + x = 2^k·(1 + f) with √2/2 ≤ 1 + f < √2 (k = 0, f = x when −0.2929 < x < 0.41422), c the
 * rounding error of u = 1 + x over u; s = f/(2 + f), z = s² and
 *   R = z·Lp₁ + z²·(Lp₂ + z·Lp₃) + z⁴·(Lp₄ + z·Lp₅) + z⁶·(Lp₆ + z·Lp₇)  (summed left to right,
 *       each product-and-sum one fused multiply-add),
 *   ln(1 + x) = k·ln2_hi − ((f²/2 − (s·(f²/2 + R) + (k·ln2_lo + c))) − f);
 * |f| < 2⁻²⁰ uses R = f²/2·(1 − (2/3)·f); |x| < 2⁻²⁹ gives x − x²/2 and |x| < 2⁻⁵⁴ gives x.
 * ln2_hi (ln 2 cut to 32 bits: n·ln2_hi is exact for |n| < 2000), ln2_lo and Lp₁…Lp₇ (a minimax fit
 * of the atanh series 2/3, 2/5, …) are FDLIBM's published constants, transcribed.
 */

const LN2_HI = hexFloat("0x1.62e42fee00000p-1");
const LN2_LO = hexFloat("0x1.a39ef35793c76p-33");
/** FDLIBM's `ln2_hi`, `ln2_lo` (float64). */
export const LOG1P_LN2 = { hi: LN2_HI, lo: LN2_LO } as const;
/** Lp₁ … Lp₇. */
export const LOG1P_LP: readonly number[] = [
  "0x1.5555555555593p-1",
  "0x1.999999997fa04p-2",
  "0x1.2492494229359p-2",
  "0x1.c71c51d8e78afp-3",
  "0x1.7466496cb03dep-3",
  "0x1.39a09d078c69fp-3",
  "0x1.2f112df3e5244p-3",
].map(hexFloat);
const [LP1, LP2, LP3, LP4, LP5, LP6, LP7] = LOG1P_LP;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer); // little-endian: [low, high]

/** log1p(x) bit for bit as glibc's; −1 → −∞, x < −1 or NaN → NaN, ∞ → ∞. */
export function glibcLog1p(x: number): number {
  bits[0] = x;
  const hx = words[1];
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) {
    // x < 0.41422
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x ≤ −1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5; // |x| < 2⁻²⁹
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) {
      // −0.2929 < x < 0.41422
      k = 0;
      f = x;
      hu = 1;
    }
  } else if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      bits[0] = u;
      hu = words[1];
      k = (hu >> 20) - 1023;
      // the rounding error of 1 + x, relative to it
      c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u;
    } else {
      u = x;
      bits[0] = u;
      hu = words[1];
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      words[1] = hu | 0x3ff00000; // 1 + f in [1, √2), u's low word kept
    } else {
      k += 1;
      words[1] = hu | 0x3fe00000; // (1 + f)/2 in [√2/2, 1)
      hu = (0x00100000 - hu) >> 2;
    }
    f = bits[0] - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    // |f| < 2⁻²⁰
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const r = hfsq * (1 - (2 / 3) * f); // FDLIBM writes 0.66666666666666666, the same double
    return k === 0 ? f - r : k * LN2_HI - (r - (k * LN2_LO + c) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const z2 = z * z;
  const z4 = z2 * z2;
  // glibc's x86-64 build fuses the polynomial's multiply-adds (measured: with them, 0 of 6.3·10⁶
  // arguments differ from this machine's glibc 2.36; without, 1 238 differ)
  const r = fma(z4 * z2, fma(z, LP7, LP6), fma(z4, fma(z, LP5, LP4), fma(z, LP1, z2 * fma(z, LP3, LP2))));
  if (k === 0) return f - (hfsq - s * (hfsq + r));
  return k * LN2_HI - (hfsq - (s * (hfsq + r) + (k * LN2_LO + c)) - f);
}
