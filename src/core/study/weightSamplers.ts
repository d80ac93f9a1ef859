import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import type { Rng } from "../random/Rng.js";
import { fillNormal } from "../random/normal.js";
import { fillUniform } from "../random/uniform.js";

/** Fills an array with samples already rounded to a dtype. */
export type DtypeSampler = (rng: Rng, out: Float64Array, dtype: Dtype) => void;

/**
 * N(0, 1) drawn and rounded to the dtype, then multiplied by `scale` in the dtype:
 * w = round(round(z) · round(scale)). This is what TensorFlow's
 * `tf.random.normal(stddev=1) * scale` and `tf.random.normal(stddev=scale)` compute.
 * @param scale the standard deviation, finite and ≥ 0.
 */
export function scaledNormal(scale: number): DtypeSampler {
  if (!Number.isFinite(scale) || scale < 0) throw new RangeError(`scale: must be a finite number >= 0, got ${scale}`);
  return (rng, out, dtype) => {
    const round = rounder(dtype);
    const s = round(scale);
    fillNormal(rng, out);
    for (let i = 0; i < out.length; i++) out[i] = round(round(out[i]) * s);
  };
}

/**
 * U[−bound, bound) rounded to the dtype: w = round(−bound + 2·bound·u).
 * @param bound the half-width, finite and ≥ 0.
 */
export function symmetricUniform(bound: number): DtypeSampler {
  if (!Number.isFinite(bound) || bound < 0) throw new RangeError(`bound: must be a finite number >= 0, got ${bound}`);
  return (rng, out, dtype) => {
    const round = rounder(dtype);
    fillUniform(rng, out, -bound, bound);
    for (let i = 0; i < out.length; i++) out[i] = round(out[i]);
  };
}
