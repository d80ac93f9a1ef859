import { productError } from "./doubleDouble.js";

/**
 * Fused multiply-add in float64: fma(a, b, c) = RN(a·b + c), the exact a·b + c rounded once to the
 * nearest double (ties to even), as C's `fma` and a compiler's contracted `a * b + c` give it.
 * JavaScript has no fma; this emulates it exactly for finite arguments whose product neither
 * overflows nor falls into the subnormal range.
 *
 * Method (Boldo & Melquiond (2008), "Emulation of a FMA and correctly-rounded sums: proved algorithms
 * using rounding to odd"): a·b = u_h + u_l exactly (Dekker's two-product); c + u_h = t_h + t_l exactly
 * (Knuth's two-sum); v = RO(t_l + u_l), the sum rounded to odd (truncated, then the last bit set when
 * inexact); fma = RN(t_h + v). Rounding to odd keeps the sticky information that a second rounding
 * to nearest needs, so the two roundings give the one correct rounding.
 */

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer); // little-endian: [low, high]

/** x + y rounded to odd: the nearest double toward zero of the two neighbours when inexact, with its last bit 1. */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  const yy = s - x;
  const e = x - (s - yy) + (y - yy);
  if (e === 0) return s;
  bits[0] = s;
  if ((words[0] & 1) === 1) return s; // s is odd: the odd neighbour of x + y already
  // s is even, so x + y lies strictly between s and its neighbour toward e, which is odd
  if (e > 0 === s > 0) {
    words[0] += 1; // away from zero; an even low word cannot carry
  } else if (words[0] === 0) {
    words[0] = 0xffffffff;
    words[1] -= 1;
  } else {
    words[0] -= 1;
  }
  return bits[0];
}

/** RN(a·b + c) with a single rounding. Non-finite operands give what a·b + c gives. */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (p === 0 || c === 0 || !Number.isFinite(p) || !Number.isFinite(c)) return p + c;
  const ul = productError(a, b, p);
  const th = c + p;
  const pp = th - c;
  const tl = c - (th - pp) + (p - pp);
  return th + addRoundToOdd(tl, ul);
}
