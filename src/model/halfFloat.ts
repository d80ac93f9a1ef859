import { roundHalfEven } from "../core/numeric/roundHalfEven.js";

/** IEEE 754 binary16 bits → number (subnormals, ±Infinity and NaN included). */
export function float16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** number → binary16 bits, round to nearest, ties to even; overflow to ±Infinity. */
export function numberToFloat16(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // subnormal: units of 2⁻²⁴, round half to even
    const m = roundHalfEven(a * 2 ** 24);
    return sign | m;
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

/** bfloat16 bits → number: the upper 16 bits of a float32. */
export function bfloat16ToNumber(h: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setUint32(0, (h & 0xffff) << 16);
  return b.getFloat32(0);
}

/** number → bfloat16 bits, round to nearest, ties to even (NaN stays NaN). */
export function numberToBfloat16(x: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, x);
  const u = b.getUint32(0);
  if (Number.isNaN(x)) return 0x7fc0;
  const lower = u & 0xffff;
  let upper = u >>> 16;
  if (lower > 0x8000 || (lower === 0x8000 && (upper & 1) === 1)) upper++;
  return upper & 0xffff;
}
