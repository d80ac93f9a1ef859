import type {
  LayerResult,
  PropagateOptions,
  PropagateResult,
  PropagationEvents,
  TensorStats,
} from "../../core/internal.js";
import { checkNetwork, drawInput, firstEvents, parseActivation } from "../../core/internal.js";
import type { StreamedKernel } from "../sampling/kernelStream.js";
import { kernelStream } from "../sampling/kernelStream.js";
import type { OnnxActivation } from "./denseLayerGraphs.js";
import { ONNX_ACTIVATIONS } from "./denseLayerGraphs.js";
import type { OnnxDenseLayers } from "./onnxDenseLayers.js";
import { compileDenseLayers } from "./onnxDenseLayers.js";

/** Draws in flight ahead of the layer computing. */
const AHEAD = 4;
/** The last forward kernels held for the backward pass instead of drawn again. */
const KEEP = 4;

/** Why a run cannot use the onnx backend, or null when it can. */
export function onnxUnsupported(options: PropagateOptions): string | null {
  const n = options.network;
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" || (options.accumulate ?? "float32") !== "float32") return "onnx computes float32 only";
  if (n.norm || n.residual || n.conv) return "onnx runs plain dense networks (no norm, residual or conv)";
  if (n.biasInit !== null) return "onnx runs networks without bias";
  if (n.framework === "torch") return "onnx takes keras-layout kernels, not a torch preset's";
  if (n.parameterization === "mup") return "onnx runs the standard parameterisation only";
  if (!(ONNX_ACTIVATIONS as readonly string[]).includes(parseActivation(n.activation).name))
    return `onnx supports the activations ${ONNX_ACTIVATIONS.join(", ")}`;
  if ((options.loss ?? "sum-squares") !== "sum-squares") return "onnx computes the sum-squares loss only";
  return null;
}

function basicStats(count: number, mean: number, sumSq: number, min: number, max: number): TensorStats {
  const variance = sumSq / count - mean * mean;
  return {
    count,
    mean,
    std: Number.isFinite(sumSq) ? Math.sqrt(Math.max(0, variance)) : sumSq,
    rms: Math.sqrt(sumSq / count),
    min,
    max,
    quantiles: [],
    zeroFraction: min === 0 && max === 0 ? 1 : Number.NaN,
    nonFiniteFraction: Number.isFinite(min) && Number.isFinite(max) ? 0 : Number.NaN,
    saturatedFraction: null,
    histogram: null,
  };
}

/** Per-layer statistics from the layer graphs: S of each forward call, and of each backward call (null without backward). */
interface LayerStats {
  forward: Float32Array[];
  backward: Float32Array[] | null;
  weightSumSq: Float64Array;
}

/** The graphs' statistics as the engine's per-layer results, with the events where they happen first. */
function layerResults(
  s: LayerStats,
  widths: readonly number[],
  batch: number,
): { layers: LayerResult[]; events: PropagationEvents } {
  const L = widths.length - 1;
  const layers: LayerResult[] = [];
  const events: PropagationEvents = { stdNonFinite: null, valueNonFinite: null, stdZero: null, allZero: null };
  for (let l = 0; l < L; l++) {
    const count = batch * widths[l + 1];
    const [preSumSq, postMean, postSumSq, postMin, postMax] = s.forward[l];
    const post = basicStats(count, postMean, postSumSq, postMin, postMax);
    const pre: TensorStats = { ...basicStats(count, Number.NaN, preSumSq, Number.NaN, Number.NaN), std: Number.NaN };
    const b = s.backward?.[l];
    const grad = b
      ? {
          activationNorm: Math.sqrt(b[0]),
          activationMean: Number.NaN,
          activationStd: Number.NaN,
          weightNorm: Math.sqrt(b[1]),
          weightMean: Number.NaN,
          weightStd: Number.NaN,
          weightRatio: Math.sqrt(b[1]) / Math.sqrt(s.weightSumSq[l]),
          activation: null,
        }
      : null;
    layers.push({ index: l, width: widths[l + 1], pre, post, block: null, grad });
    firstEvents(events, l, post);
  }
  return { layers, events };
}

/**
 * The draw order for a network of L layers: 0 … L−1 for the forward pass, then for the backward
 * pass L−1−keep … 0 again (the last `keep` forward kernels are held, not drawn again).
 */
export function drawOrder(L: number, backward: boolean, keep: number): number[] {
  const order = Array.from({ length: L }, (_, l) => l);
  if (backward) for (let l = L - 1 - Math.min(keep, L); l >= 0; l--) order.push(l);
  return order;
}

/** Runs the layers: forward through every layer, then (with `backward`) back from ½‖A_L‖², drawing kernels as it goes. */
async function runLayers(
  layers: OnnxDenseLayers,
  stream: ReturnType<typeof kernelStream>,
  x: Float32Array,
  widths: readonly number[],
  batch: number,
  backward: boolean,
  timings: { waitMs: number },
): Promise<LayerStats> {
  const L = widths.length - 1;
  const keep = backward ? Math.min(KEEP, L) : 0;
  const held: (StreamedKernel | null)[] = new Array(L).fill(null);
  const take = async () => {
    const t = performance.now();
    const k = await stream.next();
    timings.waitMs += performance.now() - t;
    return k;
  };
  const acts = [x];
  const stats: LayerStats = { forward: [], backward: backward ? new Array(L) : null, weightSumSq: new Float64Array(L) };
  for (let l = 0; l < L; l++) {
    const k = await take();
    stats.weightSumSq[l] = k.sumSquares;
    const { y, s } = await layers.forward(acts[l], k.values, batch, widths[l], widths[l + 1]);
    acts.push(y);
    stats.forward.push(s);
    if (l >= L - keep) held[l] = k;
    else stream.recycle(k);
  }
  if (!backward) return stats;
  let g = acts[L]; // ∂(½‖A_L‖²)/∂A_L = A_L
  for (let l = L - 1; l >= 0; l--) {
    const k = held[l] ?? (await take());
    const { gx, s } = await layers.backward(g, acts[l + 1], acts[l], k.values, batch, widths[l], widths[l + 1]);
    stats.backward![l] = s;
    g = gx;
    held[l] = null;
    stream.recycle(k);
  }
  return stats;
}

/**
 * {@link propagate} on onnxruntime: the same weights (each layer drawn from its own stream on a
 * worker pool, bit-identical to the reference engine's) and input, float32, with per-layer
 * statistics computed inside the graphs: mean, std (from Σx² and the mean), rms, min, max of the
 * post-activations, the pre-activations' rms, and gradient norms. Quantiles, histograms and
 * zero/saturated fractions are not computed (use the reference backend for them).
 *
 * The network runs layer by layer (one small graph for the forward pass, one for the backward),
 * while the pool draws the next kernels into a few reused buffers; the backward pass draws each
 * kernel again instead of holding all of them (see {@link kernelStream}: on this machine drawing a
 * million normals costs less than faulting in the 4 MB that would hold them). Only the activations,
 * which the backward pass needs, are kept.
 * @throws a one-line error when the run is outside what the graphs cover (see {@link onnxUnsupported}).
 */
export async function propagateOnnx(
  options: PropagateOptions,
): Promise<PropagateResult & { timings: Record<string, number> }> {
  const why = onnxUnsupported(options);
  if (why) throw new RangeError(`backend: ${why}; use --backend reference`);
  const net = options.network;
  checkNetwork(net);
  const widths = [net.inputWidth, ...net.widths];
  const L = net.widths.length;
  const batch = options.batch;
  const backward = options.backward ?? false;
  const t0 = performance.now();
  const tasks = widths
    .slice(1)
    .map((w, l) => ({ spec: net.init, shape: [widths[l], w], framework: net.framework, seed: options.seed, layer: l }));
  // the pool starts drawing the first kernels while this thread creates the sessions
  const stream = kernelStream(tasks, drawOrder(L, backward, KEEP), { ahead: AHEAD, sumSquares: (p) => p < L });
  const timings = { compileMs: 0, waitMs: 0, totalMs: 0 };
  let stats: LayerStats;
  try {
    const layers = await compileDenseLayers(parseActivation(net.activation).name as OnnxActivation, backward);
    timings.compileMs = performance.now() - t0;
    try {
      const x = Float32Array.from(drawInput(options.seed, batch, net.inputWidth, options.inputScale ?? 1, "float32"));
      stats = await runLayers(layers, stream, x, widths, batch, backward, timings);
    } finally {
      await layers.release();
    }
  } finally {
    await stream.close();
  }
  timings.totalMs = performance.now() - t0;
  const { layers, events } = layerResults(stats, widths, batch);
  const last = stats.forward[L - 1][2];
  return {
    dtype: "float32",
    accumulate: "float32",
    backend: "onnx",
    batch,
    activation: parseActivation(net.activation).name,
    layers,
    events,
    loss: backward ? 0.5 * last : null,
    timings,
  };
}
