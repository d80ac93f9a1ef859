import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { detectFormat } from "../../src/audit/openModel.js";
import { readModelFile } from "../../src/cli/audit/readModelFile.js";
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
    expect(info.graph.initializers.map((t) => [t.name, t.shape])).toEqual([
      ["layer0.weight", [8, 4]],
      ["layer1.weight", [4, 2]],
    ]);
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
    const file = safetensors([
      { name: "fc.weight", shape: [3, 4], data: w },
      { name: "fc.bias", shape: [3], data: new Float32Array(3) },
    ]);
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
    throwsModelError(
      () =>
        safetensorsAuditModel(
          safetensors([{ name: "w", shape: [3, 4], data: w }], (h) => ({
            w: { ...(h.w as object), data_offsets: [0, 4800] },
          })),
        ),
      /outside the 48 data bytes/,
    );
    throwsModelError(
      () =>
        safetensorsAuditModel(
          safetensors([{ name: "w", shape: [3, 4], data: w }], () => ({
            w: { dtype: "F32", shape: [4, 4], data_offsets: [0, 48] },
          })),
        ),
      /needs 64 bytes, data_offsets give 48/,
    );
    throwsModelError(
      () =>
        safetensorsAuditModel(
          safetensors([{ name: "w", shape: [3, 4], data: w }], () => ({
            w: { dtype: "F99", shape: [3, 4], data_offsets: [0, 48] },
          })),
        ),
      /dtype must be one of F32/,
    );
    throwsModelError(() => safetensorsAuditModel(file.subarray(0, 5)), /shorter than its 8-byte header length/);
  });

  it("audits a safetensors file as torch or keras layout", async () => {
    const dir = tempDir("st");
    const data = Float32Array.from({ length: 64 * 32 }, (_, i) => ((Math.sin(i * 12.9898) * 43758.5453) % 1) * 0.3);
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
    expect(
      kerasInitializerSpec({
        class_name: "VarianceScaling",
        config: { scale: 2, mode: "fan_in", distribution: "truncated_normal", seed: null },
      }),
    ).toBe("variance_scaling(scale=2,mode=fan_in,distribution=truncated_normal)");
    expect(kerasInitializerSpec({ class_name: "RandomNormal", config: { mean: 0, stddev: 0.05 } })).toBe(
      "normal(mean=0,std=0.05)",
    );
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
    expect(a.recorded).toEqual({
      spec: "variance_scaling(scale=1,mode=fan_avg,distribution=normal)",
      framework: "tfjs",
    });
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
    const manifest = {
      modelTopology: {
        class_name: "Sequential",
        config: { layers: [{ class_name: "Dense", config: { name: "d", units: 4, batch_input_shape: [null, 4] } }] },
      },
      weightsManifest: [
        {
          paths: ["shard.bin"],
          weights: [
            {
              name: "d/kernel",
              shape: [4, 4],
              dtype: "float32",
              quantization: { dtype: "uint8", min: -1, scale: 0.01 },
            },
          ],
        },
      ],
    };
    writeFile(dir, "model.json", JSON.stringify(manifest));
    const m = readModelFile(join(dir, "model.json")).model;
    expect(Array.from(tensorValues(m.tensors.get("d/kernel")!))).toEqual(
      Array.from(q, (v) => Math.fround(v * 0.01 - 1)),
    );
  });

  it("refuses a shard path outside the model's folder, and shards whose size does not match the manifest", async () => {
    const dir = tempDir("trav");
    const base = { modelTopology: { class_name: "Sequential", config: { layers: [] } } };
    writeFile(
      dir,
      "model.json",
      JSON.stringify({ ...base, weightsManifest: [{ paths: ["../../etc/passwd"], weights: [] }] }),
    );
    await expectOneLineError(["audit", join(dir, "model.json")], /points outside the model's folder/);
    writeFile(
      dir,
      "model.json",
      JSON.stringify({ ...base, weightsManifest: [{ paths: ["/etc/passwd"], weights: [] }] }),
    );
    await expectOneLineError(["audit", dir], /points outside the model's folder/);
    writeFile(dir, "w.bin", new Uint8Array(10));
    writeFile(
      dir,
      "model.json",
      JSON.stringify({
        ...base,
        weightsManifest: [{ paths: ["w.bin"], weights: [{ name: "k", shape: [4, 4], dtype: "float32" }] }],
      }),
    );
    await expectOneLineError(["audit", dir], /declares 64 bytes of weights, its shards hold 10/);
    writeFile(
      dir,
      "model.json",
      JSON.stringify({
        ...base,
        weightsManifest: [{ paths: ["w.bin"], weights: [{ name: "k", shape: [2 ** 40, 2 ** 20], dtype: "float32" }] }],
      }),
    );
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
    for (const x of [0, 1, -2.5, 65504, 6.1e-5, 5.96e-8, 0.1])
      expect(float16ToNumber(numberToFloat16(x))).toBeCloseTo(x, 3);
    expect(float16ToNumber(numberToFloat16(70000))).toBe(Infinity);
    expect(float16ToNumber(numberToFloat16(1 + 2 ** -11))).toBe(1); // a tie rounds to the even 1.0
    expect(bfloat16ToNumber(numberToBfloat16(1 + 2 ** -8))).toBe(1);
    expect(bfloat16ToNumber(numberToBfloat16(3.140625))).toBe(3.140625);
  });
});

describe("TF.js layer zoo and ONNX token inputs", () => {
  it("Conv2D, DepthwiseConv2D, SeparableConv2D and Conv2DTranspose: real fans and keras/tfjs fans", async () => {
    const dir = await tfjsModelFolder((tfl) => {
      const m = tfl.sequential();
      m.add(tfl.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [12, 12, 4], padding: "same" }));
      m.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" }));
      m.add(tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: "same" }));
      m.add(tfl.layers.conv2dTranspose({ filters: 5, kernelSize: 4, strides: 2, padding: "same" }));
      return m;
    });
    const r = await runCli(["audit", dir, "--json", "--batch", "2"]);
    expect(r.code).toBe(0);
    const layers = JSON.parse(r.stdout).layers as {
      op: string;
      name: string;
      fanIn: number;
      fanOut: number;
      frameworkFans: Record<string, { fanIn: number; fanOut: number }>;
      recordedCheck: { consistent: boolean };
    }[];
    expect(layers.map((l) => l.op)).toEqual([
      "Conv2D",
      "DepthwiseConv2D",
      "SeparableConv2D",
      "SeparableConv2D",
      "Conv2DTranspose",
    ]);
    const [conv, dw, sepDw, sepPw, tr] = layers;
    expect(conv).toMatchObject({ fanIn: 36, fanOut: 72 });
    // depthwise [3, 3, 8, 2]: each output sees 9 inputs of its own channel; keras counts every input channel in fan_in
    expect(dw).toMatchObject({ fanIn: 9, fanOut: 18 });
    expect(dw.frameworkFans.keras).toEqual({ fanIn: 72, fanOut: 18 });
    expect(sepDw.name).toMatch(/depthwise_kernel$/);
    expect(sepPw).toMatchObject({ fanIn: 16, fanOut: 6 }); // pointwise [1, 1, 16, 6] after the depthwise [3, 3, 16, 1]
    // Conv2DTranspose [4, 4, 5, 6] stride 2: each output sums over 6·16/4 inputs
    expect(tr).toMatchObject({ fanIn: 24, fanOut: 80 });
    for (const l of layers) expect(l.recordedCheck.consistent).toBe(true);
  });

  it("token-id inputs get random ids below the embedding table's size", async () => {
    const { onnxModel } = await import("../../src/adapters/onnx/onnxModel.js");
    const table = Float32Array.from({ length: 50 * 8 }, (_, i) => Math.sin(i));
    const bytes = onnxModel(
      "emb",
      [{ op: "Gather", inputs: ["table", "ids"], outputs: ["e"] }],
      [{ name: "ids", shape: ["batch", 6], elemType: 7 }],
      [{ name: "e", shape: ["batch", 6, 8] }],
      [{ name: "table", dims: [50, 8], data: table }],
    );
    const file = writeFile(tempDir("ids"), "emb.onnx", bytes);
    const rep = JSON.parse((await runCli(["audit", file, "--json"])).stdout);
    expect(rep.layers[0]).toMatchObject({ op: "Gather", shape: [50, 8] });
    expect(rep.propagation.inputs[0]).toMatchObject({ name: "ids", dtype: "int64", drawn: "ids uniform in [0, 50)" });
    expect(rep.propagation.nodes[0].layer).toBe(0);
  });

  it("refuses ONNX external data that is not beside the model, and reads it when it is", async () => {
    const { ProtoWriter } = await import("../../src/adapters/onnx/protobuf.js");
    const model = (location: string) => {
      const w = new ProtoWriter();
      w.int(1, 9).message(7, (g) => {
        g.message(1, (n) => n.string(1, "x").string(1, "W").string(2, "y").string(4, "MatMul"));
        g.message(5, (t) => {
          t.int(1, 4).int(1, 4).int(2, 1).string(8, "W").int(14, 1);
          t.message(13, (e) => e.string(1, "location").string(2, location));
          t.message(13, (e) => e.string(1, "length").string(2, "64"));
        });
        g.message(11, (v) =>
          v
            .string(1, "x")
            .message(2, (tp) =>
              tp.message(1, (tt) =>
                tt.int(1, 1).message(2, (s) => s.message(1, (d) => d.int(1, 2)).message(1, (d) => d.int(1, 4))),
              ),
            ),
        );
        g.message(12, (v) => v.string(1, "y"));
      });
      w.message(8, (o) => o.string(1, "").int(2, 17));
      return w.finish();
    };
    const dir = tempDir("ext");
    await expectOneLineError(
      ["audit", writeFile(dir, "a.onnx", model("../outside.bin"))],
      /points outside the model's folder/,
    );
    await expectOneLineError(
      ["audit", writeFile(dir, "b.onnx", model("missing.bin"))],
      /does not exist beside the model/,
    );
    writeFile(dir, "w.bin", new Uint8Array(new Float32Array(16).fill(0.25).buffer));
    const ok = await runCli(["audit", writeFile(dir, "c.onnx", model("w.bin")), "--json"]);
    expect(ok.stderr).toBe("");
    const rep = JSON.parse(ok.stdout);
    expect(rep.layers[0].fit).toMatchObject({ family: "constant", value: 0.25 });
    writeFile(dir, "short.bin", new Uint8Array(10));
    await expectOneLineError(["audit", writeFile(dir, "d.onnx", model("short.bin"))], /lies outside its 10 bytes/);
  });

  it("dequantizes tfjs float16 weights", async () => {
    const dir = tempDir("f16");
    const halves = Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x0001]); // 1, -2, 0.5, 2⁻²⁴
    writeFile(dir, "shard.bin", new Uint8Array(halves.buffer));
    writeFile(
      dir,
      "model.json",
      JSON.stringify({
        modelTopology: { class_name: "Sequential", config: { layers: [] } },
        weightsManifest: [
          {
            paths: ["shard.bin"],
            weights: [{ name: "k", shape: [2, 2], dtype: "float32", quantization: { dtype: "float16" } }],
          },
        ],
      }),
    );
    const m = readModelFile(dir).model;
    expect(Array.from(tensorValues(m.tensors.get("k")!))).toEqual([1, -2, 0.5, 2 ** -24]);
  });
});
