import type { Framework } from "../core/init/kernel.js";
import type { AuditModel, ModelLayer, ModelTensor } from "./modelTypes.js";
import type { ExternalResolver, OnnxGraphInfo, OnnxNodeInfo } from "./onnxReader.js";
import { readOnnx } from "./onnxReader.js";

const ACTIVATIONS: Record<string, string> = {
  Relu: "relu",
  Tanh: "tanh",
  Sigmoid: "sigmoid",
  LeakyRelu: "leaky_relu",
  Elu: "elu",
  Selu: "selu",
  Softplus: "softplus",
  Gelu: "gelu",
  HardSigmoid: "hard_sigmoid",
  Softsign: "softsign",
};
const NORMS = new Set([
  "BatchNormalization",
  "LayerNormalization",
  "InstanceNormalization",
  "GroupNormalization",
  "SimplifiedLayerNormalization",
]);

function originOf(producer: string): Framework | null {
  const p = producer.toLowerCase();
  if (p.startsWith("pytorch")) return "torch";
  if (p.includes("tf2onnx") || p.includes("keras2onnx")) return "keras";
  return null;
}

/** Ops that carry no weights of their own and that the audit measures without attributing. */
const PLAIN_OPS = new Set([
  "Add",
  "Mul",
  "Div",
  "Sub",
  "Reshape",
  "Flatten",
  "Transpose",
  "Identity",
  "Concat",
  "Erf",
  "Pow",
  "Sqrt",
  "ReduceMean",
  "Shape",
  "Gather",
  "Unsqueeze",
  "Squeeze",
  "Slice",
  "Cast",
  "MaxPool",
  "AveragePool",
  "GlobalAveragePool",
  "Softmax",
  "Dropout",
  "Pad",
  "Clip",
  "Split",
  "Expand",
  "Where",
  "Equal",
  "Range",
  "ConstantOfShape",
  "Constant",
]);

/** One graph's lookups: its tensors and, for a value, the one node consuming it (null if none or several). */
interface GraphScope {
  tensors: ReadonlyMap<string, ModelTensor>;
  sole(value: string): OnnxNodeInfo | null;
}

const weightOfRank = (scope: GraphScope, name: string | undefined, rank: (r: number) => boolean) =>
  name !== undefined && scope.tensors.has(name) && rank(scope.tensors.get(name)!.shape.length);

/**
 * The layer a node is, if it uses a weight: Gemm (transB = 1: [out, in]; 0: [in, out]), MatMul with
 * a 2-D initializer ([in, out], its bias from a following Add), Conv/ConvTranspose (`group`,
 * strides) and Gather on a 2-D table (an embedding). Null for every other node.
 */
export function layerOfNode(n: OnnxNodeInfo, scope: GraphScope, index: number): ModelLayer | null {
  const base = {
    name: "",
    node: n.name || n.outputs[0] || `${n.op}_${index}`,
    op: n.op,
    bias: null as string | null,
    extras: [],
    groups: 1,
    transposed: false,
    depthwise: false,
    embedding: false,
    strides: null as number[] | null,
    input: n.inputs[0] ?? null,
    output: n.outputs[0] ?? null,
    activation: null,
    recorded: null,
  };
  const vector = (name: string | undefined) => (weightOfRank(scope, name, (r) => r === 1) ? (name as string) : null);
  if (n.op === "Gemm" && weightOfRank(scope, n.inputs[1], (r) => r === 2) && !n.ints.get("transA")?.[0]) {
    return {
      ...base,
      weight: n.inputs[1],
      bias: weightOfRank(scope, n.inputs[2], () => true) ? n.inputs[2] : null,
      layout: n.ints.get("transB")?.[0] === 1 ? "torch" : "onnx-matmul",
    };
  }
  if (n.op === "MatMul" && weightOfRank(scope, n.inputs[1], (r) => r === 2)) {
    const add = scope.sole(n.outputs[0]);
    const bias = add?.op === "Add" ? vector(add.inputs.find((i) => i !== n.outputs[0])) : null;
    return { ...base, weight: n.inputs[1], layout: "onnx-matmul", bias, output: bias ? add!.outputs[0] : base.output };
  }
  if ((n.op === "Conv" || n.op === "ConvTranspose") && weightOfRank(scope, n.inputs[1], (r) => r >= 3)) {
    const groups = n.ints.get("group")?.[0] ?? 1;
    const transposed = n.op === "ConvTranspose";
    const depthwise = !transposed && groups > 1 && scope.tensors.get(n.inputs[1])!.shape[1] === 1;
    return {
      ...base,
      weight: n.inputs[1],
      bias: weightOfRank(scope, n.inputs[2], () => true) ? n.inputs[2] : null,
      layout: "torch",
      groups,
      transposed,
      depthwise,
      strides: transposed ? (n.ints.get("strides") ?? null) : null,
    };
  }
  if (n.op === "Gather" && weightOfRank(scope, n.inputs[0], (r) => r === 2) && (n.ints.get("axis")?.[0] ?? 0) === 0) {
    return { ...base, weight: n.inputs[0], layout: "torch", embedding: true, input: n.inputs[1] ?? null };
  }
  return null;
}

/** The activation applied to a layer's output (through a norm, if one comes first), or null. */
function activationAfter(layer: ModelLayer, scope: GraphScope): string | null {
  let next = layer.output ? scope.sole(layer.output) : null;
  if (next && NORMS.has(next.op)) next = next.outputs[0] ? scope.sole(next.outputs[0]) : null;
  return next && ACTIVATIONS[next.op] ? ACTIVATIONS[next.op] : null;
}

/** A graph's scope: its initializers and Constant tensors added to `tensors` (outer scopes stay visible to subgraphs). */
function scopeOf(g: OnnxGraphInfo, tensors: Map<string, ModelTensor>): GraphScope {
  for (const t of g.initializers) tensors.set(t.name, t);
  for (const n of g.nodes) if (n.op === "Constant" && n.tensor) tensors.set(n.tensor.name, n.tensor);
  const consumers = new Map<string, OnnxNodeInfo[]>();
  for (const n of g.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  return { tensors, sole: (value) => ((consumers.get(value) ?? []).length === 1 ? consumers.get(value)![0] : null) };
}

/** What could not be attributed, in words: loose float tensors, unknown ops, and layers inside subgraphs. */
function attributionNotes(
  layers: readonly ModelLayer[],
  tensors: ReadonlyMap<string, ModelTensor>,
  unknownOps: ReadonlySet<string>,
): string[] {
  const notes: string[] = [];
  const attributed = new Set(layers.flatMap((l) => [l.weight, l.bias ?? "", ...l.extras]));
  const loose = [...tensors.values()].filter(
    (t) => !attributed.has(t.name) && t.encoding.startsWith("float") && t.shape.reduce((a, b) => a * b, 1) > 1,
  );
  if (loose.length > 0)
    notes.push(
      `${loose.length} float tensor(s) not attributed to a layer: ${loose
        .slice(0, 8)
        .map((t) => `${t.name} [${t.shape.join(",")}]`)
        .join(", ")}${loose.length > 8 ? ", …" : ""}`,
    );
  if (unknownOps.size > 0)
    notes.push(`ops passed to onnxruntime without attribution: ${[...unknownOps].sort().join(", ")}`);
  if (layers.some((l) => l.output === null && !l.embedding))
    notes.push(
      "layers inside subgraphs (If/Loop/Scan) are identified but not propagated: their tensors cannot be made outputs of the main graph",
    );
  return notes;
}

/**
 * The layers of an ONNX model, in graph order ({@link layerOfNode}), each with its bias, the norm
 * scales that follow it and the activation applied to its output. Subgraphs (If/Loop/Scan bodies)
 * are searched too, with their layers marked as not propagated.
 */
export function onnxAuditModel(bytes: Uint8Array, external: ExternalResolver | null = null): AuditModel {
  const info = readOnnx(bytes, external);
  const tensors = new Map<string, ModelTensor>();
  const layers: ModelLayer[] = [];
  const unknownOps = new Set<string>();
  const walk = (g: OnnxGraphInfo, path: string) => {
    const scope = scopeOf(g, tensors);
    for (const n of g.nodes) {
      const layer = layerOfNode(n, scope, layers.length);
      if (layer) {
        // named after its parameter as the exporter named it (e.g. "0.weight", "onnx::MatMul_121"); inside a subgraph not reachable as an output
        layer.name = path === "" ? layer.weight : `${path}/${layer.weight}`;
        if (path !== "") layer.output = null;
        layer.activation = activationAfter(layer, scope);
        layers.push(layer);
      } else if (NORMS.has(n.op) && layers.length > 0) {
        const prev = layers[layers.length - 1];
        for (const i of n.inputs.slice(1))
          if (weightOfRank(scope, i, (r) => r === 1) && !prev.extras.includes(i)) prev.extras.push(i);
      } else if (!ACTIVATIONS[n.op] && !PLAIN_OPS.has(n.op)) unknownOps.add(n.op);
      for (const [k, sg] of n.subgraphs.entries()) walk(sg, `${path}${n.name || n.op}:${k}`);
    }
  };
  walk(info.graph, "");
  const initNames = new Set(info.graph.initializers.map((t) => t.name));
  return {
    format: "onnx",
    producer: info.producer || null,
    origin: originOf(info.producer),
    inputs: info.graph.inputs.filter((i) => !initNames.has(i.name)),
    outputs: info.graph.outputs.map((o) => o.name),
    layers,
    tensors,
    notes: attributionNotes(layers, tensors, unknownOps),
  };
}
