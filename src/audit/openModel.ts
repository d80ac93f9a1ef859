import { ModelFileError } from "../model/modelFileError.js";
import type { AuditModel, ModelFormat } from "../model/modelTypes.js";
import { onnxAuditModel } from "../model/onnxModel.js";
import { safetensorsAuditModel } from "../model/safetensorsModel.js";
import { tfjsAuditModel } from "../model/tfjsModel.js";

/** Which format the bytes are, from their content: JSON object → TF.js model.json; u64 length + '{' → safetensors; protobuf ModelProto → ONNX. */
export function detectFormat(bytes: Uint8Array): ModelFormat | null {
  let i = 0;
  while (
    i < bytes.length &&
    i < 64 &&
    (bytes[i] === 0x20 ||
      bytes[i] === 0x0a ||
      bytes[i] === 0x0d ||
      bytes[i] === 0x09 ||
      bytes[i] === 0xef ||
      bytes[i] === 0xbb ||
      bytes[i] === 0xbf)
  )
    i++;
  if (bytes[i] === 0x7b) return "tfjs-layers";
  if (bytes.length >= 9) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, 8);
    const n = v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
    if (n > 1 && n <= bytes.length - 8 && bytes[8] === 0x7b) return "safetensors";
  }
  // ModelProto starts with ir_version (field 1, varint: 0x08) in every exporter's output
  if (bytes[0] === 0x08) return "onnx";
  return null;
}

/**
 * Reads a file named inside a model (a TF.js shard, ONNX external data) by its relative name, or
 * throws a one-line ModelFileError; `what` names the reference ("model.json", "onnx external data").
 */
export type SideFileReader = (relative: string, what: string) => Uint8Array;

/** An opened model: its format, the parsed model, and the side files it read (by relative name). */
export interface OpenedModel {
  format: ModelFormat;
  model: AuditModel;
  sideFiles: Map<string, Uint8Array>;
}

/**
 * Opens a model from its bytes, the format read from the content — the one implementation behind
 * `initlab audit` (side files from the model's folder) and the lab's audit view (side files from
 * the files the user picked). Every length and offset is checked against the bytes before use.
 * @param name how errors name the model
 * @param layout the layout of a safetensors file's 2-D weights (default torch)
 * @throws ModelFileError (one line) for anything unreadable, hostile or unsupported.
 */
export function openModel(
  name: string,
  bytes: Uint8Array,
  readSide: SideFileReader,
  layout: "torch" | "keras" = "torch",
): OpenedModel {
  const format = detectFormat(bytes);
  const sideFiles = new Map<string, Uint8Array>();
  const side = (relative: string, what: string) => {
    const data = sideFiles.get(relative) ?? readSide(relative, what);
    sideFiles.set(relative, data);
    return data;
  };
  if (format === "tfjs-layers")
    return { format, model: tfjsAuditModel(bytes, (p) => side(p, "model.json")), sideFiles };
  if (format === "safetensors") return { format, model: safetensorsAuditModel(bytes, layout), sideFiles };
  if (format === "onnx") {
    const model = onnxAuditModel(bytes, (location, offset, length) => {
      const data = side(location, "onnx external data");
      const end = length === null ? data.length : offset + length;
      if (offset > data.length || end > data.length)
        throw new ModelFileError(
          `onnx external data ${JSON.stringify(location)}: offset ${offset} + length ${length} lies outside its ${data.length} bytes`,
        );
      return data.subarray(offset, end);
    });
    return { format, model, sideFiles };
  }
  throw new ModelFileError(
    `model: ${JSON.stringify(name)} is not an ONNX model, a TF.js model.json or a safetensors file (checked its content)`,
  );
}
