import { formatBytes } from "../core/internal.js";
import type { AuditReport } from "../audit/auditReport.js";
import type { NamedChart } from "../charts/studyCharts.js";

/** A file the user picked or dropped: its name and bytes (transferred to the worker). */
export interface PickedFile {
  name: string;
  bytes: ArrayBuffer;
}

/** What the audit view asks its worker: audit these files (the model and its side files), optionally re-initialize. */
export interface AuditRequest {
  id: number;
  files: PickedFile[];
  seed: number;
  /** the propagated batch, or null for initlab audit's default (16, fewer for large inputs) */
  batch: number | null;
  /** a spec to re-initialize every layer with (the download), or null */
  reinit: string | null;
  framework: string | null;
  /** LSUV on the real graph (ONNX) from the `reinit` start (default orthogonal), as `initlab audit --lsuv` */
  lsuv: boolean;
}

export type AuditResponse =
  | { id: number; kind: "progress"; message: string }
  | {
      id: number;
      kind: "audit";
      report: AuditReport;
      charts: NamedChart[];
      /** the layer table's "most likely init" column, as `initlab audit` words it */
      likely: string[];
      /** the re-initialized model's files (TF.js: model.json and its shards), or null */
      download: { name: string; bytes: ArrayBuffer }[] | null;
      downloadNote: string | null;
      seconds: number;
    }
  | { id: number; kind: "error"; message: string };

/**
 * The lab's memory budget for a model: the audit holds the files, one decoded float64 copy of the
 * largest tensor and onnxruntime's copy of the graph — a few times the file, which a tab can hold
 * up to about this much.
 */
export const LAB_AUDIT_MAX_BYTES = 256 * 2 ** 20;

/** Refuses files over the lab's memory budget before anything is parsed, with their size and the CLI to use instead. */
export function checkAuditBudget(files: readonly { bytes: { byteLength: number } }[], max = LAB_AUDIT_MAX_BYTES): void {
  if (files.length === 0)
    throw new Error("model: pick a model file (ONNX, TF.js model.json with its shards, or safetensors)");
  const total = files.reduce((n, f) => n + f.bytes.byteLength, 0);
  if (total > max)
    throw new Error(
      `model: ${formatBytes(total)} of files is over the lab's memory budget of ${formatBytes(max)} (the audit holds a few times the model); audit it with the CLI: npx initlab audit FILE`,
    );
}
