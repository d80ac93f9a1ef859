import type { AuditModel } from "../model/modelTypes.js";
import type { NodeSignal, SignalEvents } from "./nodeSignal.js";

/** A random batch's path through a model's real graph, node by node. */
export interface PropagationResult {
  batch: number;
  /** the inputs fed, with the shapes used and how they were drawn */
  inputs: { name: string; shape: number[]; dtype: string; drawn: string }[];
  nodes: NodeSignal[];
  /** indices into `nodes` */
  events: SignalEvents;
  /** std of the (first) float input, the reference for exploding/vanishing */
  inputStd: number;
  /** the float inputs' signals (for the first layer's gain) */
  inputSignals: NodeSignal[];
  engine: string;
  notes: string[];
}

/**
 * Resolves an input's shape for a run: fixed dims as given; a symbolic or missing first dim
 * becomes `batch`; `override` (from `--input-shape name=1x3x224x224`) replaces the whole shape.
 * @throws a one-line error naming the input and the flag to pass when another dim is dynamic.
 */
export function resolveInputShape(
  name: string,
  shape: readonly (number | string)[],
  batch: number,
  override: readonly number[] | undefined,
): number[] {
  if (override) {
    if (override.length !== shape.length && shape.length > 0)
      throw new RangeError(
        `--input-shape: ${name} has ${shape.length} dims [${shape.join(",")}], got ${override.length} (${override.join("x")})`,
      );
    return [...override];
  }
  return shape.map((d, i) => {
    if (typeof d === "number" && d > 0) return d;
    if (i === 0) return batch;
    throw new RangeError(
      `--input-shape: input ${JSON.stringify(name)} has a dynamic dimension ${JSON.stringify(d)} at axis ${i}; pass --input-shape ${name}=${shape.map((x, j) => (j === 0 ? batch : typeof x === "number" && x > 0 ? x : "N")).join("x")}`,
    );
  });
}

/** For a token-id input: the vocabulary size of the embedding table it indexes (a Gather layer), else null. */
export function vocabularyFor(model: AuditModel, input: string): number | null {
  const layer = model.layers.find((l) => l.embedding && l.input === input);
  if (!layer) return null;
  return model.tensors.get(layer.weight)?.shape[0] ?? null;
}

/** Mean-field gain of a dense/conv layer on input x: √(fan_in·E[w²] + E[b²]/E[x²]) — E[(Wx + b)²] = fan_in·E[w²]·E[x²] + E[b²] for independent zero-mean weights. */
export function predictedLayerGain(
  fanIn: number,
  weightMeanSquare: number,
  biasMeanSquare: number,
  inputMeanSquare: number,
): number {
  return Math.sqrt(fanIn * weightMeanSquare + (inputMeanSquare > 0 ? biasMeanSquare / inputMeanSquare : 0));
}

/** Events as layer indices: the event node's layer, or the last layer before it. */
export function eventLayers(
  nodes: readonly NodeSignal[],
  events: SignalEvents,
): Record<keyof SignalEvents, number | null> {
  const layerAt = (i: number | null) => {
    if (i === null) return null;
    for (let j = i; j >= 0; j--) if (nodes[j].layer !== null) return nodes[j].layer;
    return null;
  };
  return {
    valueNonFinite: layerAt(events.valueNonFinite),
    allZero: layerAt(events.allZero),
    exploding: layerAt(events.exploding),
    vanishing: layerAt(events.vanishing),
  };
}

/** The default batch: 16, or fewer so that the first input holds at most 2¹⁹ values (image models on the CPU). */
export function defaultAuditBatch(inputs: readonly { shape: readonly (number | string)[] }[]): number {
  const perExample = inputs[0]
    ? inputs[0].shape.slice(1).reduce<number>((a, d) => a * (typeof d === "number" && d > 0 ? d : 1), 1)
    : 1;
  return Math.max(1, Math.min(16, Math.floor(2 ** 19 / perExample)));
}
