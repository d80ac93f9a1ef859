import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneLineError, runCli } from "../cli/helpers.js";
import { denseOnnx, tempDir, writeFile } from "./modelBuilders.js";

const FIXTURES = resolve(__dirname, "../fixtures/models");

interface Layer {
  name: string;
  op: string;
  shape: number[];
  fanIn: number;
  fanOut: number;
  groups: number;
  layout: string;
  frameworkFans: Record<string, { fanIn: number; fanOut: number }>;
  stats: { std: number };
  fit: { family: string; std: number; bound: number | null; gain: number | null; value: number | null; pValue: number };
  matches: { spec: string; framework: string; note: string }[];
  spectrum: { spikes: number; stableRank: number } | null;
  findings: string[];
}
interface Report {
  format: string;
  layers: Layer[];
  propagation: {
    batch: number;
    nodes: { name: string; layer: number | null; std: number; gain: number | null; predictedGain: number | null }[];
    events: Record<string, number | null>;
    eventNodes: Record<string, string | null>;
  } | null;
  summary: string[];
}

async function auditJson(args: string[]): Promise<Report> {
  const r = await runCli(["audit", ...args, "--json"]);
  expect(r.stderr.replace(/^initlab: auditing.*\n/gm, "")).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe("initlab audit (PyTorch exports)", () => {
  it("a PyTorch MLP left at its default init: every weight uniform with bound 1/√fan_in, named torch default", async () => {
    const r = await auditJson([join(FIXTURES, "torch_default_mlp.onnx")]);
    expect(r.format).toBe("onnx");
    expect(r.layers.map((l) => l.op)).toEqual(["Gemm", "Gemm", "Gemm"]);
    for (const l of r.layers) {
      expect(l.layout).toBe("torch");
      expect(l.fit.family).toBe("uniform");
      // the fitted bound is the sample's range, within a few 1/n of 1/√fan_in
      expect(Math.abs(l.fit.bound! * Math.sqrt(l.fanIn) - 1)).toBeLessThan(20 / (l.fanIn * l.fanOut));
      expect(l.matches[0]).toMatchObject({ spec: "kaiming_uniform(a=2.23606797749979)", framework: "torch" });
      expect(l.matches[0].note).toMatch(/torch default/);
    }
  });

  it("a mixed model: Xavier normal, Kaiming fan_out, orthogonal (MatMul [in, out]), trunc_normal_(std=0.02) and zeros, each identified", async () => {
    const r = await auditJson([join(FIXTURES, "torch_mixed.onnx")]);
    const [xavier, kaiming, orth, trunc, zeros] = r.layers;
    const se = (l: Layer, std: number) => (5 * std) / Math.sqrt(2 * l.shape[0] * l.shape[1]);
    expect(xavier.fit.family).toBe("normal");
    expect(Math.abs(xavier.fit.std - Math.sqrt(2 / (128 + 256)))).toBeLessThan(se(xavier, Math.sqrt(2 / 384)));
    expect(xavier.matches.some((m) => m.spec === "glorot_normal" && m.framework === "torch")).toBe(true);
    expect(kaiming.fit.family).toBe("normal");
    expect(Math.abs(kaiming.fit.std - Math.sqrt(2 / 256))).toBeLessThan(se(kaiming, Math.sqrt(2 / 256)));
    expect(kaiming.matches.some((m) => m.spec === "kaiming_normal(mode=fan_out,nonlinearity=relu)")).toBe(true);
    expect(orth.op).toBe("MatMul");
    expect(orth.layout).toBe("onnx-matmul");
    expect(orth.fit.family).toBe("orthogonal");
    expect(orth.fit.gain).toBeCloseTo(1, 5);
    expect(trunc.fit.family).toBe("normal"); // torch's a, b are absolute: ±2 is 100σ for std 0.02
    expect(Math.abs(trunc.fit.std - 0.02)).toBeLessThan(se(trunc, 0.02));
    expect(trunc.matches.some((m) => m.spec === "trunc_normal(std=0.02)" && m.framework === "torch")).toBe(true);
    expect(zeros.fit).toMatchObject({ family: "constant", value: 0 });
    expect(zeros.matches[0].spec).toBe("zeros");
  });

  it("grouped, depthwise and transposed convs get their real fans and each framework's", async () => {
    const r = await auditJson([join(FIXTURES, "torch_convs.onnx")]);
    const [plain, grouped, depthwise, transposed] = r.layers;
    expect(plain).toMatchObject({ fanIn: 27, fanOut: 288, groups: 1 });
    expect(grouped).toMatchObject({ fanIn: 72, fanOut: 144, groups: 4 });
    expect(grouped.frameworkFans.torch).toEqual({ fanIn: 72, fanOut: 576 });
    expect(depthwise).toMatchObject({ fanIn: 9, fanOut: 9, groups: 64 });
    expect(depthwise.frameworkFans.torch).toEqual({ fanIn: 9, fanOut: 576 });
    // ConvTranspose2d(64, 16, 4, stride 2): weight [in, out, k, k]; each output sums over 64·16/4 inputs
    expect(transposed).toMatchObject({ op: "ConvTranspose", fanIn: 256, fanOut: 256 });
    expect(transposed.frameworkFans.torch).toEqual({ fanIn: 256, fanOut: 1024 });
    expect(transposed.findings.join(" ")).toMatch(/in\/out axes swapped/);
    for (const l of r.layers) expect(l.matches[0].note).toMatch(/torch default/);
  });

  it("propagates a random batch through the real graph, with each layer's gain beside its mean-field prediction", async () => {
    const r = await auditJson([join(FIXTURES, "torch_default_mlp.onnx"), "--batch", "64"]);
    const p = r.propagation!;
    expect(p.batch).toBe(64);
    const layerOutputs = p.nodes.filter((n) => n.layer !== null && n.gain !== null);
    expect(layerOutputs.length).toBeGreaterThanOrEqual(3);
    // rms gain of a linear layer: E[(Wx)²] = fan_in·E[w²]·E[x²]; 64×fan_out outputs estimate it to within ~10 %
    for (const n of layerOutputs.filter((n) => /Gemm/.test(n.name) || n.name === "y"))
      expect(Math.abs(n.gain! / n.predictedGain! - 1)).toBeLessThan(0.2);
    expect(r.summary.join(" ")).toMatch(/stays within 1000×/);
  });
});

describe("initlab audit (signals that die)", () => {
  it("a 32-layer N(0,1) linear net of width 512 overflows float32 near layer 27–28, named in words", async () => {
    const dir = tempDir("explode");
    const file = writeFile(dir, "linear.onnx", denseOnnx(Array(33).fill(512), "normal(std=1)"));
    const r = await auditJson([file, "--batch", "16", "--no-spectrum"]);
    const layer = r.propagation!.events.valueNonFinite!;
    // std after layer k ≈ √512^(k+1) ≈ 22.6^(k+1); float32 overflows at 3.4e38 ≈ 22.6^28.4, so the largest values hit inf one layer or so earlier
    expect(layer).toBeGreaterThanOrEqual(26);
    expect(layer).toBeLessThanOrEqual(28);
    const text = await runCli(["audit", file, "--batch", "16", "--no-spectrum"]);
    expect(text.stdout).toMatch(
      /The signal overflows: values become non-finite at node \d+ mm2[678] \(layer 2[678] layer2[678]\.weight\)/,
    );
    expect(r.propagation!.events.exploding).toBeLessThan(layer);
  });

  it("--lsuv --write on a deep tanh model: the re-audit shows every layer's output std within 1 ± 0.1", async () => {
    const dir = tempDir("lsuv");
    const out = join(dir, "lsuv.onnx");
    const w = await runCli([
      "audit",
      join(FIXTURES, "torch_deep_tanh.onnx"),
      "--lsuv",
      "--write",
      out,
      "--no-spectrum",
    ]);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/LSUV \(orthogonal start, tol 0\.1\): 12 layers rescaled, all converged/);
    const r = await auditJson([out, "--no-spectrum"]);
    const outputs = r.propagation!.nodes.filter((n) => /Gemm_output/.test(n.name));
    expect(outputs).toHaveLength(12);
    for (const n of outputs) expect(Math.abs(n.std - 1)).toBeLessThan(0.1);
    // only the weights changed: biases and the graph are byte-identical, so the file has the same size
    expect(readFileSync(out).length).toBe(readFileSync(join(FIXTURES, "torch_deep_tanh.onnx")).length);
  });

  it("--reinit writes a copy whose re-audit shows the new init, every other byte unchanged", async () => {
    const dir = tempDir("reinit");
    const src = join(FIXTURES, "torch_default_mlp.onnx");
    const out = join(dir, "he.onnx");
    expect(
      (await runCli(["audit", src, "--reinit", "he_normal", "--framework", "torch", "--write", out, "--no-propagate"]))
        .code,
    ).toBe(0);
    const r = await auditJson([out, "--no-propagate"]);
    for (const l of r.layers) {
      expect(l.fit.family).toBe("normal");
      expect(
        l.matches.some(
          (m) => m.spec.startsWith("kaiming_normal(mode=fan_in,nonlinearity=relu)") || m.spec === "he_normal",
        ),
      ).toBe(true);
    }
    const a = readFileSync(src);
    const b = readFileSync(out);
    expect(b.length).toBe(a.length);
    let differing = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
    const weightBytes = r.layers.reduce((s, l) => s + 4 * l.shape[0] * l.shape[1], 0);
    expect(differing).toBeLessThanOrEqual(weightBytes);
    expect(differing).toBeGreaterThan(weightBytes / 2);
  });

  it("--reinit-plan applies specs by layer-name glob", async () => {
    const dir = tempDir("plan");
    const plan = writeFile(dir, "plan.yaml", '"0.*": orthogonal\n"4.weight": zeros\n');
    const out = join(dir, "planned.onnx");
    expect(
      (
        await runCli([
          "audit",
          join(FIXTURES, "torch_default_mlp.onnx"),
          "--reinit-plan",
          plan,
          "--write",
          out,
          "--no-propagate",
        ])
      ).code,
    ).toBe(0);
    const r = await auditJson([out, "--no-propagate"]);
    expect(r.layers.map((l) => l.fit.family)).toEqual(["orthogonal", "uniform", "constant"]);
  });
});

describe("initlab audit (real trained models)", () => {
  it("openwakeword's trained ONNX MLP: its large first layer comes out as trained, not as a fit", async () => {
    const r = await auditJson([join(FIXTURES, "real/openwakeword/hello_deepa.onnx")]);
    expect(r.layers[0].shape).toEqual([32, 2400]);
    expect(r.layers[0].fit.family).toBe("unknown");
    expect(r.layers[0].matches).toEqual([]);
    expect(r.layers[0].spectrum!.spikes).toBeGreaterThan(0);
  });

  it("nsfwjs's trained MobileNetV2 (TF.js, uint8-quantized): the recorded glorot_uniform is contradicted by the weights", async () => {
    const r = await auditJson([join(FIXTURES, "real/nsfwjs-mobilenet_v2"), "--no-propagate"]);
    expect(r.format).toBe("tfjs-layers");
    expect(r.layers.length).toBe(55);
    const trained = r.layers.filter((l) => l.fit.family === "unknown").length;
    expect(trained / r.layers.length).toBeGreaterThan(0.8);
    expect(r.summary.join(" ")).toMatch(/do not follow the initializer the file records/);
  });
});

describe("initlab audit (hostile and bad input)", () => {
  const dir = tempDir("hostile");
  it("refuses missing files, random bytes and truncated models with one line", async () => {
    await expectOneLineError(["audit", join(dir, "nope.onnx")], /does not exist/);
    const rnd = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    await expectOneLineError(["audit", writeFile(dir, "random.bin", rnd)], /not an ONNX model|onnx:/);
    const onnx = readFileSync(join(FIXTURES, "torch_mixed.onnx"));
    for (const cut of [10, 1000, 100_000, onnx.length - 7])
      await expectOneLineError(["audit", writeFile(dir, `cut${cut}.onnx`, onnx.subarray(0, cut))], /onnx: /);
  });

  it("refuses --lsuv without --write, and a dynamic input dim without --input-shape", async () => {
    await expectOneLineError(["audit", join(FIXTURES, "torch_deep_tanh.onnx"), "--lsuv"], /write: .*need --write/);
    await expectOneLineError(
      ["audit", join(FIXTURES, "torch_deep_tanh.onnx"), "--input-shape", "x=abc"],
      /input-shape/,
    );
  });

  it("writes a tensor named <img src=x onerror=alert(1)> as text in the HTML report", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    const file = writeFile(
      dir,
      "evil.onnx",
      denseOnnx([16, 16, 4], "he_normal", { activation: "Relu", names: (l) => (l === 0 ? evil : `w${l}`) }),
    );
    const out = join(dir, "report");
    const r = await runCli(["audit", file, "--out", out]);
    expect(r.code).toBe(0);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    for (const f of ["weight-std", "propagation", "esd"])
      expect(readFileSync(join(out, `${f}.png`)).length).toBeGreaterThan(1000);
  });
});

describe("initlab audit (threads)", () => {
  it("auditing on a pool of 2 worker threads gives the same report as one thread, bit for bit", async () => {
    const { onnxAuditModel } = await import("../../src/model/onnxModel.js");
    const { auditWeights } = await import("../../src/audit/auditWeights.js");
    const { parallelLayerAudits } = await import("../../src/adapters/audit/parallelLayerAudits.js");
    const { toJson } = await import("../../src/core/numeric/toJson.js");
    const model = onnxAuditModel(new Uint8Array(readFileSync(join(FIXTURES, "torch_mixed.onnx"))));
    const serial = await auditWeights(model, { seed: 3 });
    const pool = parallelLayerAudits(Infinity, 2, 0);
    try {
      const parallel = await auditWeights(model, { seed: 3, run: pool.run });
      expect(toJson(parallel.reports)).toBe(toJson(serial.reports));
      expect(toJson(parallel.audits.map((a) => a.spectrum?.eigenvalues ?? null))).toBe(
        toJson(serial.audits.map((a) => a.spectrum?.eigenvalues ?? null)),
      );
    } finally {
      await pool.close();
    }
  });
});

describe("initlab audit (subgraphs)", () => {
  it("Silero VAD (If branches hold the model): layers inside subgraphs identified, If and LSTM run untouched and named", async () => {
    const r = await runCli([
      "audit",
      join(FIXTURES, "real/silero-vad/silero_vad.onnx"),
      "--input-shape",
      "input=1x1536",
      "--input-shape",
      "h=2x1x64",
      "--input-shape",
      "c=2x1x64",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as Report & { notes: string[] };
    expect(rep.layers.length).toBeGreaterThan(20);
    expect(rep.layers.some((l) => l.name.startsWith("If_"))).toBe(true);
    expect(rep.notes.join(" ")).toMatch(/ops passed to onnxruntime without attribution: If, LSTM/);
    expect(rep.notes.join(" ")).toMatch(/identified but not propagated/);
    expect(rep.layers.filter((l) => l.fit.family === "unknown").length).toBeGreaterThan(5);
  });
});
