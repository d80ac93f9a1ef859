import type { LsuvLayerReport } from "../../core/init/lsuv.js";
import type { AuditModel } from "../../model/modelTypes.js";
import { lsuvOnnxGraph } from "./graphLsuv.js";
import type { OnnxPropagationOptions } from "./onnxPropagation.js";
import { ORT_NODE } from "./onnxPropagation.js";

/** {@link lsuvOnnxGraph} on onnxruntime-node. */
export function lsuvOnnx(
  bytes: Uint8Array,
  model: AuditModel,
  start: ReadonlyMap<string, ArrayLike<number>>,
  options: Pick<OnnxPropagationOptions, "batch" | "seed" | "inputShapes"> & {
    tol: number;
    maxIterations: number;
    onLayer?: (done: number, total: number) => void;
  },
): Promise<{
  weights: Map<string, Float64Array>;
  reports: { layer: number; name: string; report: LsuvLayerReport }[];
}> {
  return lsuvOnnxGraph(ORT_NODE, bytes, model, start, options);
}
