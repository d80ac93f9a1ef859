import { bfloat16ToNumber, float16ToNumber, numberToBfloat16, numberToFloat16 } from "./halfFloat.js";
import { ModelFileError } from "./modelFileError.js";
import type { ModelTensor, TensorEncoding } from "./modelTypes.js";
import { elementCount, encodingSize } from "./modelTypes.js";

/** Encodings whose values initlab can audit (floating point, or tfjs-quantized integers). */
export function isFloatTensor(t: ModelTensor): boolean {
  return (
    t.encoding === "float32" ||
    t.encoding === "float64" ||
    t.encoding === "float16" ||
    t.encoding === "bfloat16" ||
    ((t.encoding === "uint8" || t.encoding === "uint16") && t.quantization !== null)
  );
}

/**
 * A tensor's values as float32 (float64 tensors as float64), little-endian, dequantized as tfjs
 * does: value = fround(q·scale + min) for uint8/uint16 (tfjs `io.decodeWeights`).
 * @throws ModelFileError when the byte count does not match the shape.
 */
export function tensorValues(t: ModelTensor): Float32Array | Float64Array {
  const n = elementCount(t.shape, t.name);
  const size = encodingSize(t.encoding);
  if (size === 0 || !isFloatTensor(t))
    throw new ModelFileError(`${t.name}: ${t.encoding} tensors hold no weights initlab can read`);
  if (t.bytes.length !== n * size)
    throw new ModelFileError(
      `${t.name}: shape [${t.shape.join(",")}] needs ${n * size} bytes of ${t.encoding}, the file has ${t.bytes.length}`,
    );
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  if (t.encoding === "float64") {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
    return out;
  }
  if (t.encoding === "float32") {
    // aligned copy, then reinterpret (little-endian hosts: every JS engine initlab runs on)
    return new Float32Array(t.bytes.slice().buffer);
  }
  const out = new Float32Array(n);
  if (t.encoding === "float16") for (let i = 0; i < n; i++) out[i] = float16ToNumber(view.getUint16(2 * i, true));
  else if (t.encoding === "bfloat16")
    for (let i = 0; i < n; i++) out[i] = bfloat16ToNumber(view.getUint16(2 * i, true));
  else {
    const q = t.quantization!;
    if (t.encoding === "uint8") for (let i = 0; i < n; i++) out[i] = t.bytes[i] * q.scale + q.min;
    else for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, true) * q.scale + q.min;
  }
  return out;
}

/** The spacing of a tensor's quantization grid (0 for float tensors). */
export function quantizationStep(t: ModelTensor): number {
  return t.quantization && (t.encoding === "uint8" || t.encoding === "uint16") ? t.quantization.scale : 0;
}

/** Encodes values in a float encoding, little-endian (float16/bfloat16 round to nearest even). */
export function encodeValues(values: ArrayLike<number>, encoding: TensorEncoding): Uint8Array {
  const n = values.length;
  const size = encodingSize(encoding);
  const out = new Uint8Array(n * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (encoding === "float32") view.setFloat32(4 * i, v, true);
    else if (encoding === "float64") view.setFloat64(8 * i, v, true);
    else if (encoding === "float16") view.setUint16(2 * i, numberToFloat16(v), true);
    else if (encoding === "bfloat16") view.setUint16(2 * i, numberToBfloat16(v), true);
    else throw new ModelFileError(`cannot write ${encoding} values; re-initialized tensors are written as float`);
  }
  return out;
}
