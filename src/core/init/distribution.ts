import { haarOrthonormalColumns } from "../linalg/haarOrthogonal.js";
import type { Rng } from "../random/Rng.js";
import { fillNormal } from "../random/normal.js";
import { fillUniform } from "../random/uniform.js";
import type { KernelContext } from "./kernel.js";
import { kernelAxes } from "./kernel.js";
import { truncatedNormal, truncatedNormalMoments } from "./truncatedNormal.js";

/**
 * What an initializer produces, fully resolved for one kernel (fans, gains and framework rules
 * already applied). Every initializer in the catalog reduces to one of these.
 */
export type InitDistribution =
  | { kind: "constant"; value: number }
  | { kind: "normal"; mean: number; std: number }
  | { kind: "uniform"; low: number; high: number }
  /** N(mean, std²) restricted to [low, high] (absolute bounds), by rejection */
  | { kind: "truncated_normal"; mean: number; std: number; low: number; high: number }
  /** gain × a Haar orthogonal matrix over the kernel flattened to [rows, cols]: "first" = [shape[0], ∏rest] (torch), "last" = [∏shape[:-1], shape[-1]] (keras/jax) */
  | { kind: "orthogonal"; gain: number; flatten: "first" | "last" }
  /** gain on the main diagonal of a 2-D kernel, 0 elsewhere */
  | { kind: "identity"; gain: number }
  /** 1 at the centre tap of channel pairs (g·out/groups + d, d), d < min(in, out)/groups */
  | { kind: "dirac"; groups: number; gain: number }
  /** centre tap = gain × a Haar orthogonal [in, out] matrix (in ≤ out), other taps 0 */
  | { kind: "delta_orthogonal"; gain: number }
  /** N(0, std²), with ⌈sparsity·n⌉ entries of every `axis` slice set to 0 */
  | { kind: "sparse"; sparsity: number; std: number; axis: "incoming" | "columns" };

export type DistributionKind = InitDistribution["kind"];

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** The [rows, cols] view an orthogonal initializer makes orthogonal. */
export function orthogonalView(shape: readonly number[], flatten: "first" | "last"): [number, number] {
  if (shape.length === 1) return [1, shape[0]];
  return flatten === "first"
    ? [shape[0], product(shape.slice(1))]
    : [product(shape.slice(0, -1)), shape[shape.length - 1]];
}

function centreOffsets(ctx: KernelContext): { taps: number[]; centre: number } {
  const s = ctx.shape;
  const spatial = ctx.layout === "torch" ? s.slice(2) : s.slice(0, -2);
  let centre = 0;
  for (const k of spatial) centre = centre * k + Math.floor(k / 2);
  return { taps: spatial, centre };
}

/** Flat index of kernel element (spatial tap t, input channel i within its group, output channel o). */
function kernelIndex(ctx: KernelContext, tap: number, i: number, o: number): number {
  const s = ctx.shape;
  const rf = ctx.layout === "torch" ? product(s.slice(2)) : product(s.slice(0, -2));
  if (ctx.layout === "torch") {
    // [out, in/g, k…]
    return (o * s[1] + i) * rf + tap;
  }
  // [k…, in/g, out]
  return (tap * s[s.length - 2] + i) * s[s.length - 1] + o;
}

/**
 * Mean and variance of the values, over the whole tensor:
 * constant: (c, 0); normal: (μ, σ²); uniform: ((a+b)/2, (b−a)²/12); truncated normal: see
 * {@link truncatedNormalMoments}; orthogonal: mean ≈ 0, E[w²] = gain²/max(rows, cols)
 * (orthonormal rows or columns); identity / dirac / delta-orthogonal: exact moments of their
 * fixed non-zero pattern (delta-orthogonal: E[w²] = gain²/(∏k·out)); sparse: (0, (1 − ⌈s·n⌉/n)·σ²).
 */
export function distributionMoments(d: InitDistribution, ctx: KernelContext): { mean: number; variance: number } {
  const total = product(ctx.shape);
  switch (d.kind) {
    case "constant":
      return { mean: d.value, variance: 0 };
    case "normal":
      return { mean: d.mean, variance: d.std * d.std };
    case "uniform":
      return { mean: (d.low + d.high) / 2, variance: ((d.high - d.low) * (d.high - d.low)) / 12 };
    case "truncated_normal":
      return truncatedNormalMoments(d.mean, d.std, d.low, d.high);
    case "orthogonal": {
      const [r, c] = orthogonalView(ctx.shape, d.flatten);
      return { mean: 0, variance: (d.gain * d.gain) / Math.max(r, c) };
    }
    case "identity":
    case "dirac":
    case "delta_orthogonal": {
      const ones = nonZeroCount(d, ctx);
      const m1 = d.kind === "delta_orthogonal" ? 0 : (d.gain * ones) / total;
      const m2 = (d.gain * d.gain * ones) / total;
      return { mean: m1, variance: m2 - m1 * m1 };
    }
    case "sparse": {
      const n = d.axis === "columns" ? ctx.shape[0] : sparseSliceLength(ctx);
      const zeros = Math.ceil(d.sparsity * n);
      return { mean: 0, variance: (1 - zeros / n) * d.std * d.std };
    }
  }
}

function nonZeroCount(d: InitDistribution, ctx: KernelContext): number {
  if (d.kind === "identity") return Math.min(ctx.shape[0], ctx.shape[1]);
  const a = kernelAxes(ctx);
  if (d.kind === "dirac") return d.groups * Math.min(a.inChannels / a.groups, a.outChannels / d.groups);
  return Math.min(a.inChannels, a.outChannels); // delta-orthogonal: squared entries of the centre tap sum to in·gain² (in ≤ out)
}

function sparseSliceLength(ctx: KernelContext): number {
  return kernelAxes(ctx).inChannels;
}

/**
 * Draws the kernel's values, in the row-major order of `ctx.shape`, from `rng`.
 * Orthogonal and delta-orthogonal use {@link haarOrthonormalColumns} (Householder QR with the
 * sign fix, in distribution).
 */
/** The kinds drawn value after value from the stream: any split into consecutive chunks gives the same values. */
export function isStreamed(d: InitDistribution): boolean {
  return d.kind === "constant" || d.kind === "normal" || d.kind === "uniform" || d.kind === "truncated_normal";
}

/**
 * The next `out.length` values of a streamed distribution ({@link isStreamed}), continuing `rng`:
 * filling consecutive chunks gives exactly the values {@link sampleDistribution} gives at once (a
 * Float32Array rounds each value once, on store).
 * @throws for the other kinds (they are drawn as a whole).
 */
export function sampleStreamed<T extends Float64Array | Float32Array>(d: InitDistribution, rng: Rng, out: T): T {
  switch (d.kind) {
    case "constant":
      return out.fill(d.value) as T;
    case "normal":
      return fillNormal(rng, out, d.mean, d.std) as T;
    case "uniform":
      return fillUniform(rng, out, d.low, d.high) as T;
    case "truncated_normal":
      for (let i = 0; i < out.length; i++) out[i] = truncatedNormal(rng, d.mean, d.std, d.low, d.high);
      return out;
    default:
      throw new RangeError(`distribution: ${d.kind} is drawn as a whole, not value after value`);
  }
}

export function sampleDistribution(d: InitDistribution, rng: Rng, ctx: KernelContext): Float64Array {
  const total = product(ctx.shape);
  const out = new Float64Array(total);
  switch (d.kind) {
    case "constant":
    case "normal":
    case "uniform":
    case "truncated_normal":
      return sampleStreamed(d, rng, out);
    case "orthogonal": {
      const [r, c] = orthogonalView(ctx.shape, d.flatten);
      writeOrthogonal(out, rng, r, c, d.gain, (i, j) => i * c + j);
      return out;
    }
    case "identity": {
      const [r, c] = [ctx.shape[0], ctx.shape[1]];
      for (let i = 0; i < Math.min(r, c); i++) out[i * c + i] = d.gain;
      return out;
    }
    case "dirac": {
      const a = kernelAxes(ctx);
      const inPer = a.inChannels / a.groups; // the stored in-channel axis
      const outPer = a.outChannels / d.groups;
      const { centre } = centreOffsets(ctx);
      for (let g = 0; g < d.groups; g++) {
        for (let k = 0; k < Math.min(inPer, outPer); k++) out[kernelIndex(ctx, centre, k, g * outPer + k)] = d.gain;
      }
      return out;
    }
    case "delta_orthogonal": {
      const a = kernelAxes(ctx);
      const { centre } = centreOffsets(ctx);
      writeOrthogonal(out, rng, a.inChannels, a.outChannels, d.gain, (i, o) => kernelIndex(ctx, centre, i, o));
      return out;
    }
    case "sparse": {
      fillNormal(rng, out, 0, d.std);
      const [rows, cols] = [ctx.shape[0], ctx.shape[1]];
      if (d.axis === "columns") {
        // torch sparse_: in each column of the stored 2-D tensor, zero ⌈s·rows⌉ random rows
        zeroRandom(rng, rows, Math.ceil(d.sparsity * rows), cols, (j, i) => i * cols + j, out);
      } else {
        const a = kernelAxes(ctx);
        const n = a.inChannels;
        const zeros = Math.ceil(d.sparsity * n);
        // every output unit keeps n − zeros incoming weights
        if (ctx.layout === "torch") zeroRandom(rng, n, zeros, rows, (o, i) => o * cols + i, out);
        else zeroRandom(rng, n, zeros, cols, (o, i) => i * cols + o, out);
      }
      return out;
    }
  }
}

/** For each of `slices` slices of length n, sets `zeros` distinct random positions to 0 (partial Fisher–Yates). */
function zeroRandom(
  rng: Rng,
  n: number,
  zeros: number,
  slices: number,
  index: (slice: number, pos: number) => number,
  out: Float64Array,
): void {
  const perm = new Int32Array(n);
  for (let s = 0; s < slices; s++) {
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = 0; i < zeros; i++) {
      const j = i + Math.floor(rng.nextDouble() * (n - i));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      out[index(s, perm[i])] = 0;
    }
  }
}

/** Writes gain × Haar orthogonal [r, c] (orthonormal columns if r ≥ c, rows otherwise) through `index(i, j)`. */
function writeOrthogonal(
  out: Float64Array,
  rng: Rng,
  r: number,
  c: number,
  gain: number,
  index: (i: number, j: number) => number,
): void {
  if (r >= c) {
    const q = haarOrthonormalColumns(rng, r, c); // column-major r×c
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) out[index(i, j)] = gain * q[j * r + i];
  } else {
    const q = haarOrthonormalColumns(rng, c, r); // c×r with orthonormal columns: its transpose has orthonormal rows
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[index(i, j)] = gain * q[i * c + j];
  }
}

/** The centre tap of a conv kernel as an [in, out] matrix (row-major), e.g. to check delta-orthogonal. */
export function centreTap(
  ctx: KernelContext,
  values: ArrayLike<number>,
): { rows: number; cols: number; matrix: Float64Array } {
  const a = kernelAxes(ctx);
  const inPer = a.inChannels / a.groups;
  const { centre } = centreOffsets(ctx);
  const m = new Float64Array(inPer * a.outChannels);
  for (let i = 0; i < inPer; i++)
    for (let o = 0; o < a.outChannels; o++) m[i * a.outChannels + o] = values[kernelIndex(ctx, centre, i, o)];
  return { rows: inPer, cols: a.outChannels, matrix: m };
}
