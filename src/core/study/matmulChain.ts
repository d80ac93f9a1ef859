import type { Dtype } from "../numeric/dtype.js";
import { matmul } from "../numeric/matmul.js";
import { meanStd } from "../numeric/meanStd.js";
import { rngStream } from "../random/Rng.js";
import type { ProgressListener } from "./progress.js";
import type { DtypeSampler } from "./weightSamplers.js";

/** One printed row of the seed study: (i, mean, std) after the i-th matmul (0-based). */
export interface LayerMeanStd {
  index: number;
  mean: number;
  std: number;
}

/** When a chain stops being printed: first non-finite std, first std exactly 0, or never. */
export type StopRule = "std-non-finite" | "std-zero" | "none";

/** Why the printed rows end: the stop rule fired, or every layer ran. */
export type StopReason = "std-non-finite" | "std-zero" | "completed";

/** The first layer (0-based) at which each numerical event happened, null if it never did within the layers run. */
export interface ChainEvents {
  /** the std is ±Infinity or NaN */
  stdNonFinite: number | null;
  /** some value is ±Infinity or NaN */
  valueNonFinite: number | null;
  /** the std is exactly 0 */
  stdZero: number | null;
  /** every value is exactly 0 */
  allZero: number | null;
}

export interface ChainResult {
  dtype: Dtype;
  width: number;
  /** rows up to and including the layer that stopped the run */
  layers: LayerMeanStd[];
  stoppedAt: number | null;
  reason: StopReason;
  /** events over all `depth` layers, including those after the stop */
  events: ChainEvents;
  /** layers run to find the events */
  depth: number;
}

export interface MatmulChainOptions {
  seed: number;
  /** stream label: the chain's input uses (label, "input"), layer i's weights (label, "weights", i) */
  stream: string;
  width: number;
  /** layers to run (the notebook's loop bound: 100) */
  depth: number;
  dtype: Dtype;
  input: DtypeSampler;
  weights: DtypeSampler;
  stop: StopRule;
  /** keep running after the stop (without printing rows) to locate later events; default true */
  findLaterEvents?: boolean;
  onProgress?: ProgressListener;
}

/**
 * The seed study's loop: x ~ input [1, n]; for i = 0 … depth−1: W_i ~ weights [n, n];
 * x ← x·W_i (accumulated in the dtype); record (i, mean(x), std(x)) with
 * {@link meanStd}; the printed rows stop at the first layer that meets `stop`.
 * Every layer's weights come from their own stream, so the result is independent of
 * evaluation order.
 */
export function matmulChain(options: MatmulChainOptions): ChainResult {
  const { seed, stream, width: n, depth, dtype, stop } = options;
  const findLater = options.findLaterEvents ?? true;
  let x: Float64Array = new Float64Array(n);
  options.input(rngStream(seed, stream, "input"), x, dtype);
  const w = new Float64Array(n * n);
  let y: Float64Array = new Float64Array(n);
  const layers: LayerMeanStd[] = [];
  const events: ChainEvents = { stdNonFinite: null, valueNonFinite: null, stdZero: null, allZero: null };
  let stoppedAt: number | null = null;
  let ran = 0;
  for (let i = 0; i < depth; i++) {
    options.weights(rngStream(seed, stream, "weights", i), w, dtype);
    matmul(x, w, 1, n, n, dtype, y);
    [x, y] = [y, x];
    ran = i + 1;
    const { mean, std } = meanStd(x, dtype);
    if (events.stdNonFinite === null && !Number.isFinite(std)) events.stdNonFinite = i;
    if (events.stdZero === null && std === 0) events.stdZero = i;
    if (events.valueNonFinite === null && x.some((v) => !Number.isFinite(v))) events.valueNonFinite = i;
    if (events.allZero === null && x.every((v) => v === 0)) events.allZero = i;
    if (stoppedAt === null) {
      layers.push({ index: i, mean, std });
      if ((stop === "std-non-finite" && !Number.isFinite(std)) || (stop === "std-zero" && std === 0)) stoppedAt = i;
    }
    options.onProgress?.({ step: stream, done: i + 1, total: depth });
    const nothingLeft =
      (events.valueNonFinite !== null && events.stdNonFinite !== null) ||
      (events.allZero !== null && events.stdZero !== null);
    if (stoppedAt !== null && (!findLater || nothingLeft)) break;
  }
  return {
    dtype,
    width: n,
    layers,
    stoppedAt,
    reason: stoppedAt === null ? "completed" : (stop as StopReason),
    events,
    depth: ran,
  };
}
