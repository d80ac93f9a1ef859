/**
 * The floating-point formats initlab computes in. `float64` is JavaScript's own arithmetic;
 * `float32` rounds every stored value and every arithmetic result to the nearest float32
 * (ties to even) with `Math.fround`, which is what float32 hardware does for +, −, ×, ÷ and √.
 */
export const DTYPES = ["float64", "float32"] as const;
export type Dtype = (typeof DTYPES)[number];

/** Parses a dtype name. @throws a one-line error listing the allowed values. */
export function parseDtype(value: string, field = "dtype"): Dtype {
  if ((DTYPES as readonly string[]).includes(value)) return value as Dtype;
  throw new RangeError(`${field}: must be one of ${DTYPES.join(", ")}, got ${JSON.stringify(value)}`);
}

const identity = (x: number): number => x;

/** The rounding function of a dtype: x ↦ the nearest value of that format (ties to even). */
export function rounder(dtype: Dtype): (x: number) => number {
  return dtype === "float32" ? Math.fround : identity;
}
