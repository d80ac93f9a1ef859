import type { TensorAudit } from "../core/audit/auditTensor.js";
import type { WeightFit } from "../core/audit/weightFit.js";
import { auditTensor } from "../core/audit/auditTensor.js";
import { weightStats } from "../core/audit/weightStats.js";
import type { KernelContext } from "../core/init/kernel.js";
import { kernelContext } from "../core/init/kernel.js";
import { rngStream } from "../core/random/Rng.js";
import type { AuditModel, ModelLayer, WeightLayout } from "../model/modelTypes.js";
import { quantizationStep, tensorValues } from "../model/tensorValues.js";

/** One layer of the `initlab audit --json` contract. */
export interface LayerReport {
  name: string;
  /** the graph node (ONNX) or Keras layer using the weight */
  node: string;
  op: string;
  weight: string;
  shape: number[];
  layout: WeightLayout;
  fanIn: number;
  fanOut: number;
  groups: number;
  frameworkFans: TensorAudit["frameworkFans"];
  stats: { mean: number; std: number; min: number; max: number; kurtosis: number; zeroFraction: number };
  /** the fitted law, without the families tried (see {@link WeightFit}) */
  fit: Omit<WeightFit, "tried">;
  matches: { spec: string; framework: string; note: string; pValue: number }[];
  recorded: { spec: string; framework: string } | null;
  recordedCheck: { consistent: boolean; stdRatio: number; statistic: number; pValue: number } | null;
  distances: { spec: string; framework: string; stdRatio: number; statistic: number }[];
  spectrum: {
    method: string;
    stableRank: number;
    spectralNorm: number;
    mpBulkEdge: number;
    spikes: number;
    alpha: number | null;
    alphaXmin: number | null;
    alphaTail: number | null;
    eigenvaluesComputed: number;
  } | null;
  bias: { name: string; mean: number; std: number; min: number; max: number } | null;
  extras: { name: string; shape: number[]; mean: number; std: number; min: number; max: number }[];
  activation: string | null;
  quantized: boolean;
  findings: string[];
}

/** A layer's kernel context: torch layout as stored; keras and ONNX [in, out] as keras layout. */
export function layerContext(layer: ModelLayer, shape: readonly number[]): KernelContext {
  return kernelContext(shape, {
    layout: layer.layout === "torch" ? "torch" : "keras",
    groups: layer.depthwise && layer.layout === "keras" ? 1 : layer.groups,
    transposed: layer.transposed,
    depthwise: layer.depthwise && layer.layout === "keras",
  });
}

function brief(
  model: AuditModel,
  name: string,
): { name: string; shape: number[]; mean: number; std: number; min: number; max: number } | null {
  const t = model.tensors.get(name);
  if (!t) return null;
  try {
    const s = weightStats(tensorValues(t));
    return { name, shape: t.shape, mean: s.mean, std: s.std, min: s.min, max: s.max };
  } catch {
    return null;
  }
}

/** Everything one layer's audit needs, as plain data (it can cross to a worker thread). */
export interface LayerAuditTask {
  index: number;
  seed: number;
  values: Float32Array | Float64Array;
  ctx: KernelContext;
  step: number;
  origin: AuditModel["origin"];
  recorded: { spec: string; framework: NonNullable<AuditModel["origin"]> } | null;
  spectrum: boolean;
  embedding: boolean;
}

/** Runs one layer's {@link auditTensor} with its own stream (seed, "audit", layer index), so results do not depend on order or thread. */
export function runLayerAudit(t: LayerAuditTask): TensorAudit {
  return auditTensor(t.values, t.ctx, {
    step: t.step,
    origin: t.origin,
    recorded: t.recorded,
    spectrum: t.spectrum,
    embedding: t.embedding,
    rng: rngStream(t.seed, "audit", t.index),
  });
}

/** Runs layer audits: in this thread by default, or on a pool (the CLI's worker threads). */
export type LayerAuditRunner = (task: LayerAuditTask) => Promise<TensorAudit>;

/**
 * Audits every layer's weight tensor ({@link runLayerAudit}) — in parallel when `run` is a pool —
 * and assembles each layer's report; `onLayer` reports progress as layers finish.
 */
export async function auditWeights(
  model: AuditModel,
  options: {
    seed: number;
    spectrum?: boolean;
    onLayer?: (done: number, total: number, name: string) => void;
    run?: LayerAuditRunner;
    concurrency?: number;
  },
): Promise<{ reports: LayerReport[]; audits: TensorAudit[] }> {
  const run = options.run ?? (async (t: LayerAuditTask) => runLayerAudit(t));
  let done = 0;
  let next = 0;
  const audits: TensorAudit[] = new Array(model.layers.length);
  // at most `concurrency` layers' values decoded at once (each is a copy of the tensor)
  const lane = async () => {
    while (next < model.layers.length) {
      const i = next++;
      const layer = model.layers[i];
      const t = model.tensors.get(layer.weight)!;
      audits[i] = await run({
        index: i,
        seed: options.seed,
        values: tensorValues(t),
        ctx: layerContext(layer, t.shape),
        step: quantizationStep(t),
        origin: model.origin,
        recorded: layer.recorded ? { spec: layer.recorded.spec, framework: layer.recorded.framework } : null,
        spectrum: options.spectrum !== false && !layer.embedding,
        embedding: layer.embedding,
      });
      options.onLayer?.(++done, model.layers.length, layer.name);
    }
  };
  await Promise.all(Array.from({ length: options.run ? Math.max(1, options.concurrency ?? 4) : 1 }, lane));
  const reports = model.layers.map((layer, i) => layerReport(model, layer, audits[i]));
  return { reports, audits };
}

/**
 * A transposed conv with strides s: each output sums over fan_in/∏s inputs on average, not the
 * kernel's fan_in; the audit's fans are corrected, with a finding saying so.
 */
function stridedTransposedFans(layer: ModelLayer, a: TensorAudit): void {
  if (!layer.transposed || !layer.strides || !layer.strides.every((x) => Number.isInteger(x) && x >= 1)) return;
  const st = layer.strides.reduce((x, y) => x * y, 1);
  if (st === 1) return;
  a.findings.push(
    `transposed conv with strides [${layer.strides.join(",")}]: each output sums over fan_in/${st} = ${a.fans.fanIn / st} inputs on average, not the kernel's ${a.fans.fanIn}`,
  );
  a.fans = { ...a.fans, fanIn: a.fans.fanIn / st, rule: `${a.fans.rule}, fan_in / ∏strides` };
}

/** The report's spectrum: the summary numbers, without the eigenvalues themselves. */
function spectrumReport(sp: NonNullable<TensorAudit["spectrum"]>): NonNullable<LayerReport["spectrum"]> {
  return {
    method: sp.method,
    stableRank: sp.stableRank,
    spectralNorm: sp.spectralNorm,
    mpBulkEdge: sp.mpBulkEdge,
    spikes: sp.spikes,
    alpha: sp.alpha,
    alphaXmin: sp.alphaFit?.xmin ?? null,
    alphaTail: sp.alphaFit?.tail ?? null,
    eigenvaluesComputed: sp.eigenvalues.length,
  };
}

/** One layer's entry of the report, from its tensor audit (fans corrected for a transposed conv's strides). */
function layerReport(model: AuditModel, layer: ModelLayer, a: TensorAudit): LayerReport {
  const t = model.tensors.get(layer.weight)!;
  stridedTransposedFans(layer, a);
  const b = layer.bias ? brief(model, layer.bias) : null;
  const findings = [...a.findings];
  const { tried: _tried, ...fit } = a.fit;
  if (b && b.std === 0 && b.mean === 0 && a.fit.family !== "unknown") findings.push("bias = 0");
  return {
    name: layer.name,
    node: layer.node,
    op: layer.op,
    weight: layer.weight,
    shape: t.shape,
    layout: layer.layout,
    fanIn: a.fans.fanIn,
    fanOut: a.fans.fanOut,
    groups: layer.depthwise && layer.layout === "keras" ? t.shape[t.shape.length - 2] : layer.groups,
    frameworkFans: a.frameworkFans,
    stats: {
      mean: a.stats.mean,
      std: a.stats.std,
      min: a.stats.min,
      max: a.stats.max,
      kurtosis: a.stats.kurtosis,
      zeroFraction: a.stats.zeroFraction,
    },
    fit,
    matches: a.matches.map((m) => ({ spec: m.spec, framework: m.framework, note: m.note, pValue: m.pValue })),
    recorded: layer.recorded ? { spec: layer.recorded.spec, framework: layer.recorded.framework } : null,
    recordedCheck: a.recorded
      ? {
          consistent: a.recorded.consistent,
          stdRatio: a.recorded.stdRatio,
          statistic: a.recorded.statistic,
          pValue: a.recorded.pValue,
        }
      : null,
    distances: a.distances.map((d) => ({
      spec: d.spec,
      framework: d.framework,
      stdRatio: d.stdRatio,
      statistic: d.statistic,
    })),
    spectrum: a.spectrum ? spectrumReport(a.spectrum) : null,
    bias: b ? { name: b.name, mean: b.mean, std: b.std, min: b.min, max: b.max } : null,
    extras: layer.extras.map((n) => brief(model, n)).filter((x): x is NonNullable<typeof x> => x !== null),
    activation: layer.activation,
    quantized: t.quantization !== null || t.encoding === "float16",
    findings,
  };
}
