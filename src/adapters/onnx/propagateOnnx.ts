import type {
  LayerResult,
  PropagateOptions,
  PropagateResult,
  PropagationEvents,
  TensorStats,
} from "../../core/internal.js";
import { checkNetwork, drawInput, firstEvents, parseActivation } from "../../core/internal.js";
import { drawKernelsInParallel } from "../sampling/parallelKernels.js";
import type { OnnxActivation } from "./mlpGraph.js";
import { ONNX_ACTIVATIONS } from "./mlpGraph.js";
import type { MlpStats } from "./onnxMlp.js";
import { compileOnnxMlp } from "./onnxMlp.js";

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

/** Σ v², in float64, in index order (a plain loop: ten times faster than reduce on a million values). */
function sumOfSquares(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

/** The graph's in-graph statistics as the engine's per-layer results, with the events where they happen first. */
function layerResults(
  s: MlpStats,
  widths: readonly number[],
  batch: number,
  weightSumSq: Float64Array,
): { layers: LayerResult[]; events: PropagationEvents } {
  const L = widths.length - 1;
  const layers: LayerResult[] = [];
  const events: PropagationEvents = { stdNonFinite: null, valueNonFinite: null, stdZero: null, allZero: null };
  for (let l = 0; l < L; l++) {
    const count = batch * widths[l + 1];
    const post = basicStats(count, s.postMean![l], s.postSumSq![l], s.postMin![l], s.postMax![l]);
    const preSq = s.preSumSq![l];
    const pre: TensorStats = { ...basicStats(count, Number.NaN, preSq, Number.NaN, Number.NaN), std: Number.NaN };
    const grad =
      s.gradWSumSq && s.gradASumSq
        ? {
            activationNorm: Math.sqrt(s.gradASumSq[l]),
            activationMean: Number.NaN,
            activationStd: Number.NaN,
            weightNorm: Math.sqrt(s.gradWSumSq[l]),
            weightMean: Number.NaN,
            weightStd: Number.NaN,
            weightRatio: Math.sqrt(s.gradWSumSq[l]) / Math.sqrt(weightSumSq[l]),
            activation: null,
          }
        : null;
    layers.push({ index: l, width: widths[l + 1], pre, post, block: null, grad });
    firstEvents(events, l, post);
  }
  return { layers, events };
}

/**
 * {@link propagate} on onnxruntime: the same weights (each layer drawn from its own stream on a
 * worker pool, bit-identical to the reference engine's) and input, float32, with per-layer
 * statistics computed inside the graph: mean, std (from Σx² and the mean), rms, min, max of the
 * post-activations, the pre-activations' rms, and gradient norms. Quantiles, histograms and
 * zero/saturated fractions are not computed (use the reference backend for them).
 * @throws a one-line error when the run is outside what the graph covers (see {@link onnxUnsupported}).
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
  const t0 = performance.now();
  const shapes = net.widths.map((w, l) => (net.framework === "torch" ? [w, widths[l]] : [widths[l], w]));
  if (net.framework === "torch")
    throw new RangeError("backend: onnx takes keras-layout kernels; use --backend reference with --framework torch");
  // the pool gets every layer's task first, then this thread creates the session (its native part
  // blocks for a few hundred ms) and sums each kernel's squares as it arrives
  const weightSumSq = new Float64Array(L);
  const drawing = drawKernelsInParallel(
    shapes.map((shape, layer) => ({ spec: net.init, shape, framework: net.framework, seed: options.seed, layer })),
    undefined,
    (l, values) => (weightSumSq[l] = sumOfSquares(values)),
  );
  const compiling = compileOnnxMlp(
    widths,
    parseActivation(net.activation).name as OnnxActivation,
    options.backward ?? false,
  );
  let kernels: Float32Array[];
  try {
    kernels = await drawing;
  } catch (e) {
    await compiling.then((m) => m.release()).catch(() => {});
    throw e;
  }
  const x = Float32Array.from(drawInput(options.seed, batch, net.inputWidth, options.inputScale ?? 1, "float32"));
  const t1 = performance.now();
  const mlp = await compiling;
  const t2 = performance.now();
  let s;
  try {
    s = await mlp.run(x, batch, kernels);
  } finally {
    await mlp.release();
  }
  const t3 = performance.now();
  const { layers, events } = layerResults(s, widths, batch, weightSumSq);
  const last = s.postSumSq![L - 1];
  return {
    dtype: "float32",
    accumulate: "float32",
    backend: "onnx",
    batch,
    activation: parseActivation(net.activation).name,
    layers,
    events,
    loss: options.backward ? 0.5 * last : null,
    timings: { sampleMs: t1 - t0, compileWaitMs: t2 - t1, runMs: t3 - t2, totalMs: t3 - t0 },
  };
}
