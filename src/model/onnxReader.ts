import { ModelFileError } from "./modelFileError.js";
import type { ModelInput, ModelTensor, TensorEncoding } from "./modelTypes.js";
import { elementCount, encodingSize } from "./modelTypes.js";
import type { ProtoField } from "./protoReader.js";
import { fieldFloat, fieldString, protoFields, pushVarints, readVarint } from "./protoReader.js";

/** An ONNX node: op, inputs, outputs, and the attributes initlab uses (ints, floats, strings, subgraphs). */
export interface OnnxNodeInfo {
  name: string;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  ints: Map<string, number[]>;
  floats: Map<string, number[]>;
  strings: Map<string, string>;
  /** tensors of Constant nodes (`value` attribute) */
  tensor: ModelTensor | null;
  subgraphs: OnnxGraphInfo[];
}

export interface OnnxGraphInfo {
  name: string;
  nodes: OnnxNodeInfo[];
  initializers: ModelTensor[];
  inputs: ModelInput[];
  outputs: ModelInput[];
}

export interface OnnxModelInfo {
  irVersion: number;
  producer: string;
  opset: number | null;
  graph: OnnxGraphInfo;
}

/** ONNX TensorProto.DataType → encoding (1 FLOAT, 2 UINT8, 4 UINT16, 6 INT32, 7 INT64, 10 FLOAT16, 11 DOUBLE, 16 BFLOAT16). */
const DATA_TYPES: Record<number, TensorEncoding> = {
  1: "float32",
  2: "uint8",
  4: "uint16",
  6: "int32",
  7: "int64",
  10: "float16",
  11: "float64",
  16: "bfloat16",
};
const ELEM_NAMES: Record<number, string> = {
  1: "float32",
  2: "uint8",
  3: "int8",
  4: "uint16",
  5: "int16",
  6: "int32",
  7: "int64",
  9: "bool",
  10: "float16",
  11: "float64",
  16: "bfloat16",
};

/** Reads an external-data file named by a tensor (location relative to the model's folder); null = not available. */
export type ExternalResolver = (location: string, offset: number, length: number | null) => Uint8Array | null;

const MAX_DEPTH = 32;

function tensorProto(
  bytes: Uint8Array,
  start: number,
  end: number,
  external: ExternalResolver | null,
  what: string,
): ModelTensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = "";
  let raw: ProtoField | null = null;
  let floatData: ProtoField | null = null;
  let doubleData: ProtoField | null = null;
  let location = 0;
  const ext: Record<string, string> = Object.create(null); // keys come from the file: "__proto__" is a key like any other
  const unpackedFloats: number[] = [];
  for (const f of protoFields(bytes, start, end, what)) {
    if (f.field === 1) pushVarints(bytes, f, dims, what);
    else if (f.field === 2 && f.wire === 0) dataType = f.varint;
    else if (f.field === 8 && f.wire === 2) name = fieldString(bytes, f);
    else if (f.field === 9 && f.wire === 2) raw = f;
    else if (f.field === 4 && f.wire === 2) floatData = f;
    else if (f.field === 4 && f.wire === 5) unpackedFloats.push(fieldFloat(bytes, f));
    else if (f.field === 10 && f.wire === 2) doubleData = f;
    else if (f.field === 14 && f.wire === 0) location = f.varint;
    else if (f.field === 13 && f.wire === 2) {
      let key = "";
      let value = "";
      for (const e of protoFields(bytes, f.start, f.end, what)) {
        if (e.field === 1 && e.wire === 2) key = fieldString(bytes, e);
        else if (e.field === 2 && e.wire === 2) value = fieldString(bytes, e);
      }
      ext[key] = value;
    }
  }
  const label = `${what} tensor ${JSON.stringify(name)}`;
  const encoding = DATA_TYPES[dataType] ?? "other";
  const count = (() => {
    try {
      return elementCount(dims, label);
    } catch (e) {
      throw new ModelFileError((e as Error).message);
    }
  })();
  const size = encodingSize(encoding);
  const base = { name, shape: dims, encoding, quantization: null };
  if (location === 1) {
    const loc = ext.location;
    if (!loc) throw new ModelFileError(`${label}: external data without a location`);
    const offset = ext.offset ? Number(ext.offset) : 0;
    const length = ext.length ? Number(ext.length) : null;
    if (
      !Number.isSafeInteger(offset) ||
      offset < 0 ||
      (length !== null && (!Number.isSafeInteger(length) || length < 0))
    )
      throw new ModelFileError(`${label}: invalid external offset/length`);
    const data = external ? external(loc, offset, length ?? (size > 0 ? count * size : null)) : null;
    if (!data)
      throw new ModelFileError(
        `${label}: its data is in the external file ${JSON.stringify(loc)}, which is not beside the model; put it in the model's folder`,
      );
    return { ...base, bytes: data, file: loc, offset };
  }
  if (raw) return { ...base, bytes: bytes.subarray(raw.start, raw.end), file: null, offset: raw.start };
  if (floatData && encoding === "float32")
    return { ...base, bytes: bytes.subarray(floatData.start, floatData.end), file: null, offset: floatData.start };
  if (doubleData && encoding === "float64")
    return { ...base, bytes: bytes.subarray(doubleData.start, doubleData.end), file: null, offset: doubleData.start };
  if (unpackedFloats.length > 0 && encoding === "float32") {
    const copy = new Uint8Array(new Float32Array(unpackedFloats).buffer);
    return { ...base, bytes: copy, file: null, offset: -1 };
  }
  // typed fields initlab does not read as weights (int32_data, int64_data, string_data): keep the shape, no bytes
  return {
    ...base,
    encoding:
      count === 0 ? encoding : size > 0 && encoding !== "float32" && encoding !== "float64" ? "other" : encoding,
    bytes: new Uint8Array(0),
    file: null,
    offset: -1,
  };
}

function valueInfo(bytes: Uint8Array, start: number, end: number, what: string): ModelInput {
  let name = "";
  const shape: (number | string)[] = [];
  let dtype = "unknown";
  for (const f of protoFields(bytes, start, end, what)) {
    if (f.field === 1 && f.wire === 2) name = fieldString(bytes, f);
    else if (f.field === 2 && f.wire === 2) {
      for (const t of protoFields(bytes, f.start, f.end, what)) {
        if (t.field !== 1 || t.wire !== 2) continue; // tensor_type
        for (const tt of protoFields(bytes, t.start, t.end, what)) {
          if (tt.field === 1 && tt.wire === 0) dtype = ELEM_NAMES[tt.varint] ?? `type ${tt.varint}`;
          else if (tt.field === 2 && tt.wire === 2) {
            for (const d of protoFields(bytes, tt.start, tt.end, what)) {
              if (d.field !== 1 || d.wire !== 2) continue;
              let dim: number | string = "?";
              for (const dv of protoFields(bytes, d.start, d.end, what)) {
                if (dv.field === 1 && dv.wire === 0) dim = dv.varint;
                else if (dv.field === 2 && dv.wire === 2) dim = fieldString(bytes, dv);
              }
              shape.push(dim);
            }
          }
        }
      }
    }
  }
  return { name, shape, dtype };
}

function node(
  bytes: Uint8Array,
  start: number,
  end: number,
  external: ExternalResolver | null,
  depth: number,
  what: string,
): OnnxNodeInfo {
  const n: OnnxNodeInfo = {
    name: "",
    op: "",
    domain: "",
    inputs: [],
    outputs: [],
    ints: new Map(),
    floats: new Map(),
    strings: new Map(),
    tensor: null,
    subgraphs: [],
  };
  for (const f of protoFields(bytes, start, end, what)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) n.inputs.push(fieldString(bytes, f));
    else if (f.field === 2) n.outputs.push(fieldString(bytes, f));
    else if (f.field === 3) n.name = fieldString(bytes, f);
    else if (f.field === 4) n.op = fieldString(bytes, f);
    else if (f.field === 7) n.domain = fieldString(bytes, f);
    else if (f.field === 5) {
      let key = "";
      const ints: number[] = [];
      const floats: number[] = [];
      let str: string | null = null;
      let tensor: ModelTensor | null = null;
      const graphs: OnnxGraphInfo[] = [];
      for (const a of protoFields(bytes, f.start, f.end, what)) {
        if (a.field === 1 && a.wire === 2) key = fieldString(bytes, a);
        else if (a.field === 2 && a.wire === 5) floats.push(fieldFloat(bytes, a));
        else if (a.field === 3 || a.field === 8) pushVarints(bytes, a, ints, what);
        else if (a.field === 4 && a.wire === 2) str = fieldString(bytes, a);
        else if (a.field === 7 && a.wire === 5) floats.push(fieldFloat(bytes, a));
        else if (a.field === 7 && a.wire === 2)
          for (let p = a.start; p + 4 <= a.end; p += 4) floats.push(fieldFloat(bytes, { ...a, start: p, end: p + 4 }));
        else if (a.field === 5 && a.wire === 2) tensor = tensorProto(bytes, a.start, a.end, external, what);
        else if ((a.field === 6 || a.field === 11) && a.wire === 2)
          graphs.push(graph(bytes, a.start, a.end, external, depth + 1, what));
      }
      if (ints.length > 0) n.ints.set(key, ints);
      if (floats.length > 0) n.floats.set(key, floats);
      if (str !== null) n.strings.set(key, str);
      if (tensor && key === "value") n.tensor = { ...tensor, name: n.outputs[0] ?? tensor.name };
      n.subgraphs.push(...graphs);
    }
  }
  if (n.tensor && n.outputs.length > 0) n.tensor = { ...n.tensor, name: n.outputs[0] };
  return n;
}

function graph(
  bytes: Uint8Array,
  start: number,
  end: number,
  external: ExternalResolver | null,
  depth: number,
  what: string,
): OnnxGraphInfo {
  if (depth > MAX_DEPTH) throw new ModelFileError(`${what}: subgraphs nested deeper than ${MAX_DEPTH}`);
  const g: OnnxGraphInfo = { name: "", nodes: [], initializers: [], inputs: [], outputs: [] };
  for (const f of protoFields(bytes, start, end, what)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) g.nodes.push(node(bytes, f.start, f.end, external, depth, what));
    else if (f.field === 2) g.name = fieldString(bytes, f);
    else if (f.field === 5) g.initializers.push(tensorProto(bytes, f.start, f.end, external, what));
    else if (f.field === 11) g.inputs.push(valueInfo(bytes, f.start, f.end, what));
    else if (f.field === 12) g.outputs.push(valueInfo(bytes, f.start, f.end, what));
  }
  return g;
}

/**
 * Reads an ONNX ModelProto (onnx.proto field numbers: Model{ir_version 1, producer_name 2,
 * producer_version 3, graph 7, opset_import 8}; Graph{node 1, name 2, initializer 5, input 11,
 * output 12}; Node{input 1, output 2, name 3, op_type 4, attribute 5, domain 7}; Attribute{name 1,
 * f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, graphs 11}; Tensor{dims 1, data_type 2, float_data 4,
 * name 8, raw_data 9, double_data 10, external_data 13, data_location 14}). Tensor data is not
 * copied: each initializer points into `bytes`.
 * @throws ModelFileError for anything malformed.
 */
export function readOnnx(bytes: Uint8Array, external: ExternalResolver | null = null): OnnxModelInfo {
  const what = "onnx";
  let irVersion = 0;
  let producer = "";
  let version = "";
  let opset: number | null = null;
  const graphs: ProtoField[] = [];
  for (const f of protoFields(bytes, 0, bytes.length, what)) {
    if (f.field === 1 && f.wire === 0) irVersion = f.varint;
    else if (f.field === 2 && f.wire === 2) producer = fieldString(bytes, f);
    else if (f.field === 3 && f.wire === 2) version = fieldString(bytes, f);
    else if (f.field === 7 && f.wire === 2) graphs.push(f);
    else if (f.field === 8 && f.wire === 2) {
      let domain = "";
      let v = 0;
      for (const o of protoFields(bytes, f.start, f.end, what)) {
        if (o.field === 1 && o.wire === 2) domain = fieldString(bytes, o);
        else if (o.field === 2 && o.wire === 0) v = o.varint;
      }
      if (domain === "" || domain === "ai.onnx") opset = v;
    }
  }
  if (graphs.length === 0 || irVersion < 1)
    throw new ModelFileError(`onnx: not an ONNX model (${graphs.length === 0 ? "no graph" : "no ir_version"})`);
  // a singular message field that occurs more than once is merged, repeated fields concatenated (protobuf semantics)
  const g = graph(bytes, graphs[0].start, graphs[0].end, external, 0, what);
  for (const extra of graphs.slice(1)) {
    const more = graph(bytes, extra.start, extra.end, external, 0, what);
    g.nodes.push(...more.nodes);
    g.initializers.push(...more.initializers);
    g.inputs.push(...more.inputs);
    g.outputs.push(...more.outputs);
    if (more.name) g.name = more.name;
  }
  return { irVersion, producer: [producer, version].filter((s) => s !== "").join(" "), opset, graph: g };
}

/**
 * Bytes that, appended to a serialized ModelProto, add graph outputs: protobuf merges a repeated
 * occurrence of the singular `graph` field into the first, and repeated fields concatenate — so
 * every intermediate tensor becomes an output without re-encoding the model.
 */
export function appendOutputsPatch(names: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: number[] = [];
  const varint = (out: number[], v: number) => {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  };
  const graphBody: number[] = [];
  for (const name of names) {
    const nb = enc.encode(name);
    const vi: number[] = [0x0a];
    varint(vi, nb.length);
    for (const b of nb) vi.push(b);
    graphBody.push(0x62); // field 12, wire 2
    varint(graphBody, vi.length);
    for (const b of vi) graphBody.push(b);
  }
  parts.push(0x3a); // field 7, wire 2
  varint(parts, graphBody.length);
  for (const b of graphBody) parts.push(b);
  return Uint8Array.from(parts);
}

export { readVarint };
