import type { ProgressListener } from "../../core/study/progress.js";
import type { AuditReport } from "../../audit/auditReport.js";
import { attachGains, auditSummary, propagationBlock } from "../../audit/auditReport.js";
import type { TensorAudit } from "../../core/audit/auditTensor.js";
import { auditWeights } from "../../audit/auditWeights.js";
import type { PropagationResult } from "../../audit/propagationPlan.js";
import type { ModelFile } from "./readModelFile.js";

export interface RunAuditOptions {
  seed: number;
  batch: number;
  inputShapes: ReadonlyMap<string, number[]>;
  propagate: boolean;
  spectrum: boolean;
  onProgress?: ProgressListener;
}

/** Audits an opened model: every weight tensor, then (ONNX, TF.js) a random batch through its real graph. */
export async function runAudit(file: ModelFile, options: RunAuditOptions): Promise<{ report: AuditReport; audits: TensorAudit[]; propagation: PropagationResult | null }> {
  const model = file.model;
  const { reports, audits } = auditWeights(model, { seed: options.seed, spectrum: options.spectrum, onLayer: (done, total) => options.onProgress?.({ step: "auditing weights", done, total }) });
  let prop: PropagationResult | null = null;
  if (options.propagate && model.format === "onnx") {
    const { propagateOnnx } = await import("../../adapters/onnx/onnxPropagation.js");
    prop = await propagateOnnx(file.bytes, model, { batch: options.batch, seed: options.seed, inputShapes: options.inputShapes, externalData: file.sideFiles });
  } else if (options.propagate && model.format === "tfjs-layers") {
    const { propagateTfjs } = await import("../../adapters/tfjs/tfjsPropagation.js");
    prop = await propagateTfjs(model, { batch: options.batch, seed: options.seed, inputShapes: options.inputShapes });
  }
  if (prop) attachGains(prop, model, reports);
  const report: AuditReport = {
    format: model.format,
    producer: model.producer,
    origin: model.origin,
    seed: options.seed,
    inputs: model.inputs,
    layers: reports,
    propagation: prop ? propagationBlock(prop) : null,
    summary: auditSummary(model, reports, prop),
    notes: [...model.notes, ...(prop?.notes ?? [])],
  };
  return { report, audits, propagation: prop };
}
