import type { Rng } from "./Rng.js";

/**
 * Fills `out` with independent U[low, high) draws: out[i] = low + (high − low)·u_i with
 * u_i = {@link Rng.nextDouble} (53 random bits).
 * @param rng the stream to draw from.
 * @param out the array to fill.
 * @param low default 0.
 * @param high default 1; must be ≥ low, both finite.
 */
export function fillUniform(rng: Rng, out: Float64Array | Float32Array, low = 0, high = 1): typeof out {
  if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) {
    throw new RangeError(`uniform bounds: need finite low <= high, got low=${low}, high=${high}`);
  }
  const width = high - low;
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = low + width * rng.nextDouble();
  return out;
}
