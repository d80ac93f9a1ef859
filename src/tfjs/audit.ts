import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { AuditReport } from "../audit/auditReport.js";
import { auditReportOf } from "../audit/auditReport.js";
import { auditWeights } from "../audit/auditWeights.js";
import { propagateLayersModel } from "../adapters/tfjs/layersPropagation.js";
import { tfjsAuditModel } from "../model/tfjsModel.js";
import type { AuditModel } from "../model/modelTypes.js";

const SHARD = "weights.bin";

/** The model's `model.json` and weights as `model.save` writes them (through an in-memory save handler). */
async function savedArtifacts(model: tfl.LayersModel): Promise<{ json: Uint8Array; weights: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a?.modelTopology || !a.weightSpecs) throw new Error("audit: the model saved no topology or weights");
  const parts = a.weightData === undefined ? [] : Array.isArray(a.weightData) ? a.weightData : [a.weightData];
  const size = parts.reduce((n, b) => n + b.byteLength, 0);
  const weights = new Uint8Array(size);
  let offset = 0;
  for (const b of parts) {
    weights.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  const manifest = {
    format: a.format ?? "layers-model",
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [SHARD], weights: a.weightSpecs }],
  };
  return { json: new TextEncoder().encode(JSON.stringify(manifest)), weights };
}

/** The model as initlab's audit reads it: exactly what `initlab audit` reads from the saved files. */
export async function auditModelOf(model: tfl.LayersModel): Promise<AuditModel> {
  const { json, weights } = await savedArtifacts(model);
  return tfjsAuditModel(json, (path) => {
    if (path !== SHARD) throw new Error(`audit: unexpected shard ${path}`);
    return weights;
  });
}

/**
 * `initlab audit model.json --json` for an in-memory tfjs-layers model: every layer's weights
 * identified (which initializer made them, fans, spectrum, findings) and a random N(0, 1) batch of
 * `batch` rows (stream (seed, "audit-input", input)) propagated through the model's own layers on
 * the current backend. The model is read as it would be saved (`model.save`), so the report is the
 * one `initlab audit` gives for the saved files.
 * @param options.batch default 32. @param options.seed default 0.
 */
export async function audit(
  model: tfl.LayersModel,
  options: { batch?: number; seed?: number } = {},
): Promise<AuditReport> {
  const seed = options.seed ?? 0;
  const batch = options.batch ?? 32;
  const read = await auditModelOf(model);
  const { reports } = await auditWeights(read, { seed, spectrum: true });
  const prop = await propagateLayersModel(
    tf,
    tfl,
    model,
    read,
    { batch, seed, inputShapes: new Map() },
    tf.getBackend(),
  );
  return auditReportOf(read, reports, prop, seed);
}
