import type { OnnxNode } from "./onnxModel.js";
import { onnxModel } from "./onnxModel.js";

/** Activations the ONNX graphs compute natively, with φ' written from φ's output. */
export const ONNX_ACTIVATIONS = ["linear", "tanh", "relu", "sigmoid"] as const;
export type OnnxActivation = (typeof ONNX_ACTIVATIONS)[number];

/** The forward graph's statistics, in the order of its output S ([5, 1], float32). */
export const FORWARD_STATS = ["preSumSq", "postMean", "postSumSq", "postMin", "postMax"] as const;
/** The backward graph's statistics, in the order of its output S ([2, 1], float32). */
export const BACKWARD_STATS = ["gradASumSq", "gradWSumSq"] as const;

const ACTIVATION_OP = { linear: "Identity", tanh: "Tanh", relu: "Relu", sigmoid: "Sigmoid" } as const;

function reduce(nodes: OnnxNode[], op: string, x: string, out: string): void {
  nodes.push({ op, inputs: [x], outputs: [out], attributes: { axes: [0, 1], keepdims: 1 } });
}

/**
 * One dense layer's forward pass, for any batch and widths (symbolic dims):
 *   P = X·W,  Y = φ(P),  S = [Σ P², mean Y, Σ Y², min Y, max Y]
 * (one float32 reduction pass each over the whole [B, m] tensor; the caller forms the variance as
 * Σ Y²/N − mean², in float64). Inputs X [B, n], W [n, m]; outputs Y [B, m] and S [5, 1].
 */
export function denseForwardGraph(activation: OnnxActivation): Uint8Array {
  const nodes: OnnxNode[] = [
    { op: "MatMul", inputs: ["X", "W"], outputs: ["P"] },
    { op: ACTIVATION_OP[activation], inputs: ["P"], outputs: ["Y"] },
  ];
  reduce(nodes, "ReduceSumSquare", "P", "p_ss");
  reduce(nodes, "ReduceMean", "Y", "y_mean");
  reduce(nodes, "ReduceSumSquare", "Y", "y_ss");
  reduce(nodes, "ReduceMin", "Y", "y_min");
  reduce(nodes, "ReduceMax", "Y", "y_max");
  nodes.push({
    op: "Concat",
    inputs: ["p_ss", "y_mean", "y_ss", "y_min", "y_max"],
    outputs: ["S"],
    attributes: { axis: 0 },
  });
  return onnxModel(
    "initlab_dense_forward",
    nodes,
    [
      { name: "X", shape: ["B", "n"] },
      { name: "W", shape: ["n", "m"] },
    ],
    [
      { name: "Y", shape: ["B", "m"] },
      { name: "S", shape: [5, 1] },
    ],
  );
}

/**
 * One dense layer's backward pass of a loss L, given G = ∂L/∂Y:
 *   D = G ⊙ φ'(P),  ∂L/∂W = Xᵀ·D,  ∂L/∂X = D·Wᵀ,  S = [Σ G², Σ (∂L/∂W)²],
 * with φ' written from the output Y: 1 − Y² (tanh), Y(1 − Y) (sigmoid), sign Y = [P > 0] (relu,
 * Y ≥ 0), 1 (linear). Inputs G [B, m], Y [B, m], X [B, n], W [n, m], ONE [1]; outputs GX [B, n]
 * (= ∂L/∂X, the next layer's G) and S [2, 1].
 */
export function denseBackwardGraph(activation: OnnxActivation): Uint8Array {
  const nodes: OnnxNode[] = [];
  reduce(nodes, "ReduceSumSquare", "G", "g_ss");
  if (activation === "linear") nodes.push({ op: "Identity", inputs: ["G"], outputs: ["D"] });
  else {
    if (activation === "tanh") {
      nodes.push({ op: "Mul", inputs: ["Y", "Y"], outputs: ["sq"] });
      nodes.push({ op: "Sub", inputs: ["ONE", "sq"], outputs: ["dphi"] });
    } else if (activation === "sigmoid") {
      nodes.push({ op: "Sub", inputs: ["ONE", "Y"], outputs: ["om"] });
      nodes.push({ op: "Mul", inputs: ["Y", "om"], outputs: ["dphi"] });
    } else nodes.push({ op: "Sign", inputs: ["Y"], outputs: ["dphi"] });
    nodes.push({ op: "Mul", inputs: ["G", "dphi"], outputs: ["D"] });
  }
  nodes.push({ op: "Gemm", inputs: ["X", "D"], outputs: ["GW"], attributes: { transA: 1 } });
  reduce(nodes, "ReduceSumSquare", "GW", "gw_ss");
  nodes.push({ op: "Gemm", inputs: ["D", "W"], outputs: ["GX"], attributes: { transB: 1 } });
  nodes.push({ op: "Concat", inputs: ["g_ss", "gw_ss"], outputs: ["S"], attributes: { axis: 0 } });
  return onnxModel(
    "initlab_dense_backward",
    nodes,
    [
      { name: "G", shape: ["B", "m"] },
      { name: "Y", shape: ["B", "m"] },
      { name: "X", shape: ["B", "n"] },
      { name: "W", shape: ["n", "m"] },
      { name: "ONE", shape: [1] },
    ],
    [
      { name: "GX", shape: ["B", "n"] },
      { name: "S", shape: [2, 1] },
    ],
  );
}
