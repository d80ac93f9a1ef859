import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import type { Rng } from "../random/Rng.js";
import { centreTap, isStreamed, orthogonalView, sampleDistribution, sampleStreamed } from "./distribution.js";
import type { InitSpec } from "./initSpec.js";
import { rngStream } from "../random/Rng.js";
import type { ResolvedInitializer, ResolveOptions } from "./resolveInitializer.js";
import { resolveInitializer } from "./resolveInitializer.js";
import type { DrawCache } from "./standardDraws.js";
import { drawCacheKey, fromStandardDraws, isLocationScale, standardDraws } from "./standardDraws.js";

/** Initialized values, in the row-major order of the shape, rounded to `dtype`. */
export interface Initialized {
  resolved: ResolvedInitializer;
  dtype: Dtype;
  values: Float64Array;
}

/**
 * The stream a spec draws from: the caller's, unless the spec is a framework spelling that carries
 * its own seed (Keras's `seed=`, TF.js's `{seed}`) — then initlab's stream (seed, "init",
 * initializer), the same for every tensor drawn with that spec, as a seeded framework initializer
 * gives the same values on every call.
 */
function specRng(resolved: ResolvedInitializer): Rng | null {
  const seed = resolved.reading?.seed ?? null;
  return seed === null ? null : rngStream(seed, "init", resolved.initializer);
}

/** Reuse for {@link initialize}: standard draws cached under `key`, which must name `rng`'s stream (unused from its start). */
export interface DrawReuse {
  cache: DrawCache;
  key: string;
  /** an array of the kernel's length to write the values into (e.g. the weights of a network being replaced) */
  into?: Float64Array;
}

/**
 * Draws a kernel: resolves `spec` for `options` and samples it from `rng`, rounding every value to
 * `dtype` (default float32, the frameworks' default). With `reuse`, a normal or uniform kernel is
 * computed from the stream's standard draws, cached under reuse.key — bit-identical to sampling it
 * (see {@link fromStandardDraws}), so another scale of the same family costs no new draws.
 */
export function initialize(
  spec: string | InitSpec,
  options: ResolveOptions,
  rng: Rng,
  dtype: Dtype = "float32",
  reuse?: DrawReuse,
): Initialized {
  const resolved = resolveInitializer(spec, options);
  const own = specRng(resolved);
  // a spec with its own seed draws from its own stream, which the caller's cache key does not name
  if (own) {
    rng = own;
    reuse = undefined;
  }
  const d = resolved.params;
  if (reuse && isLocationScale(d)) {
    const n = resolved.ctx.shape.reduce((a, b) => a * b, 1);
    const key = drawCacheKey(d.kind, reuse.key, n);
    let draws = reuse.cache.get(key);
    if (!draws) {
      draws = standardDraws(d.kind, rng, n);
      reuse.cache.set(key, draws);
    }
    const into = reuse.into && reuse.into.length === n ? reuse.into : undefined;
    return { resolved, dtype, values: fromStandardDraws(d, draws, dtype, into) };
  }
  const values = sampleDistribution(d, rng, resolved.ctx);
  const round = rounder(dtype);
  if (dtype !== "float64") for (let i = 0; i < values.length; i++) values[i] = round(values[i]);
  return { resolved, dtype, values };
}

/**
 * {@link initialize} in chunks, for tensors too large to hold twice: a streamed distribution
 * (constant, normal, uniform, truncated normal) is drawn `chunk` values at a time and yielded in
 * order — exactly the values initialize gives, without allocating the whole tensor. float32 chunks
 * are a Float32Array drawn straight into (each value mean + std·z rounded once on store, the single
 * rounding initialize applies), float64 a Float64Array, float16/bfloat16 a Float64Array of rounded
 * values. Chunks rotate through `buffers` reused arrays: a chunk is overwritten `buffers` chunks
 * later (with 2, one chunk can be written out while the next is drawn). Null, drawing nothing, for
 * the other kinds.
 * @param chunk values per chunk (the last may hold fewer); default 2¹⁸.
 * @param buffers arrays to rotate through; default 1.
 */
export function initializeInChunks(
  spec: string | InitSpec,
  options: ResolveOptions,
  rng: Rng,
  dtype: Dtype,
  chunk = 1 << 18,
  buffers = 1,
): { resolved: ResolvedInitializer; chunks: Iterable<Float64Array | Float32Array> } | null {
  const resolved = resolveInitializer(spec, options);
  if (!isStreamed(resolved.params)) return null;
  rng = specRng(resolved) ?? rng;
  const n = resolved.ctx.shape.reduce((a, b) => a * b, 1);
  const round = rounder(dtype);
  const size = Math.min(chunk, n);
  const arrays = Array.from({ length: buffers }, () =>
    dtype === "float32" ? new Float32Array(size) : new Float64Array(size),
  );
  function* chunks(): Generator<Float64Array | Float32Array> {
    for (let start = 0, k = 0; start < n; start += size, k = (k + 1) % buffers) {
      const values = arrays[k].subarray(0, Math.min(size, n - start));
      sampleStreamed(resolved.params, rng, values);
      if (dtype === "float16" || dtype === "bfloat16")
        for (let i = 0; i < values.length; i++) values[i] = round(values[i]);
      yield values;
    }
  }
  return { resolved, chunks: chunks() };
}

/** Sample statistics of a set of values, in float64. */
export interface SampleStats {
  mean: number;
  std: number;
  variance: number;
  min: number;
  max: number;
}

/** Mean, population variance/std, min and max, accumulated in float64 (two-pass). */
export function sampleStats(values: ArrayLike<number>): SampleStats {
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) * (values[i] - mean);
  const variance = ss / n;
  return { mean, std: Math.sqrt(variance), variance, min, max };
}

/**
 * max |QᵀQ − I| (or |QQᵀ − I| for wide matrices: the smaller Gram matrix) of the values viewed as
 * rows × cols and divided by `gain`: how far an orthogonal initializer's output is from orthogonal.
 */
export function orthogonalityError(values: ArrayLike<number>, rows: number, cols: number, gain = 1): number {
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  const len = tall ? rows : cols;
  const at = (a: number, t: number) => (tall ? values[t * cols + a] : values[a * cols + t]) / gain;
  const vecs: Float64Array[] = [];
  for (let a = 0; a < k; a++) {
    const v = new Float64Array(len);
    for (let t = 0; t < len; t++) v[t] = at(a, t);
    vecs.push(v);
  }
  let err = 0;
  for (let a = 0; a < k; a++) {
    const va = vecs[a];
    for (let b = a; b < k; b++) {
      const vb = vecs[b];
      let s = 0;
      for (let t = 0; t < len; t++) s += va[t] * vb[t];
      err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return err;
}

/** The [rows, cols] view of a resolved orthogonal or delta-orthogonal initializer's matrix, or null. */
export function orthogonalMatrixView(
  resolved: ResolvedInitializer,
): { rows: number; cols: number; gain: number; extract: (values: Float64Array) => Float64Array } | null {
  const d = resolved.params;
  if (d.kind === "orthogonal") {
    const [rows, cols] = orthogonalView(resolved.ctx.shape, d.flatten);
    return { rows, cols, gain: d.gain, extract: (v) => v };
  }
  if (d.kind === "delta_orthogonal") {
    const probe = centreTap(resolved.ctx, new Float64Array(resolved.ctx.shape.reduce((a, b) => a * b, 1)));
    return { rows: probe.rows, cols: probe.cols, gain: d.gain, extract: (v) => centreTap(resolved.ctx, v).matrix };
  }
  return null;
}
