import { ModelFileError } from "./modelFileError.js";
import type { AuditModel, ModelLayer, ModelTensor, TensorEncoding } from "./modelTypes.js";
import { elementCount, encodingSize } from "./modelTypes.js";

const DTYPES: Record<string, TensorEncoding> = {
  F32: "float32",
  F64: "float64",
  F16: "float16",
  BF16: "bfloat16",
  I32: "int32",
  I64: "int64",
  U8: "uint8",
  U16: "uint16",
};
const OTHER_SIZES: Record<string, number> = { I8: 1, BOOL: 1, I16: 2, U32: 4, U64: 8, F8_E4M3: 1, F8_E5M2: 1 };
/** The largest header initlab parses (safetensors itself caps it at 100 MB). */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

/** Reads a little-endian u64 as a number, refusing values above 2⁵³. */
function u64(bytes: Uint8Array, pos: number): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset + pos, 8);
  const lo = v.getUint32(0, true);
  const hi = v.getUint32(4, true);
  return hi * 2 ** 32 + lo;
}

/** The JSON header (length checked against the file and the 100 MB limit) and where the data starts. @throws ModelFileError */
function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8)
    throw new ModelFileError(`safetensors: file of ${bytes.length} bytes is shorter than its 8-byte header length`);
  const n = u64(bytes, 0);
  if (n > bytes.length - 8)
    throw new ModelFileError(
      `safetensors: header claims ${n} bytes but the file has only ${bytes.length - 8} after the length`,
    );
  if (n > MAX_SAFETENSORS_HEADER)
    throw new ModelFileError(`safetensors: header of ${n} bytes exceeds the ${MAX_SAFETENSORS_HEADER}-byte limit`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new ModelFileError("safetensors: header is not valid UTF-8 JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    throw new ModelFileError("safetensors: header must be a JSON object");
  return { header: header as Record<string, unknown>, dataStart: 8 + n };
}

/** One header entry as a tensor: dtype, shape and data_offsets checked against each other and the file. @throws ModelFileError naming the tensor and field */
function tensorEntry(name: string, entry: unknown, bytes: Uint8Array, dataStart: number): ModelTensor {
  const dataLength = bytes.length - dataStart;
  const label = `safetensors tensor ${JSON.stringify(name)}`;
  if (typeof entry !== "object" || entry === null)
    throw new ModelFileError(`${label}: entry must be an object with dtype, shape, data_offsets`);
  const e = entry as Record<string, unknown>;
  const dtype = e.dtype;
  if (typeof dtype !== "string" || !(dtype in DTYPES || dtype in OTHER_SIZES))
    throw new ModelFileError(
      `${label}: dtype must be one of ${[...Object.keys(DTYPES), ...Object.keys(OTHER_SIZES)].join(", ")}, got ${JSON.stringify(dtype)}`,
    );
  const shape = e.shape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new ModelFileError(`${label}: shape must be a list of non-negative integers`);
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new ModelFileError(`${label}: data_offsets must be [begin, end] non-negative integers`);
  const [begin, end] = offsets as number[];
  if (begin > end || end > dataLength)
    throw new ModelFileError(`${label}: data_offsets [${begin}, ${end}] lie outside the ${dataLength} data bytes`);
  const encoding = DTYPES[dtype] ?? "other";
  const size = encodingSize(encoding) || OTHER_SIZES[dtype];
  let count: number;
  try {
    count = elementCount(shape as number[], label);
  } catch (err) {
    throw new ModelFileError((err as Error).message, { cause: err });
  }
  if (count * size !== end - begin)
    throw new ModelFileError(
      `${label}: shape [${shape.join(",")}] of ${dtype} needs ${count * size} bytes, data_offsets give ${end - begin}`,
    );
  return {
    name,
    shape: shape as number[],
    encoding,
    bytes: bytes.subarray(dataStart + begin, dataStart + end),
    quantization: null,
    file: null,
    offset: dataStart + begin,
  };
}

/** The layers of a weights-only file: every float tensor of 2 or more dims, with the 1-D tensors sharing its prefix (`x.weight` with `x.bias`). */
function safetensorsLayers(tensors: ReadonlyMap<string, ModelTensor>, layout: "torch" | "keras"): ModelLayer[] {
  const layers: ModelLayer[] = [];
  const prefix = (s: string) => (s.includes(".") ? s.slice(0, s.lastIndexOf(".")) : s);
  for (const t of tensors.values()) {
    if (t.shape.length < 2 || (!t.encoding.startsWith("float") && t.encoding !== "bfloat16")) continue;
    const p = prefix(t.name);
    const siblings = [...tensors.values()].filter((o) => o !== t && o.shape.length === 1 && prefix(o.name) === p);
    const bias = siblings.find((o) => /(^|\.)bias$/.test(o.name)) ?? null;
    const embedding = /embed|wte|wpe|token/i.test(t.name) && t.shape.length === 2;
    layers.push({
      name: t.name,
      node: p,
      op: embedding ? "Embedding" : t.shape.length === 2 ? "Linear" : `Conv${t.shape.length - 2}d`,
      weight: t.name,
      bias: bias?.name ?? null,
      extras: siblings.filter((o) => o !== bias).map((o) => o.name),
      layout: layout === "keras" ? "keras" : "torch",
      groups: 1,
      transposed: false,
      depthwise: false,
      embedding,
      strides: null,
      input: null,
      output: null,
      activation: null,
      recorded: null,
    });
  }
  return layers;
}

/**
 * Reads a safetensors file: an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {…}}`, then the data, each
 * tensor at data_offsets relative to byte 8 + N. Every length and offset is checked against the
 * file before anything is read. Weights only: layers are the tensors of 2 or more dims, in file
 * order, each with the 1-D tensors that share its prefix (`x.weight` with `x.bias`).
 * @param layout how kernels store their axes: torch [out, in, k…] (default) or keras [in, out], [k…, in, out]
 */
export function safetensorsAuditModel(bytes: Uint8Array, layout: "torch" | "keras" = "torch"): AuditModel {
  const { header, dataStart } = readHeader(bytes);
  const tensors = new Map<string, ModelTensor>();
  let metadataProducer: string | null = null;
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      const fmt = (entry as Record<string, unknown> | null)?.format;
      if (typeof fmt === "string") metadataProducer = fmt;
    } else tensors.set(name, tensorEntry(name, entry, bytes, dataStart));
  }
  const layers = safetensorsLayers(tensors, layout);
  const notes: string[] = [];
  const skipped = [...tensors.values()].filter((t) => t.shape.length >= 2 && !layers.some((l) => l.weight === t.name));
  if (skipped.length > 0) notes.push(`${skipped.length} non-float tensor(s) of 2 or more dims skipped`);
  notes.push(
    "safetensors holds weights only: no graph, so no propagation; grouped and transposed convs cannot be told apart (fans assume groups = 1)",
  );
  return {
    format: "safetensors",
    producer: metadataProducer,
    origin: layout === "torch" ? "torch" : null,
    inputs: [],
    outputs: [],
    layers,
    tensors,
    notes,
  };
}
