/** Builders of small model files for the audit tests: ONNX (initlab's writer), safetensors, TF.js (tfjs-layers). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OnnxInitializer, OnnxNode } from "../../src/adapters/onnx/onnxModel.js";
import { onnxModel } from "../../src/adapters/onnx/onnxModel.js";
import { initialize } from "../../src/core/init/initialize.js";
import { rngStream } from "../../src/core/random/Rng.js";

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `initlab-${prefix}-`));
}

/**
 * A dense MLP as ONNX: MatMul with [in, out] weights drawn by initlab (spec, framework semantics),
 * each followed by `activation` (an ONNX op, or none), input "x" [batch, widths[0]].
 */
export function denseOnnx(
  widths: number[],
  spec: string,
  options: { activation?: string; seed?: number; names?: (l: number) => string; producer?: string } = {},
): Uint8Array {
  const nodes: OnnxNode[] = [];
  const inits: OnnxInitializer[] = [];
  let prev = "x";
  for (let l = 0; l + 1 < widths.length; l++) {
    const w = options.names ? options.names(l) : `layer${l}.weight`;
    const values = initialize(
      spec,
      { shape: [widths[l], widths[l + 1]], layout: "keras" },
      rngStream(options.seed ?? 0, "fixture", l),
    ).values;
    inits.push({ name: w, dims: [widths[l], widths[l + 1]], data: Float32Array.from(values) });
    nodes.push({ op: "MatMul", inputs: [prev, w], outputs: [`mm${l}`] });
    prev = `mm${l}`;
    if (options.activation) {
      nodes.push({ op: options.activation, inputs: [prev], outputs: [`act${l}`] });
      prev = `act${l}`;
    }
  }
  nodes.push({ op: "Identity", inputs: [prev], outputs: ["y"] });
  return onnxModel(
    "fixture",
    nodes,
    [{ name: "x", shape: ["batch", widths[0]] }],
    [{ name: "y", shape: ["batch", widths[widths.length - 1]] }],
    inits,
    options.producer ?? "initlab-test",
  );
}

/** A safetensors file of float32 tensors. */
export function safetensors(
  tensors: { name: string; shape: number[]; data: Float32Array }[],
  headerOverride?: (h: Record<string, unknown>) => unknown,
): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(headerOverride ? headerOverride(header) : header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  let o = 8 + json.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), o);
    o += t.data.byteLength;
  }
  return out;
}

/** Writes a TF.js LayersModel saved by tfjs-layers (model.json + one shard) into a new folder. */
export async function tfjsModelFolder(
  build: (tfl: typeof import("@tensorflow/tfjs-layers")) => import("@tensorflow/tfjs-layers").LayersModel,
): Promise<string> {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const tfl = await import("@tensorflow/tfjs-layers");
  tf.enableProdMode(); // no advice to install tfjs-node on stderr
  await tf.setBackend("cpu");
  // tfjs seeds an initializer without a seed from Math.random: a fixed sequence makes the fixture
  // (and every statistical check on it) the same each run
  const random = Math.random;
  let state = 0x9e3779b9;
  Math.random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let model: import("@tensorflow/tfjs-layers").LayersModel;
  try {
    model = build(tfl);
  } finally {
    Math.random = random;
  }
  const dir = tempDir("tfjs");
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData as ArrayBuffer;
      writeFileSync(join(dir, "weights.bin"), new Uint8Array(data));
      writeFileSync(
        join(dir, "model.json"),
        JSON.stringify({
          modelTopology: a.modelTopology,
          format: a.format,
          generatedBy: a.generatedBy,
          convertedBy: a.convertedBy,
          weightsManifest: [{ paths: ["weights.bin"], weights: a.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return dir;
}

export function writeFile(dir: string, name: string, bytes: Uint8Array | string): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}
