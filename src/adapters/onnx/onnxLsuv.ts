import { lsuvOnnxGraph } from "./graphLsuv.js";
import { ORT_NODE } from "./onnxPropagation.js";

type AfterRuntime<T> = T extends [unknown, ...infer Rest] ? Rest : never;

/** {@link lsuvOnnxGraph} on onnxruntime-node. */
export function lsuvOnnx(...args: AfterRuntime<Parameters<typeof lsuvOnnxGraph>>): ReturnType<typeof lsuvOnnxGraph> {
  return lsuvOnnxGraph(ORT_NODE, ...args);
}
