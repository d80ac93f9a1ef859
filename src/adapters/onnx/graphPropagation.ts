import type * as OrtCommon from "onnxruntime-common";
import { fillNormal } from "../../core/random/normal.js";
import { rngStream } from "../../core/random/Rng.js";
import type { NodeSignal } from "../../audit/nodeSignal.js";
import { nodeSignal, signalEvents } from "../../audit/nodeSignal.js";
import type { PropagationResult } from "../../audit/propagationPlan.js";
import { resolveInputShape, vocabularyFor } from "../../audit/propagationPlan.js";
import type { AuditModel } from "../../model/modelTypes.js";
import { appendOutputsPatch, readOnnx } from "../../model/onnxReader.js";

export interface OnnxPropagationOptions {
  batch: number;
  seed: number;
  /** `--input-shape name=…` overrides */
  inputShapes: ReadonlyMap<string, number[]>;
  /** external-data files beside the model (location → bytes) */
  externalData?: ReadonlyMap<string, Uint8Array>;
  /** called with the names of the outputs being fetched, before the run */
  onStart?: (outputs: number) => void;
}

/** The ONNX model bytes with every given value added as a graph output (see {@link appendOutputsPatch}). */
export function withOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const patch = appendOutputsPatch(names);
  const out = new Uint8Array(bytes.length + patch.length);
  out.set(bytes);
  out.set(patch, bytes.length);
  return out;
}

/**
 * The onnxruntime API initlab uses — the same in onnxruntime-node (the CLI) and onnxruntime-web
 * (the lab, on WebAssembly) — and how it opens a session there.
 */
export interface OrtApi {
  Tensor: typeof OrtCommon.Tensor;
  session(bytes: Uint8Array, externalData?: ReadonlyMap<string, Uint8Array>): Promise<OrtCommon.InferenceSession>;
  /** names the runtime in the report, e.g. "onnxruntime-node (CPU, float32, graph optimizations off)" */
  engine: string;
}

/** Random feeds for a model's inputs: N(0, 1) float32, or token ids uniform below the embedding's vocabulary. */
export function randomFeeds(
  ort: Pick<OrtApi, "Tensor">,
  model: AuditModel,
  options: Pick<OnnxPropagationOptions, "batch" | "seed" | "inputShapes">,
): { feeds: Record<string, OrtCommon.Tensor>; inputs: PropagationResult["inputs"]; notes: string[] } {
  const feeds: Record<string, OrtCommon.Tensor> = Object.create(null); // input names come from the file
  const inputs: PropagationResult["inputs"] = [];
  const notes: string[] = [];
  for (const input of model.inputs) {
    const shape = resolveInputShape(input.name, input.shape, options.batch, options.inputShapes.get(input.name));
    const n = shape.reduce((a, b) => a * b, 1);
    if (n > 2 ** 28)
      throw new RangeError(
        `--input-shape: input ${input.name} of shape ${shape.join("x")} has ${n} values, more than 2^28`,
      );
    const rng = rngStream(options.seed, "audit-input", input.name);
    if (input.dtype === "float32") {
      feeds[input.name] = new ort.Tensor("float32", fillNormal(rng, new Float32Array(n)), shape);
      inputs.push({ name: input.name, shape, dtype: input.dtype, drawn: "N(0, 1)" });
    } else if (input.dtype === "int64" || input.dtype === "int32") {
      const vocab = vocabularyFor(model, input.name);
      const high = vocab ?? 2;
      if (vocab === null)
        notes.push(`input ${input.name} (${input.dtype}) indexes no embedding table initlab found: drew ids in [0, 2)`);
      const ids = Array.from({ length: n }, () => Math.floor(rng.nextDouble() * high));
      feeds[input.name] =
        input.dtype === "int64"
          ? new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), shape)
          : new ort.Tensor("int32", Int32Array.from(ids), shape);
      inputs.push({ name: input.name, shape, dtype: input.dtype, drawn: `ids uniform in [0, ${high})` });
    } else if (input.dtype === "bool") {
      feeds[input.name] = new ort.Tensor("bool", new Uint8Array(n).fill(1), shape);
      inputs.push({ name: input.name, shape, dtype: input.dtype, drawn: "all true" });
    } else {
      throw new RangeError(
        `input ${input.name}: initlab feeds float32, int32, int64 and bool inputs, not ${input.dtype}`,
      );
    }
  }
  return { feeds, inputs, notes };
}

/**
 * Runs a random batch through the model's real graph on onnxruntime with every top-level node's
 * output made a graph output, and measures each float32 node: mean, std, rms, fraction zero,
 * saturation, non-finite values; then the events. Nodes are attributed to the layer whose
 * output (or activation of it) they are. Subgraph bodies and unknown ops run untouched.
 */
export async function propagateOnnxGraph(
  ort: OrtApi,
  bytes: Uint8Array,
  model: AuditModel,
  options: OnnxPropagationOptions,
): Promise<PropagationResult> {
  const ext = options.externalData;
  const info = readOnnx(
    bytes,
    (location, offset, length) =>
      ext?.get(location)?.subarray(offset, length === null ? undefined : offset + length) ?? null,
  );
  const nodes = info.graph.nodes.filter((n) => n.op !== "Constant");
  const existing = new Set(info.graph.outputs.map((o) => o.name));
  const names = [...new Set(nodes.flatMap((n) => n.outputs).filter((o) => o !== "" && !existing.has(o)))];
  const { feeds, inputs, notes } = randomFeeds(ort, model, options);
  options.onStart?.(names.length + existing.size);
  const session = await ort.session(withOutputs(bytes, names), options.externalData);
  let out: OrtCommon.InferenceSession.OnnxValueMapType;
  try {
    out = await session.run(feeds);
  } finally {
    await session.release();
  }
  const { signals, skipped } = nodeSignals(nodes, out, model);
  const unattributed = signals.filter((s) => s.layer === null).length;
  if (unattributed > 0)
    notes.push(
      `${unattributed} of ${signals.length} node outputs belong to no dense/conv/embedding layer (norms, reshapes, element-wise ops): measured, not attributed`,
    );
  if (skipped > 0) notes.push(`${skipped} non-float node outputs (shapes, indices) skipped`);
  const inputSignals = inputs
    .filter((i) => i.dtype === "float32")
    .map((i) =>
      nodeSignal(feeds[i.name].data as Float32Array, { name: i.name, op: "input", layer: null, shape: i.shape }),
    );
  const inputStd = inputSignals[0]?.std ?? signals[0]?.std ?? 1;
  return {
    batch: inputs[0]?.shape[0] ?? options.batch,
    inputs,
    nodes: signals,
    events: signalEvents(signals, inputStd),
    inputStd,
    inputSignals,
    engine: ort.engine,
    notes,
  };
}

/**
 * Every float node output's signal, attributed to the layer whose weights produced it; a node
 * that applies an activation to a layer's output (its only input) counts as that layer's too.
 * Non-float outputs (shapes, indices) are counted as skipped.
 */
function nodeSignals(
  nodes: readonly { op: string; inputs: string[]; outputs: string[] }[],
  out: OrtCommon.InferenceSession.OnnxValueMapType,
  model: AuditModel,
): { signals: NodeSignal[]; skipped: number } {
  const layerOf = new Map<string, number>();
  model.layers.forEach((l, i) => {
    if (l.output) layerOf.set(l.output, i);
  });
  const signals: NodeSignal[] = [];
  let skipped = 0;
  for (const n of nodes) {
    for (const o of n.outputs) {
      const t = out[o];
      if (!t || t.type !== "float32") {
        if (t) skipped++;
        continue;
      }
      let layer = layerOf.get(o) ?? null;
      if (
        layer === null &&
        n.inputs.length === 1 &&
        layerOf.has(n.inputs[0]) &&
        model.layers[layerOf.get(n.inputs[0])!].activation
      )
        layer = layerOf.get(n.inputs[0])!;
      signals.push(nodeSignal(t.data as Float32Array, { name: o, op: n.op, layer, shape: t.dims.map(Number) }));
      if (layer !== null && !layerOf.has(o)) layerOf.set(o, layer); // the activation's output counts as the layer's
    }
  }
  return { signals, skipped };
}
