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

/**
 * The layers of an ONNX model, in graph order: Gemm (transB = 1: torch layout [out, in];
 * transB = 0: [in, out]), MatMul with an initializer operand ([in, out]), Conv ([out, in/g, k…],
 * `group`), ConvTranspose ([in, out/g, k…]), Gather on a 2-D initializer (embedding table);
 * each with its bias (an Add of a 1-D initializer for MatMul), the norm scales that follow it and
 * the activation applied to its output. Subgraphs (If/Loop/Scan bodies) are searched too, with
 * their layers marked as not propagated.
 */
export function onnxAuditModel(bytes: Uint8Array, external: ExternalResolver | null = null): AuditModel {
  const info = readOnnx(bytes, external);
  const tensors = new Map<string, ModelTensor>();
  const notes: string[] = [];
  const layers: ModelLayer[] = [];
  const unknownOps = new Set<string>();
  const walk = (g: OnnxGraphInfo, path: string) => {
    for (const t of g.initializers) tensors.set(t.name, t);
    for (const n of g.nodes) if (n.op === "Constant" && n.tensor) tensors.set(n.tensor.name, n.tensor);
    const consumers = new Map<string, OnnxNodeInfo[]>();
    for (const n of g.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
    const sole = (value: string): OnnxNodeInfo | null => {
      const c = consumers.get(value) ?? [];
      return c.length === 1 ? c[0] : null;
    };
    const isWeight = (name: string | undefined) => name !== undefined && tensors.has(name);
    for (const n of g.nodes) {
      let layer: ModelLayer | null = null;
      const base = {
        name: "",
        node: n.name || n.outputs[0] || `${n.op}_${layers.length}`,
        op: n.op,
        bias: null,
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
      if (
        n.op === "Gemm" &&
        isWeight(n.inputs[1]) &&
        tensors.get(n.inputs[1])!.shape.length === 2 &&
        !n.ints.get("transA")?.[0]
      ) {
        const transB = n.ints.get("transB")?.[0] === 1;
        layer = {
          ...base,
          weight: n.inputs[1],
          bias: isWeight(n.inputs[2]) ? n.inputs[2] : null,
          layout: transB ? "torch" : "onnx-matmul",
        };
      } else if (n.op === "MatMul" && isWeight(n.inputs[1]) && tensors.get(n.inputs[1])!.shape.length === 2) {
        layer = { ...base, weight: n.inputs[1], layout: "onnx-matmul" };
        const add = sole(n.outputs[0]);
        if (add && add.op === "Add") {
          const other = add.inputs.find((i) => i !== n.outputs[0]);
          if (other && isWeight(other) && tensors.get(other)!.shape.length === 1) {
            layer.bias = other;
            layer.output = add.outputs[0];
          }
        }
      } else if (
        (n.op === "Conv" || n.op === "ConvTranspose") &&
        isWeight(n.inputs[1]) &&
        tensors.get(n.inputs[1])!.shape.length >= 3
      ) {
        const groups = n.ints.get("group")?.[0] ?? 1;
        const s = tensors.get(n.inputs[1])!.shape;
        const transposed = n.op === "ConvTranspose";
        layer = {
          ...base,
          weight: n.inputs[1],
          bias: isWeight(n.inputs[2]) ? n.inputs[2] : null,
          layout: "torch",
          groups,
          transposed,
          depthwise: !transposed && groups > 1 && s[1] === 1,
          strides: transposed ? (n.ints.get("strides") ?? null) : null,
        };
      } else if (
        n.op === "Gather" &&
        isWeight(n.inputs[0]) &&
        tensors.get(n.inputs[0])!.shape.length === 2 &&
        (n.ints.get("axis")?.[0] ?? 0) === 0
      ) {
        layer = {
          ...base,
          weight: n.inputs[0],
          layout: "torch",
          embedding: true,
          op: "Gather",
          input: n.inputs[1] ?? null,
        };
      } else if (NORMS.has(n.op) && layers.length > 0) {
        const prev = layers[layers.length - 1];
        for (const i of n.inputs.slice(1))
          if (isWeight(i) && tensors.get(i)!.shape.length === 1 && !prev.extras.includes(i)) prev.extras.push(i);
      } else if (
        !ACTIVATIONS[n.op] &&
        n.op !== "Constant" &&
        ![
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
        ].includes(n.op)
      ) {
        unknownOps.add(n.op);
      }
      if (layer) {
        layer.name = layer.weight; // what the exporter named the parameter (e.g. "0.weight", "onnx::MatMul_121")
        if (path !== "") layer.output = null; // inside a subgraph: not reachable as a graph output
        if (path !== "") layer.name = `${path}/${layer.name}`;
        let next = layer.output ? sole(layer.output) : null;
        if (next && NORMS.has(next.op)) next = next.outputs[0] ? sole(next.outputs[0]) : null;
        if (next && ACTIVATIONS[next.op]) layer.activation = ACTIVATIONS[next.op];
        layers.push(layer);
      }
      for (const [k, sg] of n.subgraphs.entries()) walk(sg, `${path}${n.name || n.op}:${k}`);
    }
  };
  walk(info.graph, "");
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
  const initNames = new Set(info.graph.initializers.map((t) => t.name));
  return {
    format: "onnx",
    producer: info.producer || null,
    origin: originOf(info.producer),
    inputs: info.graph.inputs.filter((i) => !initNames.has(i.name)),
    outputs: info.graph.outputs.map((o) => o.name),
    layers,
    tensors,
    notes,
  };
}
