import { ddAdd, ddDiv, ddMul, productError } from "../../numeric/doubleDouble.js";
import type { DD } from "../../numeric/doubleDouble.js";
import { fma } from "../../numeric/fma.js";
import { hexFloat } from "../../numeric/hexFloat.js";
import { settledSum } from "../../numeric/settledSum.js";

/**
 * sin and cos in float64 exactly as glibc computes them (the IBM Accurate Mathematical Library's
 * `usncs.c`, as glibc ≥ 2.28 has it, in its x86-64 FMA build), for |x| < 105 414 350. PyTorch's float64
 * Box–Muller calls them; JavaScript's Math.sin and Math.cos differ from them by one unit in about 3 %
 * of arguments (measured), so a bit-exact stream needs these.
 *
 * Method: with X_k = k/128 and the table (sin X_k, cos X_k) as double-doubles, for |x| < 0.855469
 *   sin x = sin X_k·cos t + cos X_k·sin t,  cos x = cos X_k·cos t − sin X_k·sin t,  t = x − X_k,
 * sin t ≈ t + t³·(sn₃ + t²·sn₅), 1 − cos t ≈ t²·(cs₂ + t²·(cs₄ + t²·cs₆)); sin x for |x| < 0.126 by
 * its Taylor polynomial (s₁…s₅) with the correction (1 − x²)·dx/2; 0.855469 ≤ |x| < 2.426265 through
 * π/2 − |x| (as hp₀ + hp₁); beyond, x − n·π/2 with π/2 in four parts (Cody–Waite) and the quadrant n.
 * Every product whose only use is a sum is one fused multiply-add, as GCC contracts glibc's FMA build
 * (measured: 3.5·10⁶ arguments from 10⁻⁷ to 5·10⁶ against this machine's glibc 2.36, none different).
 * Each function first evaluates without fused multiply-adds and falls back to the emulated fused
 * evaluation only when a bound says the rounding could differ.
 * The table is derived here (the Taylor series of sin and cos at k/128 in double-double arithmetic,
 * each split into a rounded value and its rounded rest); the polynomial coefficients and the parts of
 * π/2 are IBM's published constants, transcribed.
 */

const h = hexFloat;
const [S1, S2, S3, S4, S5] = [
  "-0x1.5555555555555p-3",
  "0x1.1111111110ECEp-7",
  "-0x1.A01A019DB08B8p-13",
  "0x1.71DE27B9A7ED9p-19",
  "-0x1.ADDFFC2FCDF59p-26",
].map(h);
// IBM writes these to 33 digits; the shortest decimals of the same doubles
const SN3 = -1.6666666666666488e-1;
const SN5 = 8.333332142857223e-3;
const CS2 = 0.5;
const CS4 = -4.166666666666644e-2;
const CS6 = 1.3888887400793761e-3;
/** 1.5·2⁴⁵: big + |x| rounds |x| to a multiple of 1/128, whose numerator is then the low word. */
const BIG = 1.5 * 2 ** 45;
/** π/2 = HP0 + HP1. */
const HP0 = h("0x1.921FB54442D18p0");
const HP1 = h("0x1.1A62633145C07p-54");
/** π/2 in parts for x − n·π/2: MP1 + MP2 (short, so n·MP exact) + PP3 + PP4. */
const MP1 = h("0x1.921FB58p0");
const MP2 = h("-0x1.DDE973Cp-27");
const PP3 = h("-0x1.CB3B398p-55");
const PP4 = h("-0x1.d747f23e32ed7p-83");
const HPINV = h("0x1.45F306DC9C883p-1"); // 2/π
const TOINT = 1.5 * 2 ** 52; // t + TOINT − TOINT rounds t to an integer

/** sin X_k, cos X_k of a double by their Taylor series in double-double (|x| ≤ 1: 25 terms each). */
function ddSinCos(x: number): [DD, DD] {
  const x2 = ddMul([x, 0], [x, 0]);
  let term: DD = [x, 0];
  let sin: DD = [x, 0];
  let cterm: DD = [1, 0];
  let cos: DD = [1, 0];
  for (let n = 1; n < 25; n++) {
    term = ddDiv(ddMul(term, x2), [-(2 * n) * (2 * n + 1), 0]);
    sin = ddAdd(sin, term);
    cterm = ddDiv(ddMul(cterm, x2), [-(2 * n - 1) * (2 * n), 0]);
    cos = ddAdd(cos, cterm);
  }
  return [sin, cos];
}

/** glibc's `__sincostab`: for k = 0…109, sin(k/128) rounded, its rest, cos(k/128) rounded, its rest. */
export const GLIBC_SINCOS_TABLE: Float64Array = (() => {
  const table = new Float64Array(440);
  for (let k = 0; k < 110; k++) {
    const [s, c] = ddSinCos(k / 128);
    const sn = s[0] + s[1];
    const cs = c[0] + c[1];
    table.set([sn, s[0] - sn + s[1], cs, c[0] - cs + c[1]], 4 * k);
  }
  return table;
})();
const T = GLIBC_SINCOS_TABLE;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer); // little-endian: [low, high]

/** The table row of |x| (≤ 0.86): 4·round(128·|x|), read from the low word of BIG + |x|. */
function row(u: number): number {
  bits[0] = u;
  return words[0] << 2;
}

/**
 * cos(x + dx) for |x| < 0.86. Unfused (fused = false), cor differs from glibc's by under
 * |t|·2^-50.4 + 2^-104 (each step's rounding, t = x − X_k); the bound takes 2^-48·|t| + 2^-100.
 */
function doCos(x: number, dx: number, fused: boolean): number {
  if (x < 0) dx = -dx;
  const u = BIG + Math.abs(x);
  const k = row(u);
  const t = Math.abs(x) - (u - BIG) + dx;
  const tt = t * t;
  if (!fused) {
    const s = t + t * tt * (SN3 + tt * SN5);
    const c = tt * (CS2 + tt * (CS4 + tt * CS6));
    return settledSum(T[k + 2], T[k + 3] - s * T[k + 1] - T[k + 2] * c - T[k] * s, 2 ** -48 * Math.abs(t) + 2 ** -100);
  }
  const s = fma(t * tt, fma(tt, SN5, SN3), t);
  const c = tt * fma(tt, fma(tt, CS6, CS4), CS2);
  const cor = fma(-T[k], s, fma(-T[k + 2], c, fma(-s, T[k + 1], T[k + 3])));
  return T[k + 2] + cor;
}

/**
 * sin(x + dx) for |x| < 0.86; unfused, as {@link doCos} (the Taylor branch's sum differs by under
 * |x|³·2⁻⁵¹ + |dx|·2⁻⁵²; the bound takes |x|³·2⁻⁴⁸ + |dx|·2⁻⁵⁰).
 */
function doSin(x: number, dx: number, fused: boolean): number {
  const xx = x * x;
  if (Math.abs(x) < 0.126) {
    if (!fused) {
      const p = (((S5 * xx + S4) * xx + S3) * xx + S2) * xx + S1;
      const bound = Math.abs(x * xx) * 2 ** -48 + Math.abs(dx) * 2 ** -50;
      return settledSum(x, (p * x - 0.5 * dx) * xx + dx, bound);
    }
    const p = fma(fma(fma(fma(S5, xx, S4), xx, S3), xx, S2), xx, S1);
    return x + fma(fma(p, x, -(0.5 * dx)), xx, dx);
  }
  const d = x <= 0 ? -dx : dx;
  const u = BIG + Math.abs(x);
  const k = row(u);
  const t = Math.abs(x) - (u - BIG);
  const tt = t * t;
  let r: number;
  if (!fused) {
    const s = t + (d + t * tt * (SN3 + tt * SN5));
    const c = t * d + tt * (CS2 + tt * (CS4 + tt * CS6));
    r = settledSum(T[k], T[k + 1] + s * T[k + 3] - T[k] * c + T[k + 2] * s, 2 ** -48 * Math.abs(t) + 2 ** -100);
  } else {
    const s = t + fma(t * tt, fma(tt, SN5, SN3), d);
    const c = fma(t, d, tt * fma(tt, fma(tt, CS6, CS4), CS2));
    r = T[k] + fma(T[k + 2], s, fma(-T[k], c, fma(s, T[k + 3], T[k + 1])));
  }
  r = Math.abs(r);
  return x < 0 || Object.is(x, -0) ? -r : r;
}

/**
 * x = n·π/2 + (a + da), |a| ≤ π/4: [a, da, n mod 4], with glibc's fused steps. n·MP1, n·MP2 and n·PP3
 * are exact while |n| < 2²⁴ (those parts have at most 29 significant bits), so their fused and plain
 * forms agree; the rounding of x·(2/π) to an integer is settled by the product's exact error; only
 * the two steps with PP4 need the emulated fma.
 */
function reduce(x: number, fused: boolean): [number, number, number] {
  if (fused) {
    // glibc's steps as written, every product-and-sum one fma: what the shortcuts below must equal
    const t = fma(x, HPINV, TOINT);
    const xn = t - TOINT;
    bits[0] = t;
    const y = fma(-xn, MP2, fma(-xn, MP1, x));
    const t2 = fma(-xn, PP3, y);
    const b = fma(-xn, PP4, t2);
    return [b, fma(-xn, PP3, y - t2) + fma(-xn, PP4, t2 - b), words[0] & 3];
  }
  const p = x * HPINV;
  let t = p + TOINT;
  const frac = p - (t - TOINT);
  // a tie in the rounding of p: the product's rounding error decides, as one rounding would
  if (Math.abs(frac) === 0.5) {
    const e = productError(x, HPINV, p);
    if (e !== 0 && e > 0 === frac > 0) t += 2 * frac;
  }
  const xn = t - TOINT;
  bits[0] = t;
  const n = words[0] & 3;
  let y: number;
  let t2: number;
  let db: number;
  if (Math.abs(xn) < 2 ** 24) {
    y = x - xn * MP1 - xn * MP2;
    t2 = y - xn * PP3;
    db = y - t2 - xn * PP3;
  } else {
    y = fma(-xn, MP2, fma(-xn, MP1, x));
    t2 = fma(-xn, PP3, y);
    db = fma(-xn, PP3, y - t2);
  }
  const b = fma(-xn, PP4, t2);
  db += fma(-xn, PP4, t2 - b);
  return [b, db, n];
}

function quadrant(a: number, da: number, n: number, fused: boolean): number {
  const r = n & 1 ? doCos(a, da, fused) : doSin(a, da, fused);
  return n & 2 ? -r : r;
}

/** |x| as glibc sees it, by the high word. */
function magnitude(x: number): number {
  bits[0] = x;
  return words[1] & 0x7fffffff;
}

function sinOf(x: number, fused: boolean): number {
  const k = magnitude(x);
  if (k < 0x3e500000) return x;
  if (k < 0x3feb6000) return doSin(x, 0, fused);
  if (k < 0x400368fd) {
    const r = Math.abs(doCos(HP0 - Math.abs(x), HP1, fused));
    return x < 0 ? -r : r;
  }
  if (k < 0x419921fb) {
    const [a, da, n] = reduce(x, fused);
    return quadrant(a, da, n, fused);
  }
  return Math.sin(x);
}

function cosOf(x: number, fused: boolean): number {
  const k = magnitude(x);
  if (k < 0x3e400000) return 1;
  if (k < 0x3feb6000) return doCos(x, 0, fused);
  if (k < 0x400368fd) {
    const y = HP0 - Math.abs(x);
    const a = y + HP1;
    return doSin(a, y - a + HP1, fused);
  }
  if (k < 0x419921fb) {
    const [a, da, n] = reduce(x, fused);
    return quadrant(a, da, n + 1, fused);
  }
  return Math.cos(x);
}

/**
 * sin x bit for bit as glibc's: evaluated without fused multiply-adds first, and fused only when the
 * result could differ. |x| ≥ 105 414 350 (Payne–Hanek reduction, not modelled) falls back to Math.sin.
 */
export function glibcSin(x: number): number {
  const y = sinOf(x, false);
  return y === y || x !== x ? y : sinOf(x, true);
}

/** cos x bit for bit as glibc's, as {@link glibcSin}; |x| ≥ 105 414 350 falls back to Math.cos. */
export function glibcCos(x: number): number {
  const y = cosOf(x, false);
  return y === y || x !== x ? y : cosOf(x, true);
}

/** sin x by glibc's fused evaluation alone: what {@link glibcSin} must always equal. */
export function glibcSinFused(x: number): number {
  return sinOf(x, true);
}

/** cos x by glibc's fused evaluation alone: what {@link glibcCos} must always equal. */
export function glibcCosFused(x: number): number {
  return cosOf(x, true);
}

/**
 * [sin x, cos x], each bit for bit as {@link glibcSin} and {@link glibcCos} give it, with x reduced
 * by π/2 once for both (PyTorch's float64 Box–Muller takes both of each θ).
 */
export function glibcSinCos(x: number): [number, number] {
  const k = magnitude(x);
  if (k < 0x400368fd || k >= 0x419921fb) return [glibcSin(x), glibcCos(x)];
  const [a, da, n] = reduce(x, false);
  const sin = quadrant(a, da, n, false);
  const cos = quadrant(a, da, n + 1, false);
  // the shortcut reduction equals the fused one (tested), so only the quadrant is redone fused
  return [sin === sin ? sin : quadrant(a, da, n, true), cos === cos ? cos : quadrant(a, da, n + 1, true)];
}
