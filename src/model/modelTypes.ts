import type { Framework } from "../core/init/kernel.js";

export const MODEL_FORMATS = ["onnx", "tfjs-layers", "safetensors"] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** How a weight tensor stores its axes: torch [out, in, k…]; keras [in, out], [k…, in, out]; ONNX MatMul/Gemm(transB=0) [in, out]. */
export type WeightLayout = "torch" | "keras" | "onnx-matmul";

/** The element encodings initlab reads (and writes back, for re-initialized tensors). */
export type TensorEncoding =
  "float32" | "float64" | "float16" | "bfloat16" | "uint8" | "uint16" | "int32" | "int64" | "other";

/** A tensor in a model file: its shape, how its bytes are encoded, and where they are. */
export interface ModelTensor {
  name: string;
  shape: number[];
  encoding: TensorEncoding;
  /** which bytes hold the values (in `file`, or in an external file named by `file`) */
  bytes: Uint8Array;
  /** tfjs affine quantization: value = q·scale + min (uint8/uint16) */
  quantization: { scale: number; min: number } | null;
  /** for rewriting in place: the file (null = the model file itself) and byte offset of `bytes` */
  file: string | null;
  offset: number;
}

/** A dense, conv or embedding layer found in the model, and its weight tensor. */
export interface ModelLayer {
  /** the layer's name: its weight tensor's (ONNX, safetensors) or the Keras layer's */
  name: string;
  /** the graph node or Keras layer that uses the weight */
  node: string;
  /** ONNX op type or Keras class name */
  op: string;
  weight: string;
  bias: string | null;
  /** norm scales and other 1-D tensors reported with this layer */
  extras: string[];
  layout: WeightLayout;
  groups: number;
  transposed: boolean;
  depthwise: boolean;
  embedding: boolean;
  /** a transposed conv's strides (each output then sums over (in/g)·∏k/∏s inputs), else null */
  strides: number[] | null;
  /** graph value names around the layer (ONNX), for propagation */
  input: string | null;
  output: string | null;
  /** the activation applied to the layer's output, if any (relu, tanh, sigmoid …) */
  activation: string | null;
  /** the initializer the file records for this weight (TF.js topology), null if none */
  recorded: { spec: string; framework: Framework; config: unknown } | null;
}

export interface ModelInput {
  name: string;
  shape: (number | string)[];
  dtype: string;
}

/** A model file read for auditing: its layers, tensors and what could not be attributed. */
export interface AuditModel {
  format: ModelFormat;
  /** producer in the file (e.g. "pytorch 1.13.1", "TensorFlow.js tfjs-layers v4.22.0") */
  producer: string | null;
  /** the framework that most likely wrote it */
  origin: Framework | null;
  inputs: ModelInput[];
  outputs: string[];
  layers: ModelLayer[];
  tensors: Map<string, ModelTensor>;
  /** what could not be attributed to a layer, and other remarks, in words */
  notes: string[];
  /** TF.js only: what tfjs-layers needs to load the model (topology, flat weight specs, concatenated weight bytes) */
  tfjs?: {
    topology: unknown;
    weightSpecs: { name: string; shape: number[]; dtype: string; quantization?: unknown }[];
    weightData: Uint8Array;
  };
}

/** Element size in bytes of an encoding. */
export function encodingSize(e: TensorEncoding): number {
  switch (e) {
    case "float64":
    case "int64":
      return 8;
    case "float32":
    case "int32":
      return 4;
    case "float16":
    case "bfloat16":
    case "uint16":
      return 2;
    case "uint8":
      return 1;
    default:
      return 0;
  }
}

/** Number of elements of a shape, refusing dims that are not safe non-negative integers. */
export function elementCount(shape: readonly number[], what: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`${what}: invalid dimension ${d}`);
    n *= d;
    if (!Number.isSafeInteger(n)) throw new RangeError(`${what}: shape [${shape.join(",")}] is too large`);
  }
  return n;
}
