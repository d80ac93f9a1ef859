import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, initializer, InitlabInitializer, lsuv } from "../../src/tfjs/index.js";
import { runCli } from "../cli/helpers.js";

// initlab/tfjs on the pure-JS CPU backend, as a TF.js user would run it (no native code).
const root = mkdtempSync(join(tmpdir(), "initlab-tfjs-"));
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The values of a float32 .npy file written by initlab (little-endian, C order). */
function npyValues(path: string): Float32Array {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const data = bytes.subarray(10 + headerLength);
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** The artifacts `model.save` writes, through an in-memory handler. */
async function saved(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return artifacts!;
}

function mlp(seed: number): tfl.Sequential {
  const m = tfl.sequential();
  m.add(
    tfl.layers.dense({
      units: 128,
      inputShape: [256],
      activation: "relu",
      kernelInitializer: initializer("he_normal", { seed }),
    }),
  );
  m.add(
    tfl.layers.dense({
      units: 128,
      activation: "relu",
      kernelInitializer: initializer("he_normal", { seed: seed + 1 }),
    }),
  );
  m.add(tfl.layers.dense({ units: 10, kernelInitializer: initializer("lecun_normal", { seed: seed + 2 }) }));
  return m;
}

describe("initlab/tfjs initializer", () => {
  it("he_normal in a dense kernel has std √(2/fan_in) and exactly initlab init sample's values for the seed and shape", async () => {
    const m = mlp(5);
    const kernel = (await m.layers[0].getWeights()[0].data()) as Float32Array;
    // 256·128 = 32768 draws: the sample std's relative standard error is 1/√(2n) ≈ 0.39 %; 4 of them
    let ss = 0;
    for (const v of kernel) ss += v * v;
    const std = Math.sqrt(ss / kernel.length);
    expect(Math.abs(std / Math.sqrt(2 / 256) - 1)).toBeLessThan(4 / Math.sqrt(2 * kernel.length));
    const npy = join(root, "he.npy");
    const r = await runCli(["init", "sample", "he_normal", "--shape", "256,128", "--seed", "5", "--out", npy]);
    expect(r.code, r.stderr).toBe(0);
    expect(Array.from(kernel)).toEqual(Array.from(npyValues(npy)));
  });

  it("follows a framework's semantics: keras he_normal is the ±2σ truncated normal", async () => {
    const values = (await initializer("he_normal", { framework: "keras", seed: 1 })
      .apply([512, 64])
      .data()) as Float32Array;
    const bound = (2 * Math.sqrt(2 / 512) * 1.0000001) / 0.87962566103423978;
    expect(Math.max(...Array.from(values, Math.abs))).toBeLessThanOrEqual(bound);
  });

  it("is recorded in a saved model and comes back on reload", async () => {
    const m = mlp(7);
    const artifacts = await saved(m);
    expect(JSON.stringify(artifacts.modelTopology)).toContain(
      '"kernel_initializer":{"class_name":"InitlabInitializer","config":{"name":"he_normal","framework":null,"seed":7}}',
    );
    const back = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const init = (back.layers[0] as unknown as { kernelInitializer: unknown }).kernelInitializer;
    expect(init).toBeInstanceOf(InitlabInitializer);
    expect((init as InitlabInitializer).config).toEqual({ spec: "he_normal", framework: null, seed: 7 });
    const again = await (init as InitlabInitializer).apply([256, 128]).data();
    expect(Array.from(again)).toEqual(Array.from(await m.layers[0].getWeights()[0].data()));
  });

  it("refuses a spec it cannot read when the layer is declared, in one line", () => {
    expect(() => initializer("bogus")).toThrow(/^init: unknown initializer "bogus"/);
    expect(() => initializer("he_normal", { seed: -1 })).toThrow(/seed: must be an integer/);
  });
});

describe("initlab/tfjs audit and lsuv", () => {
  it("audit(model) identifies every layer as initlab audit does on the saved files", async () => {
    const m = mlp(11);
    const report = await audit(m, { batch: 16, seed: 2 });
    const artifacts = await saved(m);
    const dir = join(root, "saved");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "model.json"),
      JSON.stringify({
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      }),
    );
    writeFileSync(join(dir, "weights.bin"), new Uint8Array(artifacts.weightData as ArrayBuffer));
    const r = await runCli(["audit", join(dir, "model.json"), "--json", "--batch", "16", "--seed", "2"]);
    expect(r.code, r.stderr).toBe(0);
    const cli = JSON.parse(r.stdout);
    expect(report.format).toBe("tfjs-layers");
    expect(report.layers.map((l) => l.name)).toEqual(cli.layers.map((l: { name: string }) => l.name));
    for (const [i, layer] of report.layers.entries()) {
      expect(layer.fit).toEqual(cli.layers[i].fit);
      expect(layer.matches).toEqual(cli.layers[i].matches);
      expect(layer.stats).toEqual(cli.layers[i].stats);
    }
    expect(report.layers[0].matches[0].spec).toMatch(/^(he_normal|kaiming_normal)/);
    expect(report.propagation?.nodes.length).toBe(3);
    expect(report.summary[0]).toBe(cli.summary[0]);
  });

  it("lsuv(model, x) leaves every layer's output variance on x (before its fused activation) within 1 ± tol", async () => {
    const m = mlp(13);
    const x = tf.tensor(
      Float32Array.from({ length: 64 * 256 }, (_, i) => Math.sin(i * 12.9898) * 1.7),
      [64, 256],
    );
    const tol = 0.05;
    const reports = await lsuv(m, x, { tol, maxIter: 20 });
    expect(reports.map((r) => r.layer)).toEqual(m.layers.map((l) => l.name));
    let input = x;
    for (const [i, layer] of m.layers.entries()) {
      expect(reports[i].converged).toBe(true);
      // the layer's own output, recomputed here: input·W + b, then its activation for the next layer
      const [w, b] = layer.getWeights();
      const pre = tf.add(tf.matMul(input, w), b);
      const y = (await pre.data()) as Float32Array;
      let mean = 0;
      for (const v of y) mean += v / y.length;
      let variance = 0;
      for (const v of y) variance += (v - mean) ** 2 / y.length;
      expect(Math.abs(variance - 1)).toBeLessThan(tol);
      expect(reports[i].finalVariance).toBeCloseTo(variance, 4);
      input = i < 2 ? tf.relu(pre) : pre;
    }
  });
});
