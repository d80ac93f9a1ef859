import { numberToBfloat16, numberToFloat16 } from "./halfFloat.js";

/** The element types a tensor file can hold, with their names in .npy and .safetensors. */
export const TENSOR_FILE_DTYPES = {
  float64: { npy: "<f8", safetensors: "F64", bytes: 8 },
  float32: { npy: "<f4", safetensors: "F32", bytes: 4 },
  float16: { npy: "<f2", safetensors: "F16", bytes: 2 },
  bfloat16: { npy: null, safetensors: "BF16", bytes: 2 },
} as const;

export type TensorFileDtype = keyof typeof TENSOR_FILE_DTYPES;

/** Whether this machine stores numbers little-endian (then typed arrays are the file's bytes as they are). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The values as little-endian bytes of `dtype` (round to nearest even; float16 and bfloat16 through
 * their encoders), written into `out` when given (its first values.length × size bytes), else into
 * a new array.
 */
export function encodeValues(values: ArrayLike<number>, dtype: TensorFileDtype, out?: Uint8Array): Uint8Array {
  const n = values.length;
  const size = TENSOR_FILE_DTYPES[dtype].bytes;
  const bytes = out ? out.subarray(0, n * size) : new Uint8Array(n * size);
  if (bytes.byteOffset % size !== 0 || !LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) {
      if (dtype === "float64") view.setFloat64(8 * i, values[i], true);
      else if (dtype === "float32") view.setFloat32(4 * i, values[i], true);
      else view.setUint16(2 * i, (dtype === "float16" ? numberToFloat16 : numberToBfloat16)(values[i]), true);
    }
    return bytes;
  }
  if (dtype === "float64") new Float64Array(bytes.buffer, bytes.byteOffset, n).set(values);
  else if (dtype === "float32") new Float32Array(bytes.buffer, bytes.byteOffset, n).set(values);
  else {
    const u16 = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    const encode = dtype === "float16" ? numberToFloat16 : numberToBfloat16;
    for (let i = 0; i < n; i++) u16[i] = encode(values[i]);
  }
  return bytes;
}

/**
 * The bytes to write for `values` as `dtype`: the array's own bytes when it already holds that type
 * on a little-endian machine (a Float32Array as float32, a Float64Array as float64: no copy), else
 * {@link encodeValues} into `scratch`.
 */
export function fileBytes(
  values: Float64Array | Float32Array,
  dtype: TensorFileDtype,
  scratch?: Uint8Array,
): Uint8Array {
  const own =
    (dtype === "float32" && values instanceof Float32Array) || (dtype === "float64" && values instanceof Float64Array);
  return own && LITTLE_ENDIAN
    ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
    : encodeValues(values, dtype, scratch);
}

/**
 * The header of a .npy file, format version 1.0 (NumPy's NEP 1): the magic "\x93NUMPY", version
 * bytes 1 0, the header length (uint16, little-endian), then a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (8192, 8192), }` padded with spaces and a
 * final newline so that the data starts at a multiple of 64 bytes. C order.
 * @throws for bfloat16, which .npy has no type for.
 */
export function npyHeader(shape: readonly number[], dtype: TensorFileDtype): Uint8Array {
  const descr = TENSOR_FILE_DTYPES[dtype].npy;
  if (descr === null) throw new RangeError("dtype: .npy has no bfloat16 type; write .safetensors (BF16) instead");
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = 10 + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  if (total - 10 > 0xffff) throw new RangeError(`shape: ${shape.length} dimensions make a .npy header too long`);
  const text = `${dict}${" ".repeat(total - unpadded)}\n`;
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, total - 10, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/**
 * The header of a .safetensors file holding one tensor: the JSON header's length (uint64,
 * little-endian), then `{"NAME":{"dtype":"F32","shape":[…],"data_offsets":[0,BYTES]}}` padded with
 * spaces to a multiple of 8 bytes; the data follows.
 * @param name the tensor's name (any string; JSON-escaped)
 */
export function safetensorsHeader(name: string, shape: readonly number[], dtype: TensorFileDtype): Uint8Array {
  return safetensorsHeaderOf([{ name, shape }], dtype);
}

/** The header of a .safetensors file holding these tensors, one after another, all in `dtype`. */
export function safetensorsHeaderOf(
  tensors: readonly { name: string; shape: readonly number[] }[],
  dtype: TensorFileDtype,
): Uint8Array {
  let offset = 0;
  // no prototype: a tensor named "__proto__" is a key like any other (an object literal's setter would drop it)
  const entries: Record<string, unknown> = Object.create(null);
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * TENSOR_FILE_DTYPES[dtype].bytes;
    entries[t.name] = {
      dtype: TENSOR_FILE_DTYPES[dtype].safetensors,
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  const json = JSON.stringify(entries);
  const utf8 = new TextEncoder().encode(json);
  const padded = Math.ceil(utf8.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(utf8, 8);
  return out;
}
