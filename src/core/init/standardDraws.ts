import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import type { Rng } from "../random/Rng.js";
import { fillNormal } from "../random/normal.js";
import { fillUniform } from "../random/uniform.js";
import type { InitDistribution } from "./distribution.js";

/** A location–scale distribution: its draws are an affine map of standard draws from the same stream. */
export type LocationScale = Extract<InitDistribution, { kind: "normal" } | { kind: "uniform" }>;

/**
 * Standard draws kept by whoever rebuilds networks often (the lab): key → the draws of one stream.
 * The caller owns it and decides when to clear it; initlab never keeps one itself.
 */
export type DrawCache = Map<string, Float64Array>;

/** The key a {@link DrawCache} keeps a stream's draws under: the family, the stream's own key, and the count. */
export function drawCacheKey(kind: LocationScale["kind"], streamKey: string, n: number): string {
  return `${kind}:${streamKey}:${n}`;
}

export function isLocationScale(d: InitDistribution): d is LocationScale {
  return d.kind === "normal" || d.kind === "uniform";
}

/**
 * The standard draws behind a location–scale distribution, n of them from `rng`: z ~ N(0, 1) for
 * "normal", u ~ U[0, 1) for "uniform" — the very numbers {@link fillNormal} / {@link fillUniform}
 * draw from that stream (with mean 0, std 1, resp. low 0, high 1, their affine map is the identity),
 * written into `out` when given (an array to recycle, of length n).
 */
export function standardDraws(
  kind: LocationScale["kind"],
  rng: Rng,
  n: number,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  if (out.length !== n) throw new RangeError(`standardDraws: output length ${out.length} is not ${n}`);
  return kind === "normal"
    ? (fillNormal(rng, out, 0, 1) as Float64Array)
    : (fillUniform(rng, out, 0, 1) as Float64Array);
}

/**
 * w_i = round(mean + std·z_i) for a normal, round(low + (high − low)·u_i) for a uniform, rounded to
 * `dtype` and written into `out` (default a new array): the same operations, in the same order, as
 * sampling the distribution from the stream and rounding — so the result is bit-identical, and a
 * change of scale (std = 1 → 0.01 → 1/√n) costs one pass instead of new draws.
 */
export function fromStandardDraws(
  d: LocationScale,
  draws: Float64Array,
  dtype: Dtype,
  out: Float64Array = new Float64Array(draws.length),
): Float64Array {
  if (out.length !== draws.length)
    throw new RangeError(`fromStandardDraws: output length ${out.length} is not ${draws.length}`);
  const round = rounder(dtype);
  if (d.kind === "normal") {
    const { mean, std } = d;
    for (let i = 0; i < draws.length; i++) out[i] = round(mean + std * draws[i]);
  } else {
    const low = d.low;
    const width = d.high - d.low;
    for (let i = 0; i < draws.length; i++) out[i] = round(low + width * draws[i]);
  }
  return out;
}
