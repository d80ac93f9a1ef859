import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { detectFormat, readModelFile } from "../../src/cli/audit/readModelFile.js";
import { bfloat16ToNumber, float16ToNumber, numberToBfloat16, numberToFloat16 } from "../../src/model/halfFloat.js";
import { ModelFileError } from "../../src/model/modelFileError.js";
import { appendOutputsPatch, readOnnx } from "../../src/model/onnxReader.js";
import { safetensorsAuditModel } from "../../src/model/safetensorsModel.js";
import { tensorValues } from "../../src/model/tensorValues.js";
import { kerasInitializerSpec, tfjsAuditModel } from "../../src/model/tfjsModel.js";
import { expectOneLineError, runCli } from "../cli/helpers.js";
import { denseOnnx, safetensors, tempDir, tfjsModelFolder, writeFile } from "./modelBuilders.js";

const FIXTURES = resolve(__dirname, "../fixtures/models");

function throwsModelError(f: () => unknown, message: RegExp): void {
  let caught: unknown = null;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ModelFileError);
  expect((caught as Error).message).toMatch(message);
  expect((caught as Error).message).not.toContain("\n");
}

describe("ONNX reader", () => {
  it("reads the graph, initializers and producer that initlab's writer wrote", () => {
    const info = readOnnx(denseOnnx([8, 4, 2], "he_normal", { activation: "Tanh", producer: "pytorch" }));
    expect(info.producer).toBe("pytorch");
    expect(info.graph.nodes.map((n) => n.op)).toEqual(["MatMul", "Tanh", "MatMul", "Tanh", "Identity"]);
    expect(info.graph.initializers.map((t) => [t.name, t.shape])).toEqual([["layer0.weight", [8, 4]], ["layer1.weight", [4, 2]]]);
    expect(tensorValues(info.graph.initializers[0])).toHaveLength(32);
  });

  it("appended outputs merge into the graph (protobuf merges a repeated message field)", () => {
    const bytes = denseOnnx([8, 4], "he_normal");
    const patch = appendOutputsPatch(["mm0", "a name with spaces"]);
    const merged = new Uint8Array(bytes.length + patch.length);
    merged.set(bytes);
    merged.set(patch, bytes.length);
    expect(readOnnx(merged).graph.outputs.map((o) => o.name)).toEqual(["y", "mm0", "a name with spaces"]);
  });

  it("refuses lengths beyond the file before allocating, with one line", () => {
    // field 7 (graph), length 2⁶⁰: a varint of 9 bytes
    const hostile = Uint8Array.from([0x08, 0x07, 0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    throwsModelError(() => readOnnx(hostile), /claims \d+ bytes .* only 0 remain/);
    throwsModelError(() => readOnnx(Uint8Array.from([0x08, 0x07, 0x0b])), /wire type 3/);
    throwsModelError(() => readOnnx(Uint8Array.from([0x08])), /truncated varint/);
  });

  it("refuses a tensor whose declared dims do not match its data", () => {
    const bytes = denseOnnx([8, 4], "he_normal");
    // the weight's raw data is 128 bytes; claim dims [8, 5] by patching the dims varint 4 → 5
    const info = readOnnx(bytes);
    const t = info.graph.initializers[0];
    const copy = bytes.slice();
    const dimsAt = copy.indexOf(0x04, copy.indexOf(0x08, t.offset - 40)); // first "4" after the dims tag near the tensor
    copy[dimsAt] = 0x05;
    const broken = readOnnx(copy).graph.initializers[0];
    expect(broken.shape).toEqual([8, 5]);
    throwsModelError(() => tensorValues(broken), /needs 160 bytes of float32, the file has 128/);
  });
});

describe("safetensors reader", () => {
  const w = Float32Array.from({ length: 12 }, (_, i) => i / 10);
  it("reads tensors, pairs x.weight with x.bias, and keeps the byte offsets for rewriting", () => {
    const file = safetensors([{ name: "fc.weight", shape: [3, 4], data: w }, { name: "fc.bias", shape: [3], data: new Float32Array(3) }]);
    const m = safetensorsAuditModel(file);
    expect(m.layers).toHaveLength(1);
    expect(m.layers[0]).toMatchObject({ name: "fc.weight", bias: "fc.bias", layout: "torch" });
    expect(Array.from(tensorValues(m.tensors.get("fc.weight")!))).toEqual(Array.from(w));
  });

  it("refuses a header claiming 2⁶⁰ bytes, offsets outside the file, and a size mismatch, each in one line", () => {
    const file = safetensors([{ name: "w", shape: [3, 4], data: w }]);
    const huge = file.slice();
    new DataView(huge.buffer).setUint32(4, 2 ** 28, true); // header length 2⁶⁰
    throwsModelError(() => safetensorsAuditModel(huge), /header claims \d+ bytes but the file has only/);
    throwsModelError(() => safetensorsAuditModel(safetensors([{ name: "w", shape: [3, 4], data: w }], (h) => ({ w: { ...(h.w as object), data_offsets: [0, 4800] } }))), /outside the 48 data bytes/);
    throwsModelError(() => safetensorsAuditModel(safetensors([{ name: "w", shape: [3, 4], data: w }], () => ({ w: { dtype: "F32", shape: [4, 4], data_offsets: [0, 48] } }))), /needs 64 bytes, data_offsets give 48/);
    throwsModelError(() => safetensorsAuditModel(safetensors([{ name: "w", shape: [3, 4], data: w }], () => ({ w: { dtype: "F99", shape: [3, 4], data_offsets: [0, 48] } }))), /dtype must be one of F32/);
    throwsModelError(() => safetensorsAuditModel(file.subarray(0, 5)), /shorter than its 8-byte header length/);
  });

  it("audits a safetensors file as torch or keras layout", async () => {
    const dir = tempDir("st");
    const data = Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1 * 0.3);
    const file = writeFile(dir, "m.safetensors", safetensors([{ name: "fc.weight", shape: [64, 32], data }]));
    const torch = await runCli(["audit", file, "--json"]);
    expect(JSON.parse(torch.stdout).layers[0]).toMatchObject({ fanIn: 32, fanOut: 64, layout: "torch" });
    const keras = await runCli(["audit", file, "--layout", "keras", "--json"]);
    expect(JSON.parse(keras.stdout).layers[0]).toMatchObject({ fanIn: 64, fanOut: 32, layout: "keras" });
    expect(JSON.parse(keras.stdout).propagation).toBeNull();
  });
});

describe("TF.js LayersModel reader", () => {
  it("maps Keras initializer configs to specs", () => {
    expect(kerasInitializerSpec({ class_name: "VarianceScaling", config: { scale: 2, mode: "fan_in", distribution: "truncated_normal", seed: null } })).toBe("variance_scaling(scale=2,mode=fan_in,distribution=truncated_normal)");
    expect(kerasInitializerSpec({ class_name: "RandomNormal", config: { mean: 0, stddev: 0.05 } })).toBe("normal(mean=0,std=0.05)");
    expect(kerasInitializerSpec({ class_name: "GlorotUniform", config: { seed: null } })).toBe("glorot_uniform");
    expect(kerasInitializerSpec({ class_name: "Mystery" })).toBeNull();
  });

  it("a tfjs Dense stack at its default init: glorotNormal recorded, confirmed, and its 0.7737× variance flagged; propagated through tfjs-layers", async () => {
    const dir = await tfjsModelFolder((tfl) => {
      const m = tfl.sequential();
      m.add(tfl.layers.dense({ units: 256, inputShape: [200], activation: "tanh" }));
      m.add(tfl.layers.dense({ units: 128, kernelInitializer: "heUniform", activation: "relu" }));
      return m;
    });
    const r = await runCli(["audit", dir, "--json", "--batch", "32"]);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.format).toBe("tfjs-layers");
    const [a, b] = rep.layers;
    expect(a.recorded).toEqual({ spec: "variance_scaling(scale=1,mode=fan_avg,distribution=normal)", framework: "tfjs" });
    expect(a.recordedCheck.consistent).toBe(true);
    expect(a.fit.family).toBe("truncated_normal");
    expect(a.findings.join(" ")).toMatch(/0\.7737/);
    expect(b.recordedCheck.consistent).toBe(true);
    expect(b.fit.family).toBe("uniform");
    expect(rep.propagation.nodes.map((n: { layer: number }) => n.layer)).toEqual([0, 1]);
    expect(rep.propagation.nodes[0].saturatedFraction).not.toBeNull();
  });

  it("dequantizes uint8 weights as tfjs does: q·scale + min", async () => {
    const dir = tempDir("q");
    const q = Uint8Array.from({ length: 16 }, (_, i) => i * 16);
    writeFile(dir, "shard.bin", q);
    const manifest = { modelTopology: { class_name: "Sequential", config: { layers: [{ class_name: "Dense", config: { name: "d", units: 4, batch_input_shape: [null, 4] } }] } }, weightsManifest: [{ paths: ["shard.bin"], weights: [{ name: "d/kernel", shape: [4, 4], dtype: "float32", quantization: { dtype: "uint8", min: -1, scale: 0.01 } }] }] };
    writeFile(dir, "model.json", JSON.stringify(manifest));
    const m = readModelFile(join(dir, "model.json")).model;
    expect(Array.from(tensorValues(m.tensors.get("d/kernel")!))).toEqual(Array.from(q, (v) => Math.fround(v * 0.01 - 1)));
  });

  it("refuses a shard path outside the model's folder, and shards whose size does not match the manifest", async () => {
    const dir = tempDir("trav");
    const base = { modelTopology: { class_name: "Sequential", config: { layers: [] } } };
    writeFile(dir, "model.json", JSON.stringify({ ...base, weightsManifest: [{ paths: ["../../etc/passwd"], weights: [] }] }));
    await expectOneLineError(["audit", join(dir, "model.json")], /points outside the model's folder/);
    writeFile(dir, "model.json", JSON.stringify({ ...base, weightsManifest: [{ paths: ["/etc/passwd"], weights: [] }] }));
    await expectOneLineError(["audit", dir], /points outside the model's folder/);
    writeFile(dir, "w.bin", new Uint8Array(10));
    writeFile(dir, "model.json", JSON.stringify({ ...base, weightsManifest: [{ paths: ["w.bin"], weights: [{ name: "k", shape: [4, 4], dtype: "float32" }] }] }));
    await expectOneLineError(["audit", dir], /declares 64 bytes of weights, its shards hold 10/);
    writeFile(dir, "model.json", JSON.stringify({ ...base, weightsManifest: [{ paths: ["w.bin"], weights: [{ name: "k", shape: [2 ** 40, 2 ** 20], dtype: "float32" }] }] }));
    await expectOneLineError(["audit", dir], /too large|declares/);
    expect(() => tfjsAuditModel(new TextEncoder().encode("{"), () => new Uint8Array())).toThrow(ModelFileError);
  });
});

describe("format detection and half floats", () => {
  it("reads the format from the content, whatever the extension", () => {
    expect(detectFormat(readFileSync(join(FIXTURES, "torch_mixed.onnx")))).toBe("onnx");
    expect(detectFormat(new TextEncoder().encode(' {"modelTopology": {}}'))).toBe("tfjs-layers");
    expect(detectFormat(safetensors([{ name: "w", shape: [1], data: new Float32Array(1) }]))).toBe("safetensors");
    expect(detectFormat(Uint8Array.from([0xff, 0xfe, 0, 1, 2, 3, 4, 5, 6]))).toBeNull();
    const dir = tempDir("ext");
    writeFileSync(join(dir, "weights.bin"), readFileSync(join(FIXTURES, "torch_default_mlp.onnx")));
    expect(readModelFile(join(dir, "weights.bin")).format).toBe("onnx");
  });

  it("float16 and bfloat16 round-trip and round to nearest even", () => {
    for (const x of [0, 1, -2.5, 65504, 6.1e-5, 5.96e-8, 0.1]) expect(float16ToNumber(numberToFloat16(x))).toBeCloseTo(x, 3);
    expect(float16ToNumber(numberToFloat16(70000))).toBe(Infinity);
    expect(float16ToNumber(numberToFloat16(1 + 2 ** -11))).toBe(1); // a tie rounds to the even 1.0
    expect(bfloat16ToNumber(numberToBfloat16(1 + 2 ** -8))).toBe(1);
    expect(bfloat16ToNumber(numberToBfloat16(3.140625))).toBe(3.140625);
  });
});
