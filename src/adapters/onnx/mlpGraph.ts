import type { OnnxNode, OnnxValue } from "./onnxModel.js";
import { onnxModel } from "./onnxModel.js";

/** Activations the ONNX graph computes natively, with φ' written from φ's output or input. */
export const ONNX_ACTIVATIONS = ["linear", "tanh", "relu", "sigmoid"] as const;
export type OnnxActivation = (typeof ONNX_ACTIVATIONS)[number];

/** Per-layer statistics the graph returns, each as a [L, 1] float32 tensor. */
export const MLP_STATS = [
  "preSumSq",
  "postMean",
  "postSumSq",
  "postMin",
  "postMax",
  "gradWSumSq",
  "gradASumSq",
] as const;

/**
 * An ONNX graph for a dense network's forward pass, and optionally the backward pass of
 * L = ½‖out‖², returning only per-layer statistics (the activations never leave ORT):
 *   P_l = A_{l−1}·W_l,  A_l = φ(P_l);  D_l = G_l ⊙ φ'(P_l),  ∂L/∂W_l = A_{l−1}ᵀ·D_l,  G_{l−1} = D_l·W_lᵀ,
 * with G_L = A_L; φ' = 1 − A² (tanh), [P > 0] (relu), A(1 − A) (sigmoid), 1 (linear).
 * Statistics per layer (one reduction pass each over the whole [B, n] tensor, float32): Σ P², mean,
 * Σ A², min and max of A, Σ (∂L/∂W)², Σ G² (gradient w.r.t. A). The caller forms the variance as
 * Σ A²/N − mean² (in float64), one pass instead of three.
 * Inputs: X [B, n₀], W0 … W{L−1}, and the scalar ONE [1] (for 1 − A²).
 */
export function mlpGraph(widths: readonly number[], activation: OnnxActivation, backward: boolean): Uint8Array {
  const L = widths.length - 1;
  const nodes: OnnxNode[] = [];
  const inputs: OnnxValue[] = [
    { name: "X", shape: ["B", widths[0]] },
    { name: "ONE", shape: [1] },
  ];
  const stat: Record<string, string[]> = Object.fromEntries(MLP_STATS.map((s) => [s, []]));
  const reduce = (op: string, x: string, out: string) =>
    nodes.push({ op, inputs: [x], outputs: [out], attributes: { axes: [0, 1], keepdims: 1 } });
  let a = "X";
  const acts: string[] = ["X"];
  for (let l = 0; l < L; l++) {
    inputs.push({ name: `W${l}`, shape: [widths[l], widths[l + 1]] });
    nodes.push({ op: "MatMul", inputs: [a, `W${l}`], outputs: [`P${l}`] });
    const op = { linear: "Identity", tanh: "Tanh", relu: "Relu", sigmoid: "Sigmoid" }[activation];
    nodes.push({ op, inputs: [`P${l}`], outputs: [`A${l}`] });
    reduce("ReduceSumSquare", `P${l}`, `p${l}_ss`);
    reduce("ReduceMean", `A${l}`, `a${l}_mean`);
    stat.preSumSq.push(`p${l}_ss`);
    stat.postMean.push(`a${l}_mean`);
    reduce("ReduceMin", `A${l}`, `a${l}_min`);
    reduce("ReduceMax", `A${l}`, `a${l}_max`);
    reduce("ReduceSumSquare", `A${l}`, `a${l}_ss`);
    stat.postMin.push(`a${l}_min`);
    stat.postMax.push(`a${l}_max`);
    stat.postSumSq.push(`a${l}_ss`);
    a = `A${l}`;
    acts.push(a);
  }
  if (backward) {
    let g = a; // ∂(½‖A_L‖²)/∂A_L = A_L
    for (let l = L - 1; l >= 0; l--) {
      reduce("ReduceSumSquare", g, `g${l}_ss`);
      stat.gradASumSq.unshift(`g${l}_ss`);
      let d: string;
      if (activation === "linear") d = g;
      else {
        const A = `A${l}`;
        if (activation === "tanh") {
          nodes.push({ op: "Mul", inputs: [A, A], outputs: [`sq${l}`] });
          nodes.push({ op: "Sub", inputs: ["ONE", `sq${l}`], outputs: [`dphi${l}`] });
        } else if (activation === "sigmoid") {
          nodes.push({ op: "Sub", inputs: ["ONE", A], outputs: [`om${l}`] });
          nodes.push({ op: "Mul", inputs: [A, `om${l}`], outputs: [`dphi${l}`] });
        } else {
          nodes.push({ op: "Sign", inputs: [A], outputs: [`dphi${l}`] }); // relu output ≥ 0: sign is [P > 0]
        }
        d = `D${l}`;
        nodes.push({ op: "Mul", inputs: [g, `dphi${l}`], outputs: [d] });
      }
      nodes.push({ op: "Gemm", inputs: [acts[l], d], outputs: [`GW${l}`], attributes: { transA: 1 } });
      reduce("ReduceSumSquare", `GW${l}`, `gw${l}_ss`);
      stat.gradWSumSq.unshift(`gw${l}_ss`);
      if (l > 0) {
        nodes.push({ op: "Gemm", inputs: [d, `W${l}`], outputs: [`G${l - 1}`], attributes: { transB: 1 } });
        g = `G${l - 1}`;
      }
    }
  }
  const outputs: OnnxValue[] = [];
  for (const key of MLP_STATS) {
    if (stat[key].length === 0) continue;
    nodes.push({ op: "Concat", inputs: stat[key], outputs: [key], attributes: { axis: 0 } });
    outputs.push({ name: key, shape: [L, 1] });
  }
  return onnxModel("initlab_mlp", nodes, inputs, outputs);
}
