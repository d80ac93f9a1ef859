import { ProtoWriter } from "./protobuf.js";

/** An ONNX node: op type, inputs, outputs and integer/float/ints attributes. */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[] | { float: number }>;
}

/** A graph input or output: name and shape (numbers fixed, strings symbolic); float32 unless `elemType`. */
export interface OnnxValue {
  name: string;
  shape: (number | string)[];
  elemType?: number;
}

const FLOAT = 1;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function valueInfo(w: ProtoWriter, v: OnnxValue): void {
  w.string(1, v.name).message(2, (t) =>
    t.message(1, (tt) => {
      tt.int(1, v.elemType ?? FLOAT).message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === "number" ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** A weight stored in the graph: float32 values in row-major order of `dims` (or float64 when `data` is a Float64Array). */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array | Float64Array;
}

/**
 * Serialises an ONNX ModelProto (IR version 9, default-domain opset 17, which keeps `axes` an
 * attribute of ReduceMean / ReduceSumSquare / ReduceMax / ReduceMin) from nodes, inputs and outputs.
 * Field numbers from onnx.proto: Model{ir_version 1, graph 7, opset_import 8};
 * Graph{node 1, name 2, input 11, output 12}; Node{input 1, output 2, op_type 4, attribute 5};
 * Attribute{name 1, f 2, i 3, ints 8, type 20}; ValueInfo{name 1, type 2};
 * Graph.initializer 5 = Tensor{dims 1, data_type 2 (1 float, 11 double), name 8, raw_data 9}.
 * @param producer written as producer_name (field 2), e.g. "pytorch" to mark the file's origin
 */
export function onnxModel(
  name: string,
  nodes: OnnxNode[],
  inputs: OnnxValue[],
  outputs: OnnxValue[],
  initializers: readonly OnnxInitializer[] = [],
  producer = "initlab",
): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 9);
  w.string(2, producer);
  w.message(7, (g) => {
    for (const n of nodes) {
      g.message(1, (nw) => {
        for (const i of n.inputs) nw.string(1, i);
        for (const o of n.outputs) nw.string(2, o);
        nw.string(4, n.op);
        for (const [key, value] of Object.entries(n.attributes ?? {})) {
          nw.message(5, (a) => {
            a.string(1, key);
            if (Array.isArray(value)) {
              for (const v of value) a.int(8, v);
              a.int(20, ATTR_INTS);
            } else if (typeof value === "object") {
              a.float(2, value.float);
              a.int(20, ATTR_FLOAT);
            } else {
              a.int(3, value);
              a.int(20, ATTR_INT);
            }
          });
        }
      });
    }
    g.string(2, name);
    for (const t of initializers) {
      g.message(5, (tw) => {
        for (const d of t.dims) tw.int(1, d);
        tw.int(2, t.data instanceof Float64Array ? 11 : 1);
        tw.string(8, t.name);
        tw.raw(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      });
    }
    for (const i of inputs) g.message(11, (v) => valueInfo(v, i));
    for (const o of outputs) g.message(12, (v) => valueInfo(v, o));
  });
  w.message(8, (o) => o.string(1, "").int(2, 17));
  return w.finish();
}
