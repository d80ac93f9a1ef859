/**
 * The floating-point formats initlab computes in:
 * - `float64`: JavaScript's own arithmetic;
 * - `float32`: every stored value and arithmetic result rounded to the nearest float32 (ties to
 *   even) with `Math.fround`, as float32 hardware does for +, −, ×, ÷ and √;
 * - `bfloat16`: 8 significand bits, float32's exponent range (max 3.3895314e38, smallest subnormal 2⁻¹³³);
 * - `float16`: IEEE 754 binary16, 11 significand bits (max 65504, smallest normal 2⁻¹⁴, smallest subnormal 2⁻²⁴).
 * bfloat16 and float16 values are rounded from the exact (float64) value straight to the format,
 * ties to even, with gradual underflow and overflow to ±Infinity.
 */
export const DTYPES = ["float64", "float32", "bfloat16", "float16"] as const;
export type Dtype = (typeof DTYPES)[number];

/** A binary floating-point format: p significand bits (with the implicit one), exponent range of normal numbers. */
export interface FloatFormat {
  /** significand bits, including the implicit leading bit */
  precision: number;
  /** exponent of the smallest normal number */
  emin: number;
  /** largest finite value */
  max: number;
  /** smallest normal value 2^emin */
  minNormal: number;
  /** smallest subnormal value 2^(emin − p + 1) */
  minSubnormal: number;
}

function format(precision: number, emin: number, emax: number): FloatFormat {
  return {
    precision,
    emin,
    max: (2 - 2 ** (1 - precision)) * 2 ** emax,
    minNormal: 2 ** emin,
    minSubnormal: 2 ** (emin - precision + 1),
  };
}

/** The formats' parameters (IEEE 754-2008 binary64, binary32, binary16; Google Brain bfloat16). */
export const FORMATS: Record<Dtype, FloatFormat> = {
  float64: format(53, -1022, 1023),
  float32: format(24, -126, 127),
  bfloat16: format(8, -126, 127),
  float16: format(11, -14, 15),
};

/** Parses a dtype name. @throws a one-line error listing the allowed values. */
export function parseDtype(value: string, field = "dtype"): Dtype {
  if ((DTYPES as readonly string[]).includes(value)) return value as Dtype;
  throw new RangeError(`${field}: must be one of ${DTYPES.join(", ")}, got ${JSON.stringify(value)}`);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word at index 1

/**
 * Rounds x to the nearest value of a format with `precision` significand bits and smallest normal
 * exponent `emin`, ties to even: with e = max(⌊log₂|x|⌋, emin) (read exactly from x's float64 bits)
 * and ulp = 2^(e − p + 1), the result is ulp·round_half_even(x/ulp); a result above `max` is ±Infinity.
 */
export function roundToFormat(x: number, fmt: FloatFormat): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  f64[0] = x;
  let e = ((u32[HI] >>> 20) & 0x7ff) - 1023;
  if (e < fmt.emin) e = fmt.emin;
  const ulp = 2 ** (e - fmt.precision + 1);
  const q = Math.abs(x) / ulp;
  const f = Math.floor(q);
  const d = q - f;
  const r = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  const v = r * ulp;
  if (v > fmt.max) return x > 0 ? Infinity : -Infinity;
  return x > 0 ? v : -v;
}

const identity = (x: number): number => x;
const toBfloat16 = (x: number): number => roundToFormat(x, FORMATS.bfloat16);
const toFloat16 = (x: number): number => roundToFormat(x, FORMATS.float16);

/** The rounding function of a dtype: x ↦ the nearest value of that format (ties to even). */
export function rounder(dtype: Dtype): (x: number) => number {
  switch (dtype) {
    case "float32":
      return Math.fround;
    case "bfloat16":
      return toBfloat16;
    case "float16":
      return toFloat16;
    default:
      return identity;
  }
}

/** The accumulation dtype used when none is given: float32 for bfloat16 and float16, the dtype itself otherwise. */
export function defaultAccumulate(dtype: Dtype): Dtype {
  return dtype === "bfloat16" || dtype === "float16" ? "float32" : dtype;
}
