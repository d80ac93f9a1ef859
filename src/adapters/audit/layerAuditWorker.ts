import type { TensorAudit } from "../../core/audit/auditTensor.js";
import type { LayerAuditTask } from "../../audit/auditWeights.js";
import { runLayerAudit } from "../../audit/auditWeights.js";

/** Piscina worker: one layer's audit. */
export default function layerAuditWorker(task: LayerAuditTask): TensorAudit {
  return runLayerAudit(task);
}
