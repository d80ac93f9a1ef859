import type { Dtype } from "../numeric/dtype.js";
import { defaultAccumulate, rounder } from "../numeric/dtype.js";
import { meanStd } from "../numeric/meanStd.js";
import { rngStream } from "../random/Rng.js";
import { fillNormal } from "../random/normal.js";
import type { ProgressListener } from "../study/progress.js";
import type { Backend } from "./backend.js";
import { referenceBackend } from "./backend.js";
import type { BuiltNetwork } from "./buildNetwork.js";
import type { RngKind } from "../random/frameworks/frameworkSample.js";
import { frameworkSampler } from "../random/frameworks/frameworkSample.js";
import { buildNetwork } from "./buildNetwork.js";
import type { TensorStats } from "./layerStats.js";
import { tensorStats } from "./layerStats.js";
import type { RunOptions } from "./networkSpec.js";
import type { LsuvLayerReport, LsuvOptions } from "../init/lsuv.js";
import { lsuvNetwork } from "./lsuvNetwork.js";
import { arena } from "./arena.js";
import type { DenseForward } from "./denseForward.js";
import { denseForward, layerOutput } from "./denseForward.js";
import type { WeightGradientBuffers } from "./denseBackward.js";
import { activationBackward, linearBackward } from "./denseBackward.js";

/** Brock, De & Smith (2021) signal-propagation statistics of a residual block's output (N(0,1) input). */
export interface BlockSignal {
  /** mean over channels of (mean over the batch of h_c)² */
  averageChannelSquaredMean: number;
  /** mean over channels of the batch variance of h_c */
  averageChannelVariance: number;
  /** the same average channel variance of the residual branch's output (after its scale) */
  residualBranchVariance: number;
}

export interface LayerGradient {
  /** ‖∂L/∂post‖ over the batch */
  activationNorm: number;
  activationMean: number;
  activationStd: number;
  weightNorm: number;
  weightMean: number;
  weightStd: number;
  /** ‖∂L/∂W‖_F / ‖W‖_F (NaN when W = 0) */
  weightRatio: number;
  /** full statistics (quantiles, histograms) of ∂L/∂post, when stats = "full" */
  activation: TensorStats | null;
}

export interface LayerResult {
  index: number;
  /** output features (channels for conv layers) */
  width: number;
  /** conv layers: output height and width */
  spatial?: [number, number];
  /** x·W + b, before any norm */
  pre: TensorStats;
  /** φ(pre) (after the norm, if any) */
  post: TensorStats;
  /** the residual block's output h + scale·branch, at a block's last layer */
  block: (TensorStats & BlockSignal) | null;
  grad: LayerGradient | null;
}

/** First layer at which each event happened in the signal passed on (post, or the block output), null if never. */
export interface PropagationEvents {
  stdNonFinite: number | null;
  valueNonFinite: number | null;
  stdZero: number | null;
  allZero: number | null;
}

export interface PropagateOptions extends RunOptions {
  /** compute the backward pass of loss 0.5‖out‖² (or MSE to a N(0,1) target) */
  backward?: boolean;
  loss?: "sum-squares" | "mse";
  backend?: Backend;
  onProgress?: ProgressListener;
  /** keep each layer's ∂L/∂W (in [in, out] order) in the result, e.g. for gradient checks */
  keepGradients?: boolean;
  /** "basic" skips quantiles and histograms (faster, e.g. for the lab's live view); default "full" */
  stats?: "full" | "basic";
  /** run LSUV on the input batch before measuring (Mishkin & Matas 2016) */
  lsuv?: LsuvOptions | null;
  /**
   * whose random numbers draw the weights: "initlab" (default: a stream per layer) or a framework's
   * generator seeded with `seed`, drawing every weight then bias in layer order (see {@link frameworkSampler})
   */
  rng?: RngKind;
}

export interface PropagateResult {
  dtype: Dtype;
  accumulate: Dtype;
  backend: string;
  batch: number;
  activation: string;
  layers: LayerResult[];
  events: PropagationEvents;
  loss: number | null;
  /** ∂L/∂W per layer, when keepGradients */
  weightGradients?: Float64Array[];
  /** what LSUV did per layer, when it ran */
  lsuv?: LsuvLayerReport[];
}

function channelStats(h: ArrayLike<number>, batch: number, n: number): { sqMean: number; variance: number } {
  let sq = 0;
  let v = 0;
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let b = 0; b < batch; b++) s += h[b * n + c];
    const m = s / batch;
    let ss = 0;
    for (let b = 0; b < batch; b++) ss += (h[b * n + c] - m) ** 2;
    sq += m * m;
    v += ss / batch;
  }
  return { sqMean: sq / n, variance: v / n };
}

function norm2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** The largest per-run arena (float64 values, 32 MiB); bigger runs allocate per layer. */
const ARENA_MAX = 2 ** 22;

/** Draws the input batch x ~ N(0, inputScale²) [B, n] from stream (seed, "input"), rounded to dtype. */
export function drawInput(
  seed: number,
  batch: number,
  n: number,
  scale: number,
  dtype: Dtype,
  label = "input",
): Float64Array {
  const round = rounder(dtype);
  const x = fillNormal(rngStream(seed, label), new Float64Array(batch * n), 0, scale) as Float64Array;
  for (let i = 0; i < x.length; i++) x[i] = round(x[i]);
  return x;
}

/**
 * Pushes a batch through a freshly initialized network and, optionally, the gradient of the loss
 * back, recording per-layer statistics. Semantics: values are stored in `dtype` (round to nearest
 * even); each matmul accumulates in `accumulate` and its result is rounded to `dtype`; the bias
 * add, norm and activation are computed in float64 from stored values and rounded to `dtype`;
 * means and stds are computed in `accumulate`. Per layer l:
 *   pre_l = a_{l−1}·W_l + b_l,   post_l = φ(norm(pre_l)),
 * and at the end of a residual block h ← h + scale·post_l. Backward: ∂L/∂out = out
 * (L = ½‖out‖², summed over the batch) or 2(out − y)/(B·n) (MSE to y ~ N(0,1) from stream
 * "target"); ∂L/∂pre = ∂L/∂post ⊙ φ'(·) (through the norm's backward); ∂L/∂W = a_{l−1}ᵀ·∂L/∂pre;
 * ∂L/∂a_{l−1} = ∂L/∂pre·W_lᵀ; a residual block input receives the skip and the branch gradients.
 * Non-finite values propagate and are reported (events), never thrown.
 */
export async function propagate(options: PropagateOptions): Promise<PropagateResult> {
  const dtype = options.dtype ?? "float32";
  const rng = options.rng ?? "initlab";
  const net = buildNetwork(options.network, options.seed, dtype, {
    sampler: rng === "initlab" ? null : frameworkSampler(rng, options.seed),
  });
  if (!options.lsuv) return runNetwork(net, options);
  const spec = net.spec;
  const pixels = spec.conv ? spec.conv.height * spec.conv.width : 1;
  const x = drawInput(options.seed, options.batch, pixels * spec.inputWidth, options.inputScale ?? 1, dtype);
  const reports = await lsuvNetwork(net, x, options.batch, dtype, options.lsuv);
  return { ...(await runNetwork(net, options)), lsuv: reports };
}

/** What the forward pass keeps for the backward pass: each layer's input, pre-activation and norm state. */
interface ForwardTape {
  inputs: Float64Array[];
  layers: Pick<DenseForward, "pre" | "z" | "invStd">[];
}

/** Everything one run shares: dtype, accumulation, backend, statistics level and the progress total. */
interface RunContext {
  dtype: Dtype;
  acc: Dtype;
  backend: Backend;
  batch: number;
  level: "full" | "basic";
  total: number;
}

/** Validates the backend and batch of a run and fixes its context. @throws one-line errors. */
function runContext(net: BuiltNetwork, options: PropagateOptions): RunContext {
  const dtype = options.dtype ?? "float32";
  const acc = options.accumulate ?? defaultAccumulate(dtype);
  const backend = options.backend ?? referenceBackend;
  if (!backend.accumulates.includes(acc)) {
    throw new RangeError(
      `backend: ${backend.name} accumulates only in ${backend.accumulates.join(", ")}; use the reference backend for ${acc}`,
    );
  }
  const batch = options.batch;
  if (!Number.isSafeInteger(batch) || batch < 1)
    throw new RangeError(`batch: must be a positive integer, got ${batch}`);
  const L = net.layers.length;
  return { dtype, acc, backend, batch, level: options.stats ?? "full", total: options.backward ? 2 * L : L };
}

/** Brock, De & Smith's statistics of a residual block's output and branch (rows × channels). */
function blockSignal(
  out: Float64Array,
  branch: Float64Array,
  nOut: number,
  ctx: RunContext,
): NonNullable<LayerResult["block"]> {
  const rowsOut = out.length / nOut;
  const cs = channelStats(out, rowsOut, nOut);
  return {
    ...tensorStats(out, ctx.acc, ctx.dtype, undefined, ctx.level),
    averageChannelSquaredMean: cs.sqMean,
    averageChannelVariance: cs.variance,
    residualBranchVariance: channelStats(branch, rowsOut, nOut).variance,
  };
}

/**
 * Records layer l's events where they happen first: a non-finite std or value, a std of exactly 0,
 * all values 0. Shared by the reference and onnx backends (the onnx backend's statistics give a
 * non-finite fraction of NaN for "some": anything but 0 counts).
 */
export function firstEvents(
  events: PropagationEvents,
  l: number,
  signal: Pick<TensorStats, "std" | "nonFiniteFraction" | "zeroFraction">,
): void {
  if (events.stdNonFinite === null && !Number.isFinite(signal.std)) events.stdNonFinite = l;
  if (events.valueNonFinite === null && signal.nonFiniteFraction !== 0) events.valueNonFinite = l;
  if (events.stdZero === null && signal.std === 0) events.stdZero = l;
  if (events.allZero === null && signal.zeroFraction === 1) events.allZero = l;
}

/** The forward pass: every layer's output and statistics, the events, and the tape for the backward pass. */
async function forwardPass(
  net: BuiltNetwork,
  options: PropagateOptions,
  ctx: RunContext,
): Promise<{ out: Float64Array; results: LayerResult[]; events: PropagationEvents; tape: ForwardTape }> {
  const { dtype, acc, backend, batch, level } = ctx;
  const spec = net.spec;
  const pixels = spec.conv ? spec.conv.height * spec.conv.width : 1;
  const x0 = drawInput(options.seed, batch, pixels * spec.inputWidth, options.inputScale ?? 1, dtype);
  // pre, post (and φ' for full statistics) of every layer from one allocation, up to 2²² values
  const perValue = level === "full" ? 3 : 2;
  const values = net.layers.reduce(
    (s, layer) => s + batch * (layer.conv ? layer.conv.hOut * layer.conv.wOut : 1) * layer.nOut * perValue,
    0,
  );
  const arrays = arena(Math.min(values, ARENA_MAX));
  const tape: ForwardTape = { inputs: [], layers: [] };
  const results: LayerResult[] = [];
  const events: PropagationEvents = { stdNonFinite: null, valueNonFinite: null, stdZero: null, allZero: null };
  let a = x0;
  let blockInput = x0;
  for (let l = 0; l < net.layers.length; l++) {
    const layer = net.layers[l];
    if (layer.blockPosition === 0) blockInput = a;
    tape.inputs.push(a);
    const { pre, z, invStd, post, deriv } = await denseForward(
      net,
      l,
      a,
      batch,
      dtype,
      acc,
      backend,
      level === "full",
      arrays,
    );
    tape.layers.push({ pre, z, invStd });
    const { out, branch } = layerOutput(net, l, post, blockInput, dtype);
    const block = branch ? blockSignal(out, branch, layer.nOut, ctx) : null;
    const postStats = tensorStats(post, acc, dtype, deriv ?? undefined, level);
    results.push({
      index: l,
      width: layer.nOut,
      ...(layer.conv ? { spatial: [layer.conv.hOut, layer.conv.wOut] as [number, number] } : {}),
      pre: tensorStats(pre, acc, dtype, undefined, level),
      post: postStats,
      block,
      grad: null,
    });
    firstEvents(events, l, block ?? postStats);
    a = out;
    options.onProgress?.({ step: "forward", done: l + 1, total: ctx.total });
  }
  return { out: a, results, events, tape };
}

/**
 * The loss at the output and its gradient: L = ½‖out‖² (gradient out), or with `mse` the mean of
 * (out − y)² against a random target y (gradient 2(out − y)/n), rounded to the run's dtype.
 */
function lossGradient(
  out: Float64Array,
  options: PropagateOptions,
  ctx: RunContext,
): { loss: number; g: Float64Array } {
  const round = rounder(ctx.dtype);
  const g = new Float64Array(out.length);
  if ((options.loss ?? "sum-squares") === "mse") {
    const y = drawInput(options.seed, ctx.batch, out.length / ctx.batch, 1, ctx.dtype, "target");
    const d = new Float64Array(out.length);
    for (let i = 0; i < out.length; i++) {
      d[i] = round(out[i] - y[i]);
      g[i] = round((2 * d[i]) / out.length);
    }
    const sq = d.map((v) => round(v * v));
    return { loss: round(meanStd(sq, ctx.acc).mean), g };
  }
  for (let i = 0; i < out.length; i++) g[i] = out[i];
  return { loss: round(0.5 * out.reduce((s, v) => s + v * v, 0)), g };
}

/** A layer's gradient statistics: ∂L/∂post (norm, mean, std, full statistics at level "full") and ∂L/∂W against W. */
function layerGradient(
  gPost: Float64Array,
  gW: Float64Array,
  weights: ArrayLike<number>,
  ctx: RunContext,
): LayerGradient {
  const ms = meanStd(gPost, ctx.acc);
  const ws = meanStd(gW, ctx.acc);
  const wNorm = norm2(weights);
  const gwNorm = norm2(gW);
  return {
    activationNorm: norm2(gPost),
    activationMean: ms.mean,
    activationStd: ms.std,
    weightNorm: gwNorm,
    weightMean: ws.mean,
    weightStd: ws.std,
    weightRatio: wNorm === 0 ? Number.NaN : gwNorm / wNorm,
    activation: ctx.level === "full" ? tensorStats(gPost, ctx.acc, ctx.dtype) : null,
  };
}

/** The backward pass from ∂L/∂out: each layer's gradient statistics written into `results`; the weight gradients if kept. */
async function backwardPass(
  net: BuiltNetwork,
  tape: ForwardTape,
  gOut: Float64Array,
  results: LayerResult[],
  options: PropagateOptions,
  ctx: RunContext,
): Promise<Float64Array[] | undefined> {
  const { dtype, acc, backend, batch } = ctx;
  const round = rounder(dtype);
  const L = net.layers.length;
  let g = gOut;
  let skip: Float64Array | null = null;
  const kept: Float64Array[] = [];
  // ∂L/∂W of every layer goes through one buffer (only its statistics are kept, or a copy)
  const largest = net.layers.reduce((m, layer) => Math.max(m, layer.weights.length), 0);
  // and its rounded copy, always a Float64Array: the statistics see one array type (no JIT deopts)
  const buffers: WeightGradientBuffers = {
    product: acc === "float32" ? new Float32Array(largest) : new Float64Array(largest),
    rounded: new Float64Array(largest),
  };
  for (let l = L - 1; l >= 0; l--) {
    const layer = net.layers[l];
    let gPost = g;
    if (layer.blockEnd) {
      skip = g;
      gPost = g.map((v) => round(net.branchScale * v));
    }
    const gPre = activationBackward(net, l, tape.layers[l], gPost, batch, dtype);
    const { gW, gA } = await linearBackward(net, l, tape.inputs[l], gPre, batch, dtype, acc, backend, true, buffers);
    if (options.keepGradients) kept[l] = Float64Array.from(gW);
    results[l].grad = layerGradient(gPost, gW, layer.weights, ctx);
    g = gA as Float64Array;
    if (layer.blockPosition === 0 && skip) {
      for (let i = 0; i < g.length; i++) g[i] = round(g[i] + skip[i]);
      skip = null;
    }
    options.onProgress?.({ step: "backward", done: 2 * L - l, total: ctx.total });
  }
  return options.keepGradients ? kept : undefined;
}

/** {@link propagate} on an already built network (its weights as given, e.g. perturbed for a gradient check): {@link forwardPass}, then with `backward` {@link lossGradient} and {@link backwardPass}. */
export async function runNetwork(net: BuiltNetwork, options: PropagateOptions): Promise<PropagateResult> {
  const ctx = runContext(net, options);
  const { out, results, events, tape } = await forwardPass(net, options, ctx);
  let loss: number | null = null;
  let weightGradients: Float64Array[] | undefined;
  if (options.backward) {
    const lg = lossGradient(out, options, ctx);
    loss = lg.loss;
    weightGradients = await backwardPass(net, tape, lg.g, results, options, ctx);
  }
  return {
    dtype: ctx.dtype,
    accumulate: ctx.acc,
    backend: ctx.backend.name,
    batch: ctx.batch,
    activation: net.activation.name,
    layers: results,
    events,
    loss,
    ...(weightGradients ? { weightGradients } : {}),
  };
}

export type { BuiltNetwork };
