import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import type { OnnxActivation } from "./mlpGraph.js";
import { MLP_STATS, mlpGraph } from "./mlpGraph.js";

export type MlpStats = Record<(typeof MLP_STATS)[number], Float32Array | null>;

/** A compiled dense-network graph (see {@link mlpGraph}) on onnxruntime's CPU provider. */
export interface OnnxMlp {
  run(x: Float32Array, batch: number, weights: readonly Float32Array[]): Promise<MlpStats>;
  release(): Promise<void>;
}

/**
 * Compiles a dense network's forward (and backward) pass into one onnxruntime session (CPU,
 * float32: ORT's MLAS kernels accumulate in float32, in their own blocked order and with FMA — so
 * results agree with initlab's reference backend to float32 tolerance, not bit for bit). Weights
 * and input are passed without copying; only per-layer statistics come back. Creating the session
 * can overlap with drawing the weights.
 */
export async function compileOnnxMlp(
  widths: readonly number[],
  activation: OnnxActivation,
  backward: boolean,
): Promise<OnnxMlp> {
  const session = await ort.InferenceSession.create(mlpGraph(widths, activation, backward), {
    logSeverityLevel: 3,
    enableCpuMemArena: false,
    graphOptimizationLevel: "all",
    intraOpNumThreads: availableParallelism(),
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  return {
    async run(x, batch, weights) {
      const feeds: Record<string, ort.Tensor> = {
        X: new ort.Tensor("float32", x, [batch, widths[0]]),
        ONE: new ort.Tensor("float32", new Float32Array([1]), [1]),
      };
      weights.forEach((w, l) => (feeds[`W${l}`] = new ort.Tensor("float32", w, [widths[l], widths[l + 1]])));
      const out = await session.run(feeds);
      const stats = {} as MlpStats;
      for (const key of MLP_STATS) stats[key] = out[key] ? (out[key].data as Float32Array) : null;
      return stats;
    },
    release: () => session.release(),
  };
}
