import { parseActivation } from "../core/engine/activations.js";
import { formatStat } from "../core/text/formatStat.js";
import { gaussianExpectation } from "../core/theory/gaussian.js";
import type { AuditModel, ModelFormat, ModelInput } from "../model/modelTypes.js";
import type { LayerReport } from "./auditWeights.js";
import type { NodeSignal, SignalEvents } from "./nodeSignal.js";
import type { PropagationResult } from "./propagationPlan.js";
import { eventLayers, predictedLayerGain } from "./propagationPlan.js";

/** Everything `initlab audit` found, as its `--json` contract. */
export interface AuditReport {
  format: ModelFormat;
  producer: string | null;
  origin: string | null;
  seed: number;
  inputs: ModelInput[];
  layers: LayerReport[];
  propagation: {
    batch: number;
    engine: string;
    inputs: PropagationResult["inputs"];
    nodes: NodeSignal[];
    /** layer indices */
    events: Record<keyof SignalEvents, number | null>;
    /** node names where each event happens */
    eventNodes: Record<keyof SignalEvents, string | null>;
  } | null;
  summary: string[];
  notes: string[];
}

const ACTIVATIONS_WITH_THEORY = new Set([
  "relu",
  "tanh",
  "sigmoid",
  "elu",
  "selu",
  "gelu",
  "softplus",
  "softsign",
  "linear",
]);

/**
 * Writes each layer's gain rms(out)/rms(in) into its output node, beside the mean-field
 * prediction: for the layer's own output √(fan_in·E[w²] + E[b²]/E[x²]) ({@link predictedLayerGain});
 * after its activation φ, √(E[φ(z)²])/rms(in) with z ~ N(0, q), q = fan_in·E[w²]·E[x²] + E[b²]
 * (Poole et al. (2016), "Exponential expressivity in deep neural networks through transient chaos").
 * A layer's input is its graph input, or (TF.js Sequential) the node before it.
 */
export function attachGains(prop: PropagationResult, model: AuditModel, layers: readonly LayerReport[]): void {
  const byName = new Map<string, NodeSignal>();
  for (const s of prop.inputSignals) byName.set(s.name, s);
  for (const [i, node] of prop.nodes.entries()) {
    byName.set(node.name, node);
    if (node.layer === null) continue;
    const layer = model.layers[node.layer];
    const report = layers[node.layer];
    const input = layer.input ? byName.get(layer.input) : i > 0 ? prop.nodes[i - 1] : prop.inputSignals[0];
    if (!input || !(input.rms > 0) || !Number.isFinite(input.rms) || layer.embedding) continue;
    node.gain = node.rms / input.rms;
    const w2 = report.stats.std ** 2 + report.stats.mean ** 2;
    const b2 = report.bias ? report.bias.std ** 2 + report.bias.mean ** 2 : 0;
    const q = report.fanIn * w2 * input.rms ** 2 + b2;
    const fused = model.format === "tfjs-layers";
    const isLayerOutput = node.name === layer.output && !fused;
    if (isLayerOutput || layer.activation === null) {
      node.predictedGain = predictedLayerGain(report.fanIn, w2, b2, input.rms ** 2);
    } else if (ACTIVATIONS_WITH_THEORY.has(layer.activation)) {
      const act = parseActivation(layer.activation);
      node.predictedGain = Math.sqrt(gaussianExpectation((u) => act.f(u) ** 2, q, act.kinks)) / input.rms;
    }
  }
}

const g = (x: number) => formatStat(x, 3);

/** The audit's answer in sentences: what made the weights, and where the signal dies. */
export function auditSummary(
  model: AuditModel,
  layers: readonly LayerReport[],
  prop: PropagationResult | null,
): string[] {
  const out: string[] = [];
  const fitted = layers.filter((l) => l.fit.family !== "unknown");
  const trained = layers.length - fitted.length;
  out.push(
    `${layers.length} weight tensor(s): ${fitted.length} follow an initializer's law${trained > 0 ? `, ${trained} fit none (trained, or an unknown scheme)` : ""}.`,
  );
  const firstMatch = (l: LayerReport) => l.matches.find((m) => m.framework === model.origin) ?? l.matches[0];
  const named = fitted.map((l) => firstMatch(l)).filter((m) => m !== undefined);
  const counts = new Map<string, number>();
  for (const m of named) counts.set(`${m.spec} (${m.framework})`, (counts.get(`${m.spec} (${m.framework})`) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
  if (top.length > 0) out.push(`Most likely initializers: ${top.map(([k, n]) => `${k} × ${n}`).join(", ")}.`);
  const mismatched = layers.filter((l) => l.recordedCheck && !l.recordedCheck.consistent);
  if (mismatched.length > 0)
    out.push(
      `${mismatched.length} layer(s) do not follow the initializer the file records (${mismatched
        .slice(0, 3)
        .map((l) => l.name)
        .join(", ")}${mismatched.length > 3 ? ", …" : ""}).`,
    );
  if (prop) out.push(...propagationSummary(prop, layers));
  else
    out.push(
      model.format === "safetensors" ? "No propagation: safetensors holds no graph." : "No propagation was run.",
    );
  return out;
}

/** The propagation block of the report, with events as layer indices and node names. */
export function propagationBlock(prop: PropagationResult): NonNullable<AuditReport["propagation"]> {
  const name = (i: number | null) => (i === null ? null : prop.nodes[i].name);
  return {
    batch: prop.batch,
    engine: prop.engine,
    inputs: prop.inputs,
    nodes: prop.nodes,
    events: eventLayers(prop.nodes, prop.events),
    eventNodes: {
      valueNonFinite: name(prop.events.valueNonFinite),
      allZero: name(prop.events.allZero),
      exploding: name(prop.events.exploding),
      vanishing: name(prop.events.vanishing),
    },
  };
}

/** The propagation in sentences: where the signal overflows, dies, explodes or vanishes, else its overall gain; saturated nodes. */
function propagationSummary(prop: PropagationResult, layers: readonly LayerReport[]): string[] {
  const out: string[] = [];
  const e = prop.events;
  const at = (i: number) => {
    const n = prop.nodes[i];
    return `${n.name}${n.layer !== null ? ` (layer ${n.layer} ${layers[n.layer].name})` : ""}`;
  };
  if (e.valueNonFinite !== null)
    out.push(`The signal overflows: values become non-finite at node ${e.valueNonFinite} ${at(e.valueNonFinite)}.`);
  if (e.allZero !== null) out.push(`The signal dies: every value is exactly 0 at node ${e.allZero} ${at(e.allZero)}.`);
  if (e.exploding !== null)
    out.push(`The signal explodes: std exceeds 1000× the input's at node ${e.exploding} ${at(e.exploding)}.`);
  if (e.vanishing !== null)
    out.push(`The signal vanishes: std falls below 1/1000 of the input's at node ${e.vanishing} ${at(e.vanishing)}.`);
  const layerNodes = prop.nodes.filter((n) => n.layer !== null && n.gain !== null);
  if (layerNodes.length > 1 && e.valueNonFinite === null && e.allZero === null) {
    const first = prop.inputStd;
    const last = prop.nodes[prop.nodes.length - 1];
    const perLayer = (last.std / first) ** (1 / layers.length);
    if (e.exploding === null && e.vanishing === null)
      out.push(
        `The signal stays within 1000× of the input's std through ${prop.nodes.length} nodes (input ${g(first)}, output ${g(last.std)}; × ${g(perLayer)} per layer on average).`,
      );
  }
  const saturated = prop.nodes.filter((n) => n.saturatedFraction !== null && n.saturatedFraction > 0.5);
  if (saturated.length > 0)
    out.push(
      `${saturated.length} tanh/sigmoid node(s) have more than half their values saturated (|φ′| < 0.05): gradients through them are small.`,
    );
  return out;
}

/**
 * The audit's report from the layers' reports and the propagation (if any): the gains written
 * into the propagated nodes ({@link attachGains}), the summary sentences and every note.
 */
export function auditReportOf(
  model: AuditModel,
  layers: LayerReport[],
  prop: PropagationResult | null,
  seed: number,
  notes: readonly string[] = [],
): AuditReport {
  if (prop) attachGains(prop, model, layers);
  return {
    format: model.format,
    producer: model.producer,
    origin: model.origin,
    seed,
    inputs: model.inputs,
    layers,
    propagation: prop ? propagationBlock(prop) : null,
    summary: auditSummary(model, layers, prop),
    notes: [...model.notes, ...(prop?.notes ?? []), ...notes],
  };
}
