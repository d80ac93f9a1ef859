import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { ModelFileError } from "../../model/modelFileError.js";
import type { AuditModel, ModelFormat } from "../../model/modelTypes.js";
import { openModel } from "../../audit/openModel.js";

/** The largest model file initlab reads (it holds the file and one decoded tensor at a time in memory). */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** A model file read from disk: its bytes (ONNX, safetensors; model.json for TF.js), folder and parsed model. */
export interface ModelFile {
  path: string;
  folder: string;
  format: ModelFormat;
  bytes: Uint8Array;
  model: AuditModel;
  /** external files read beside the model (ONNX external data, TF.js shards), by their relative name */
  sideFiles: Map<string, Uint8Array>;
}

function readWhole(path: string, limit: number, what: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > limit) throw new ModelFileError(`${what}: ${size} bytes is more than initlab reads (${limit} bytes)`);
    const out = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, out, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return out.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Resolves a file named inside a model (a TF.js shard, an ONNX external-data location) relative
 * to the model's folder, refusing anything that leaves it — `..`, absolute paths, or a symlink
 * whose target is outside.
 */
export function insideFolder(folder: string, relative: string, what: string): string {
  if (relative.includes("\0"))
    throw new ModelFileError(`${what}: path ${JSON.stringify(relative)} contains a NUL byte`);
  const root = realpathSync(folder);
  const candidate = resolve(root, relative);
  if (candidate !== root && !candidate.startsWith(root + sep))
    throw new ModelFileError(`${what}: path ${JSON.stringify(relative)} points outside the model's folder`);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new ModelFileError(`${what}: ${JSON.stringify(relative)} does not exist beside the model`);
  }
  if (!real.startsWith(root + sep))
    throw new ModelFileError(`${what}: ${JSON.stringify(relative)} resolves outside the model's folder`);
  return real;
}

/**
 * Opens a model for auditing: a file (format detected from content) or a folder holding
 * `model.json`. TF.js shards and ONNX external data are read only from inside the model's folder.
 * @throws ModelFileError (one line) for anything unreadable, hostile or unsupported.
 */
export function readModelFile(path: string, options: { layout?: "torch" | "keras" } = {}): ModelFile {
  let file = path;
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new ModelFileError(`model: ${JSON.stringify(path)} does not exist`);
  }
  if (st.isDirectory()) {
    file = join(path, "model.json");
    try {
      st = statSync(file);
    } catch {
      throw new ModelFileError(`model: folder ${JSON.stringify(path)} has no model.json; pass the model file itself`);
    }
  }
  if (!st.isFile()) throw new ModelFileError(`model: ${JSON.stringify(path)} is not a file`);
  const folder = dirname(resolve(file));
  const bytes = readWhole(file, MAX_MODEL_BYTES, "model");
  const opened = openModel(
    path,
    bytes,
    (relative, what) =>
      readWhole(
        insideFolder(folder, relative, what),
        MAX_MODEL_BYTES,
        `${what === "model.json" ? "shard" : "external data"} ${JSON.stringify(relative)}`,
      ),
    options.layout ?? "torch",
  );
  return { path: file, folder, bytes, ...opened };
}
