import * as ort from "onnxruntime-node";
import type { PropagationResult } from "../../audit/propagationPlan.js";
import type { AuditModel } from "../../model/modelTypes.js";
import type { OnnxPropagationOptions, OrtApi } from "./graphPropagation.js";
import { propagateOnnxGraph } from "./graphPropagation.js";

export type { OnnxPropagationOptions } from "./graphPropagation.js";
export { randomFeeds, withOutputs } from "./graphPropagation.js";

/** Creates an onnxruntime-node session (CPU, graph optimizations off so every node's value is the graph's own). */
export async function onnxSession(
  bytes: Uint8Array,
  externalData?: ReadonlyMap<string, Uint8Array>,
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    logSeverityLevel: 3,
    graphOptimizationLevel: "disabled",
    enableCpuMemArena: false,
    extra: { session: { intra_op: { allow_spinning: "0" } } },
    ...(externalData && externalData.size > 0
      ? { externalData: [...externalData].map(([path, data]) => ({ path, data })) }
      : {}),
  });
}

/** onnxruntime-node as {@link propagateOnnxGraph} uses it. */
export const ORT_NODE: OrtApi = {
  Tensor: ort.Tensor,
  session: onnxSession,
  engine: "onnxruntime-node (CPU, float32, graph optimizations off)",
};

/** {@link propagateOnnxGraph} on onnxruntime-node. */
export function propagateOnnx(
  bytes: Uint8Array,
  model: AuditModel,
  options: OnnxPropagationOptions,
): Promise<PropagationResult> {
  return propagateOnnxGraph(ORT_NODE, bytes, model, options);
}
