/**
 * Reads a C99 hexadecimal floating-point literal, `[-]0x1.8p-3` (the leading `0x` optional):
 * value = ±(h.fff…)₁₆ · 2^e, exact for every double whose significand has at most 13 hex digits after
 * the point. Library tables (glibc's, SLEEF's) publish their constants this way, bit for bit.
 */
export function hexFloat(literal: string): number {
  const m = /^(-?)(?:0x)?([0-9a-f])(?:\.([0-9a-f]{0,13}))?p([+-]?\d+)$/i.exec(literal.trim());
  if (m === null) throw new Error(`hexFloat: "${literal}" is not a hex float like 0x1.8p-3`);
  const fraction = (m[3] ?? "").padEnd(13, "0");
  // the 52-bit fraction is an integer below 2^53, so dividing it by 2^52 and scaling by 2^e are exact
  const significand = parseInt(m[2], 16) + parseInt(fraction, 16) / 2 ** 52;
  const value = significand * 2 ** Number(m[4]);
  return m[1] === "-" ? -value : value;
}
