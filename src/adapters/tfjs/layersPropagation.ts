import { fillNormal } from "../../core/random/normal.js";
import { rngStream } from "../../core/random/Rng.js";
import type { NodeSignal } from "../../audit/nodeSignal.js";
import { nodeSignal, signalEvents } from "../../audit/nodeSignal.js";
import type { PropagationResult } from "../../audit/propagationPlan.js";
import { resolveInputShape } from "../../audit/propagationPlan.js";
import type { AuditModel } from "../../model/modelTypes.js";

const SATURATING: Record<string, string> = { tanh: "Tanh", sigmoid: "Sigmoid" };

/** The audited TF.js model loaded into tfjs-layers from the bytes initlab read (topology, weight specs and data). */
export async function layersModelOf(
  tf: typeof import("@tensorflow/tfjs-core"),
  tfl: typeof import("@tensorflow/tfjs-layers"),
  model: AuditModel,
): Promise<import("@tensorflow/tfjs-layers").LayersModel> {
  if (!model.tfjs) throw new Error("propagation: not a TF.js model");
  const data = model.tfjs.weightData;
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: model.tfjs.topology as object,
      weightSpecs: model.tfjs.weightSpecs as never,
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    }),
  );
}

/**
 * Runs a random N(0, 1) batch (stream (seed, "audit-input", input name)) through a tfjs-layers
 * model with every layer's output fetched: a layer's output is after its own activation (Keras
 * layers fuse it), so that is what each node measures. `model` is the same model as read for the
 * audit (its layers are matched by name). Runs on whatever backend `tf` has.
 */
export async function propagateLayersModel(
  tf: typeof import("@tensorflow/tfjs-core"),
  tfl: typeof import("@tensorflow/tfjs-layers"),
  loaded: import("@tensorflow/tfjs-layers").LayersModel,
  model: AuditModel,
  options: { batch: number; seed: number; inputShapes: ReadonlyMap<string, number[]> },
  backend: string,
): Promise<PropagationResult> {
  if (loaded.inputs.length !== 1)
    throw new RangeError(
      `propagation: TF.js models with ${loaded.inputs.length} inputs are not supported; initlab feeds one input`,
    );
  const input = loaded.inputs[0];
  const name = input.name;
  const shape = resolveInputShape(
    name,
    input.shape.map((d) => (d === null ? "batch" : d)),
    options.batch,
    options.inputShapes.get(name) ?? options.inputShapes.get("input"),
  );
  const n = shape.reduce((a, b) => a * b, 1);
  if (n > 2 ** 28)
    throw new RangeError(`--input-shape: input of shape ${shape.join("x")} has ${n} values, more than 2^28`);
  const x = fillNormal(rngStream(options.seed, "audit-input", name), new Float32Array(n));
  const layers = loaded.layers.filter((l) => !Array.isArray(l.output) && l.getClassName() !== "InputLayer");
  const probe = tfl.model({ inputs: loaded.inputs, outputs: layers.map((l) => l.output as never) });
  const xt = tf.tensor(x, shape);
  const outs = probe.predict(xt);
  const list = Array.isArray(outs) ? outs : [outs];
  const layerIndex = new Map(model.layers.map((l, i) => [l.output, i] as const));
  const signals: NodeSignal[] = [];
  for (const [i, l] of layers.entries()) {
    const values = (await list[i].data()) as Float32Array;
    signals.push(
      nodeSignal(values, {
        name: l.name,
        op: layerOp(l.getClassName(), l.getConfig() as { activation?: unknown }),
        layer: layerIndex.get(l.name) ?? layerIndex.get(`${l.name}/pointwise_kernel`) ?? null,
        shape: list[i].shape,
      }),
    );
  }
  tf.dispose([xt, ...list]);
  return propagationOf(x, name, shape, options.batch, signals, backend);
}

/** A layer's node name in the report: its class, with its fused activation ("Dense+relu"; tanh and sigmoid by the name that marks them saturating). */
function layerOp(className: string, config: { activation?: unknown }): string {
  const act = typeof config.activation === "string" ? config.activation : null;
  if (act && SATURATING[act]) return SATURATING[act];
  return act && act !== "linear" ? `${className}+${act}` : className;
}

/** The propagation result from the input and the layers' signals. */
function propagationOf(
  x: Float32Array | Float64Array,
  name: string,
  shape: number[],
  batch: number,
  signals: NodeSignal[],
  backend: string,
): PropagationResult {
  const inputSignal = nodeSignal(x, { name, op: "input", layer: null, shape });
  return {
    batch: shape[0] ?? batch,
    inputs: [{ name, shape, dtype: "float32", drawn: "N(0, 1)" }],
    nodes: signals,
    events: signalEvents(signals, inputSignal.std),
    inputStd: inputSignal.std,
    inputSignals: [inputSignal],
    engine: `tfjs-layers 4.22 (${backend} backend, float32)`,
    notes: ["TF.js layers fuse their activation: each layer's node is measured after it"],
  };
}
