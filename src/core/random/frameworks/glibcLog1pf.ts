/**
 * ln(1 + x) in float32 exactly as glibc's `log1pf` computes it (glibc up to 2.40 on x86-64: the
 * FDLIBM algorithm, Sun Microsystems (1993), in float arithmetic, every operation rounded to float32).
 * NumPy's float32 `standard_normal` calls it in its ziggurat's tail, and it is not correctly rounded:
 * about one tail value in 10⁵ comes out one unit different from the correctly rounded log1p.
 *
 * Method: 1 + x = 2^k·(1 + f) with √2/2 ≤ 1 + f < √2 (k = 0 and f = x when −0.2929 < x < 0.41422),
 * c the rounding error of 1 + x divided by it; s = f/(2 + f) and
 *   ln(1 + f) = f − (f²/2 − s·(f²/2 + R(s²))),  R(z) = z·(Lp₁ + z·(Lp₂ + … + z·Lp₇)),
 *   ln(1 + x) = k·ln2_hi − ((f²/2 − (s·(f²/2 + R) + (k·ln2_lo + c))) − f);
 * |f| < 2⁻²⁰ uses R = f²/2·(1 − (2/3)·f) instead; |x| < 2⁻²⁹ gives x − x²/2 and |x| < 2⁻⁵⁴ gives x.
 * ln2_hi is ln 2 cut to 17 significant bits (so k·ln2_hi is exact for |k| < 2⁷) and ln2_lo ≈ ln 2 −
 * ln2_hi; both are FDLIBM's choices (the cut one unit below the nearest, the rest truncated), so they
 * are transcribed with Lp₁…Lp₇ (FDLIBM's minimax coefficients) as the float32 bits it publishes; the
 * test checks ln2_hi + ln2_lo against ln 2.
 */

const fr = Math.fround;

const floatBits = new Float32Array(1);
const intBits = new Int32Array(floatBits.buffer);
const bitsOf = (x: number): number => {
  floatBits[0] = x;
  return intBits[0];
};
const fromBits = (b: number): number => {
  intBits[0] = b;
  return floatBits[0];
};

const LN2_HI = fromBits(0x3f317180); // 90851·2⁻¹⁷: 17 bits, one unit below ln 2's nearest
const LN2_LO = fromBits(0x3717f7d1); // ln 2 − ln2_hi cut (not rounded) to float32
/** FDLIBM's `ln2_hi`, `ln2_lo` (float32). */
export const LOG1PF_LN2 = { hi: LN2_HI, lo: LN2_LO } as const;

/** Lp₁ … Lp₇, as float32 bits: ≈ 2/3, 2/5, 2/7, 2/9, 2/11, 2/13, 2/15, refit (minimax) by FDLIBM. */
export const LOG1PF_LP: readonly number[] = [
  0x3f2aaaab, 0x3ecccccd, 0x3e924925, 0x3e638e29, 0x3e3a3325, 0x3e1cd04f, 0x3e178897,
].map(fromBits);
const [LP1, LP2, LP3, LP4, LP5, LP6, LP7] = LOG1PF_LP;
const TWO_THIRDS = fr(2 / 3);

/** log1pf(x) for a float32 x, bit for bit as glibc's; −1 → −∞, x < −1 or NaN → NaN, ∞ → ∞. */
export function glibcLog1pf(x: number): number {
  x = fr(x);
  const hx = bitsOf(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3ed413d7) {
    // x < 0.41422
    if (ax >= 0x3f800000) return x === -1 ? -Infinity : NaN; // x ≤ −1
    if (ax < 0x31000000) return ax < 0x24800000 ? x : fr(x - fr(fr(x * x) * 0.5)); // |x| < 2⁻²⁹
    if (hx > 0 || hx <= (0xbe95f61f | 0)) {
      // −0.2929 < x < 0.41422
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7f800000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x5a000000) {
      u = fr(1 + x);
      hu = bitsOf(u);
      k = (hu >> 23) - 127;
      // the rounding error of 1 + x, relative to it
      c = k > 0 ? fr(1 - fr(u - x)) : fr(x - fr(u - 1));
      c = fr(c / u);
    } else {
      u = x;
      hu = bitsOf(u);
      k = (hu >> 23) - 127;
      c = 0;
    }
    hu &= 0x007fffff;
    if (hu < 0x3504f7) {
      u = fromBits(hu | 0x3f800000); // 1 + f in [1, √2)
    } else {
      k += 1;
      u = fromBits(hu | 0x3f000000); // (1 + f)/2 in [√2/2, 1)
      hu = (0x00800000 - hu) >> 2;
    }
    f = fr(u - 1);
  }
  const hfsq = fr(fr(0.5 * f) * f);
  if (hu === 0) {
    // |f| < 2⁻²⁰
    if (f === 0) return k === 0 ? 0 : fr(fr(k * LN2_HI) + fr(c + fr(k * LN2_LO)));
    const r = fr(hfsq * fr(1 - fr(TWO_THIRDS * f)));
    return k === 0 ? fr(f - r) : fr(fr(k * LN2_HI) - fr(fr(r - fr(fr(k * LN2_LO) + c)) - f));
  }
  const s = fr(f / fr(2 + f));
  const z = fr(s * s);
  // R = z·(Lp₁ + z·(Lp₂ + … + z·Lp₇)) by Horner, each product and sum rounded to float32
  let p = LP7;
  for (const lp of [LP6, LP5, LP4, LP3, LP2, LP1]) p = fr(lp + fr(z * p));
  const r = fr(z * p);
  if (k === 0) return fr(f - fr(hfsq - fr(s * fr(hfsq + r))));
  return fr(fr(k * LN2_HI) - fr(fr(hfsq - fr(fr(s * fr(hfsq + r)) + fr(fr(k * LN2_LO) + c))) - f));
}
