import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import type { OnnxActivation } from "./denseLayerGraphs.js";
import { denseBackwardGraph, denseForwardGraph } from "./denseLayerGraphs.js";

/** A dense layer's passes on onnxruntime's CPU provider, one call per layer. */
export interface OnnxDenseLayers {
  /** Y = φ(X·W) for X [batch, nIn], W [nIn, nOut]; S as in {@link denseForwardGraph}. */
  forward(
    x: Float32Array,
    w: Float32Array,
    batch: number,
    nIn: number,
    nOut: number,
  ): Promise<{ y: Float32Array; s: Float32Array }>;
  /** ∂L/∂X from G = ∂L/∂Y, the layer's output Y and input X; S as in {@link denseBackwardGraph}. */
  backward(
    g: Float32Array,
    y: Float32Array,
    x: Float32Array,
    w: Float32Array,
    batch: number,
    nIn: number,
    nOut: number,
  ): Promise<{ gx: Float32Array; s: Float32Array }>;
  release(): Promise<void>;
}

/**
 * Compiles one dense layer's forward (and backward) pass into onnxruntime sessions (CPU, float32,
 * all graph optimizations, the memory arena on so each call reuses the last one's scratch memory).
 * ORT's MLAS kernels accumulate in float32, in their own blocked order and with FMA, so results
 * agree with initlab's reference backend to float32 tolerance, not bit for bit. Inputs are passed
 * without copying. Small graphs: creating them takes tens of milliseconds, and a network of any
 * depth runs layer by layer, so its weights can be drawn while earlier layers compute.
 */
export async function compileDenseLayers(activation: OnnxActivation, backward: boolean): Promise<OnnxDenseLayers> {
  const options: ort.InferenceSession.SessionOptions = {
    logSeverityLevel: 3,
    enableCpuMemArena: true,
    graphOptimizationLevel: "all",
    intraOpNumThreads: availableParallelism(),
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  };
  const [fwd, bwd] = await Promise.all([
    ort.InferenceSession.create(denseForwardGraph(activation), options),
    backward ? ort.InferenceSession.create(denseBackwardGraph(activation), options) : null,
  ]);
  const one = new ort.Tensor("float32", new Float32Array([1]), [1]);
  const tensor = (data: Float32Array, rows: number, cols: number) => new ort.Tensor("float32", data, [rows, cols]);
  return {
    async forward(x, w, batch, nIn, nOut) {
      const out = await fwd.run({ X: tensor(x, batch, nIn), W: tensor(w, nIn, nOut) });
      return { y: out.Y.data as Float32Array, s: out.S.data as Float32Array };
    },
    async backward(g, y, x, w, batch, nIn, nOut) {
      if (!bwd) throw new Error("onnx layers: compiled without the backward pass");
      const out = await bwd.run({
        G: tensor(g, batch, nOut),
        Y: tensor(y, batch, nOut),
        X: tensor(x, batch, nIn),
        W: tensor(w, nIn, nOut),
        ONE: one,
      });
      return { gx: out.GX.data as Float32Array, s: out.S.data as Float32Array };
    },
    async release() {
      await fwd.release();
      await bwd?.release();
    },
  };
}
