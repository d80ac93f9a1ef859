import { fixupPlan } from "../init/fixup.js";
import { initialize } from "../init/initialize.js";
import type { DrawCache, LocationScale } from "../init/standardDraws.js";
import { drawCacheKey, isLocationScale, standardDraws } from "../init/standardDraws.js";
import { resolveInitializer } from "../init/resolveInitializer.js";
import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import { rngStream } from "../random/Rng.js";
import type { FrameworkSampler } from "../random/frameworks/frameworkSample.js";
import type { Activation } from "./activations.js";
import { parseActivation } from "./activations.js";
import type { NetworkSpec } from "./networkSpec.js";
import { checkNetwork } from "./networkSpec.js";
import type { ConvGeometry } from "./conv2d.js";
import { convGeometry } from "./conv2d.js";

/** One dense layer's parameters, weights in [in, out] (x·W) order, values in the storage dtype. */
export interface DenseLayer {
  nIn: number;
  nOut: number;
  /** the kernel [n_in, n_out] (keras layout), float64, or float32 when built with storage "float32" */
  weights: Float64Array | Float32Array;
  bias: Float64Array | null;
  /** index within its residual block (0-based), or null outside residual nets */
  blockPosition: number | null;
  /** last layer of a residual block: its output is added to the block input */
  blockEnd: boolean;
  /** a Conv2D layer's geometry (weights are then the keras kernel [k, k, in, out] flattened), or null for dense */
  conv: ConvGeometry | null;
}

/** How {@link buildNetwork} stores and reuses; every field optional. */
export interface BuildOptions {
  /**
   * caches each layer's standard draws, so that a normal or uniform init of another scale is an
   * affine pass over them instead of new draws (bit-identical, see initialize)
   */
  draws?: DrawCache;
  /** a network being replaced: its weight arrays are overwritten where their type and length match */
  previous?: BuiltNetwork | null;
  /** "float32" keeps the weights in Float32Arrays (half the memory; dtype float32, bfloat16 or float16 only); default "float64" */
  storage?: "float64" | "float32";
  /**
   * a framework's generator ({@link frameworkSampler}): every layer's weight, then its bias, is drawn
   * from it in order — as constructing the layers after seeding that framework would — instead of
   * initlab's per-layer streams (normal, uniform and constant initializers only)
   */
  sampler?: FrameworkSampler | null;
}

export interface BuiltNetwork {
  spec: NetworkSpec;
  activation: Activation;
  layers: DenseLayer[];
  /** multiplier of each residual branch's output */
  branchScale: number;
}

function transpose(v: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(v.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = v[i * cols + j];
  return t;
}

/** torch conv kernel [out, in, k, k] → keras [k, k, in, out]. */
function torchConvToKeras(v: Float64Array, out: number, inC: number, k: number): Float64Array {
  const t = new Float64Array(v.length);
  for (let o = 0; o < out; o++)
    for (let i = 0; i < inC; i++)
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++) t[((y * k + x) * inC + i) * out + o] = v[((o * inC + i) * k + y) * k + x];
  return t;
}

/** Layer l's kernel shape as drawn: [in, out] (torch [out, in]), conv [k, k, in, out] (torch [out, in, k, k]). */
export function kernelShape(spec: NetworkSpec, l: number): number[] {
  const nIn = l === 0 ? spec.inputWidth : spec.widths[l - 1];
  const nOut = spec.widths[l];
  const torch = spec.framework === "torch";
  const c = spec.conv;
  return c
    ? torch
      ? [nOut, nIn, c.kernel, c.kernel]
      : [c.kernel, c.kernel, nIn, nOut]
    : torch
      ? [nOut, nIn]
      : [nIn, nOut];
}

/** The key of layer l's weight stream (seed, "weights", l) and shape in a {@link DrawCache}. */
function weightStreamKey(seed: number, l: number, shape: readonly number[]): string {
  return `${seed}/weights/${l}/${shape.join("x")}`;
}

/** What layer l's weights are drawn from when its init is a normal or uniform: the family, the count and the cache key. */
function layerDraw(
  spec: NetworkSpec,
  seed: number,
  l: number,
): { kind: LocationScale["kind"]; n: number; key: string } | null {
  const shape = kernelShape(spec, l);
  const d = resolveInitializer(spec.init, { shape, framework: spec.framework }).params;
  if (!isLocationScale(d)) return null;
  const n = shape.reduce((a, b) => a * b, 1);
  return { kind: d.kind, n, key: drawCacheKey(d.kind, weightStreamKey(seed, l, shape), n) };
}

/**
 * The standard draws {@link buildNetwork} caches for layer l — [cache key, draws] — or null when
 * the layer's init is not a normal or uniform: for drawing them ahead of a build, elsewhere (the
 * lab draws half the layers in a second worker; each layer has its own stream, so the result is
 * the same whoever draws it). `recycle`: an array of the layer's size to write them into.
 */
export function layerStandardDraws(
  spec: NetworkSpec,
  seed: number,
  l: number,
  recycle?: Float64Array,
): [string, Float64Array] | null {
  const d = layerDraw(spec, seed, l);
  if (d === null) return null;
  return [
    d.key,
    standardDraws(d.kind, rngStream(seed, "weights", l), d.n, recycle?.length === d.n ? recycle : undefined),
  ];
}

/** The {@link DrawCache} key of layer l's standard draws, or null when its init is not a normal or uniform. */
export function layerDrawKey(spec: NetworkSpec, seed: number, l: number): string | null {
  return layerDraw(spec, seed, l)?.key ?? null;
}

/** v ← round(s·v) in place (nothing when s = 1). */
function scaleInPlace(v: Float64Array, s: number, round: (x: number) => number): void {
  if (s !== 1) for (let i = 0; i < v.length; i++) v[i] = round(v[i] * s);
}

/**
 * Layer l's bias from stream (seed, "bias", l): a 1-D [out] tensor whose fans are those of the layer
 * (torch's default bias uses the weight's fan_in); torch, jax and flax presets draw it with
 * initlab's semantics, keras and tfjs with their own.
 */
/**
 * The bias spec of a layer: `layer_default` (or `default`) under a framework preset is that
 * framework's own layer bias for this kernel — PyTorch's U(±1/√fan_in), zeros for Keras, TF.js and
 * Flax — written as a plain spec; any other spec as given.
 */
export function layerDefaultBias(spec: NetworkSpec, biasInit: string, kernelShape: number[]): string {
  if ((biasInit !== "layer_default" && biasInit !== "default") || spec.framework === null) return biasInit;
  const d = resolveInitializer("layer_default", { shape: kernelShape, framework: spec.framework }).bias?.distribution;
  if (!d) return biasInit;
  if (d.kind === "uniform") return `uniform(low=${d.low},high=${d.high})`;
  if (d.kind === "constant") return `constant(value=${d.value})`;
  return biasInit;
}

function biasFramework(spec: NetworkSpec): NetworkSpec["framework"] {
  const fw = spec.framework;
  return fw === "torch" || fw === "jax" || fw === "flax" ? null : fw;
}

/** A tensor from a framework generator: the spec resolved, drawn in the framework's precision, rounded to `dtype`. */
function sampledValues(
  sampler: FrameworkSampler,
  init: string,
  opts: { shape: number[]; framework: NetworkSpec["framework"] },
  dtype: Dtype,
): Float64Array {
  const resolved = resolveInitializer(init, opts);
  const n = opts.shape.reduce((a, b) => a * b, 1);
  const drawn = sampler.sample(resolved.params, n, dtype === "float64" ? "float64" : "float32");
  const round = rounder(dtype);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = round(drawn[i]);
  return out;
}

function layerBias(
  spec: NetworkSpec,
  biasInit: string,
  l: number,
  nOut: number,
  seed: number,
  dtype: Dtype,
): Float64Array {
  return initialize(biasInit, { shape: [nOut], framework: biasFramework(spec) }, rngStream(seed, "bias", l), dtype)
    .values;
}

/** The weights in float32 storage: written into the previous network's array when it has the same length. */
function float32Weights(values: Float64Array, previous: Float64Array | Float32Array | undefined): Float32Array {
  const weights =
    previous instanceof Float32Array && previous.length === values.length ? previous : new Float32Array(values.length);
  weights.set(values);
  return weights;
}

/**
 * Draws every layer's weights and biases, each layer from its own streams
 * (seed, "weights", l) and (seed, "bias", l), rounded to `dtype`. Under a torch preset the kernel is
 * drawn in torch's [out, in] layout and transposed. Fixup (Zhang, Dauphin & Ma (2019)) zeroes the
 * last layer of every branch and scales the others by L^(−1/(2m−2)). μP (parameterization "mup")
 * scales the output layer by 1/√fan_in.
 * @param options for rebuilding often (the lab), see {@link BuildOptions}; none by default.
 */
export function buildNetwork(spec: NetworkSpec, seed: number, dtype: Dtype, options: BuildOptions = {}): BuiltNetwork {
  checkNetwork(spec);
  const storage = options.storage ?? "float64";
  if (storage === "float32" && dtype === "float64")
    throw new RangeError(
      "storage: float32 weights need a dtype of float32, bfloat16 or float16 (values exact in float32), got float64",
    );
  const draws = options.draws ?? null;
  // f64 scratch per kernel length, for values that are then stored elsewhere (float32, or the previous arrays)
  const scratch = new Map<number, Float64Array>();
  const activation = parseActivation(spec.activation);
  const m = spec.residual?.branchDepth ?? null;
  const fixup = spec.residual?.branchScale === "fixup" ? fixupPlan(spec.widths.length / (m ?? 1), m ?? 1) : null;
  const layers: DenseLayer[] = [];
  const round = rounder(dtype);
  let nIn = spec.inputWidth;
  let [h, w] = spec.conv ? [spec.conv.height, spec.conv.width] : [1, 1];
  spec.widths.forEach((nOut, l) => {
    const torch = spec.framework === "torch";
    const c = spec.conv;
    const geometry = c ? convGeometry(h, w, c.kernel, c.stride, c.padding) : null;
    const shape = kernelShape(spec, l);
    const previous = options.previous?.layers[l]?.weights;
    const size = shape.reduce((a, b) => a * b, 1);
    let into: Float64Array | undefined;
    if (storage === "float64" && !torch && previous instanceof Float64Array) into = previous;
    else if (storage === "float32") into = scratch.get(size) ?? scratch.set(size, new Float64Array(size)).get(size);
    const drawReuse = draws ? { cache: draws, key: weightStreamKey(seed, l, shape), into } : undefined;
    const sampler = options.sampler ?? null;
    let { values } = sampler
      ? { values: sampledValues(sampler, spec.init, { shape, framework: spec.framework }, dtype) }
      : initialize(spec.init, { shape, framework: spec.framework }, rngStream(seed, "weights", l), dtype, drawReuse);
    if (torch) values = c ? torchConvToKeras(values, nOut, nIn, c.kernel) : transpose(values, nOut, nIn);
    if (geometry) [h, w] = [geometry.hOut, geometry.wOut];
    const blockPosition = m === null ? null : l % m;
    const blockEnd = m !== null && l % m === m - 1;
    if (fixup && blockEnd) values.fill(0);
    else if (fixup) scaleInPlace(values, fixup.hiddenScale, round);
    // μP output layer: Var = 1/fan_in² = muPRule("output").initVariance, from a 1/fan_in init
    if (spec.parameterization === "mup" && l === spec.widths.length - 1)
      scaleInPlace(values, 1 / Math.sqrt(nIn), round);
    const biasInit = spec.biasInit === null ? null : layerDefaultBias(spec, spec.biasInit, shape);
    const bias =
      biasInit === null
        ? null
        : sampler
          ? sampledValues(sampler, biasInit, { shape: [nOut], framework: biasFramework(spec) }, dtype)
          : layerBias(spec, biasInit, l, nOut, seed, dtype);
    const weights = storage === "float32" ? float32Weights(values, previous) : values;
    layers.push({ nIn, nOut, weights, bias, blockPosition, blockEnd, conv: geometry });
    nIn = nOut;
  });
  const scale = spec.residual ? (spec.residual.branchScale === "fixup" ? 1 : spec.residual.branchScale) : 1;
  return { spec, activation, layers, branchScale: scale };
}
