import { ModelFileError } from "./modelFileError.js";
import type { AuditModel } from "./modelTypes.js";
import { encodeValues } from "./tensorValues.js";

/** Files to write for a rewritten model: relative path → bytes (the main file under `main`). */
export interface RewrittenModel {
  main: string;
  files: Map<string, Uint8Array>;
}

/**
 * A copy of the model in its own format in which only `replaced` tensors differ. ONNX and
 * safetensors are rewritten in place (same encoding, same byte ranges: every other byte is
 * identical; ONNX external-data files are copied with their ranges rewritten). TF.js gets a new
 * model.json whose re-initialized weights are float32 (their quantization dropped) and one shard
 * per weight group.
 * @param mainName the written model's file name (e.g. "model.onnx", "model.json")
 */
export function rewriteModel(
  model: AuditModel,
  bytes: Uint8Array,
  sideFiles: ReadonlyMap<string, Uint8Array>,
  replaced: ReadonlyMap<string, ArrayLike<number>>,
  mainName: string,
): RewrittenModel {
  const files = new Map<string, Uint8Array>();
  if (model.format === "tfjs-layers") return rewriteTfjs(model, bytes, replaced, mainName);
  const main = bytes.slice();
  files.set(mainName, main);
  for (const [name, values] of replaced) {
    const t = model.tensors.get(name);
    if (!t) throw new ModelFileError(`rewrite: no tensor ${JSON.stringify(name)}`);
    if (t.offset < 0)
      throw new ModelFileError(`rewrite: ${name} is stored as unpacked values and cannot be rewritten in place`);
    const enc = encodeValues(values, t.encoding);
    if (enc.length !== t.bytes.length)
      throw new ModelFileError(`rewrite: ${name} would change size (${t.bytes.length} → ${enc.length} bytes)`);
    if (t.file === null) main.set(enc, t.offset);
    else {
      let side = files.get(t.file);
      if (!side) {
        const src = sideFiles.get(t.file);
        if (!src) throw new ModelFileError(`rewrite: external file ${t.file} was not read`);
        side = src.slice();
        files.set(t.file, side);
      }
      // t.offset is relative to the external file
      side.set(enc, t.offset);
    }
  }
  for (const [k, v] of sideFiles) if (!files.has(k)) files.set(k, v);
  return { main: mainName, files };
}

function rewriteTfjs(
  model: AuditModel,
  modelJson: Uint8Array,
  replaced: ReadonlyMap<string, ArrayLike<number>>,
  mainName: string,
): RewrittenModel {
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as {
    weightsManifest: { paths: string[]; weights: { name: string; dtype: string; quantization?: unknown }[] }[];
  };
  const files = new Map<string, Uint8Array>();
  json.weightsManifest.forEach((group, g) => {
    const parts: Uint8Array[] = [];
    for (const w of group.weights) {
      const t = model.tensors.get(w.name);
      if (!t) throw new ModelFileError(`rewrite: no tensor ${JSON.stringify(w.name)}`);
      const values = replaced.get(w.name);
      if (values) {
        parts.push(encodeValues(values, "float32"));
        delete w.quantization;
        w.dtype = "float32";
      } else parts.push(t.bytes);
    }
    const size = parts.reduce((a, p) => a + p.length, 0);
    const shard = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      shard.set(p, o);
      o += p.length;
    }
    const name = `group${g + 1}-shard1of1.bin`;
    group.paths = [name];
    files.set(name, shard);
  });
  files.set(mainName, new TextEncoder().encode(JSON.stringify(json)));
  return { main: mainName, files };
}
