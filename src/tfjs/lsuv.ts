import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { LsuvLayerReport } from "../core/internal.js";
import { lsuv as lsuvLayers } from "../core/internal.js";

/** One layer's LSUV result: its name and {@link LsuvLayerReport}. */
export interface TfjsLsuvReport extends LsuvLayerReport {
  layer: string;
}

/** A layer's fused activation, where it has one (Dense, Conv…). */
type WithActivation = { activation?: unknown };

/** tfjs-layers' linear activation object (the package exports no constructor for it). */
const LINEAR = (tfl.layers.dense({ units: 1, activation: "linear" }) as unknown as WithActivation).activation;

/**
 * LSUV (Mishkin & Matas (2016), "All you need is a good init") on a tfjs-layers model, in place:
 * for each layer with a kernel (Dense, Conv…), in the model's order, W ← W/√Var(out) while
 * |Var(out) − 1| ≥ tol and fewer than maxIter rescalings, where out is the layer's output on `x`
 * with every earlier layer already rescaled. As in the paper (and `initlab audit --lsuv`), the
 * output is the layer's own, before its activation: Keras layers fuse the activation, so it is
 * switched to linear while the layer is measured (a tanh output's variance could never reach 1).
 * Biases are left alone. The kernels are not re-drawn (no orthonormal pre-initialization: give the
 * layers `initializer("orthogonal")` for the paper's recipe).
 * @param options.tol default 0.1. @param options.maxIter default 10.
 * @returns one report per rescaled layer.
 */
export async function lsuv(
  model: tfl.LayersModel,
  x: tf.Tensor,
  options: { tol?: number; maxIter?: number } = {},
): Promise<TfjsLsuvReport[]> {
  const targets = model.layers.filter((l) => l.trainableWeights.some((w) => /kernel$/.test(w.originalName)));
  const steps = targets.map((layer) => {
    const kernel = layer.trainableWeights.find((w) => /kernel$/.test(w.originalName))!;
    const probe = tfl.model({ inputs: model.inputs, outputs: layer.output as tfl.SymbolicTensor });
    return {
      scale(factor: number) {
        const scaled = tf.tidy(() => tf.mul(kernel.read(), factor));
        kernel.write(scaled);
        scaled.dispose();
      },
      async output() {
        const fused = layer as unknown as WithActivation;
        const activation = fused.activation;
        if (activation !== undefined) fused.activation = LINEAR;
        try {
          const y = probe.predict(x) as tf.Tensor;
          const values = await y.data();
          y.dispose();
          return values as Float32Array;
        } finally {
          if (activation !== undefined) fused.activation = activation;
        }
      },
    };
  });
  const reports = await lsuvLayers(steps, { tol: options.tol, maxIterations: options.maxIter });
  return reports.map((r, i) => ({ layer: targets[i].name, ...r }));
}
