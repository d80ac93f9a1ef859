import type { PropagationResult } from "../../audit/propagationPlan.js";
import type { AuditModel } from "../../model/modelTypes.js";
import { layersModelOf, propagateLayersModel } from "./layersPropagation.js";

export { propagateLayersModel } from "./layersPropagation.js";

/**
 * tfjs-core and tfjs-layers, imported on first use, on the WebAssembly backend (SIMD, ≈ 17 GFLOP/s
 * here against ≈ 0.5 for the pure-JS CPU backend; its .wasm files ship in the npm package) with
 * the CPU backend as fallback. Production mode keeps tfjs's advice to install tfjs-node (which does
 * not install here) off stderr.
 */
async function loadTfjs(): Promise<{
  tf: typeof import("@tensorflow/tfjs-core");
  tfl: typeof import("@tensorflow/tfjs-layers");
  backend: string;
}> {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  await import("@tensorflow/tfjs-backend-wasm");
  const tfl = await import("@tensorflow/tfjs-layers");
  tf.enableProdMode();
  const onWasm = await tf.setBackend("wasm").catch(() => false);
  if (!onWasm) await tf.setBackend("cpu");
  return { tf, tfl, backend: tf.getBackend() };
}

/**
 * Loads a TF.js LayersModel into tfjs-layers (WebAssembly backend, imported only here) and runs a
 * random N(0, 1) batch through it ({@link propagateLayersModel}).
 */
export async function propagateTfjs(
  model: AuditModel,
  options: { batch: number; seed: number; inputShapes: ReadonlyMap<string, number[]> },
): Promise<PropagationResult> {
  const { tf, tfl, backend } = await loadTfjs();
  const loaded = await layersModelOf(tf, tfl, model);
  try {
    return await propagateLayersModel(tf, tfl, loaded, model, options, backend);
  } finally {
    loaded.dispose();
  }
}
