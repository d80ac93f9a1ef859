import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectOneLineError, runCli } from "./helpers.js";

describe("initlab propagate", () => {
  it("--json follows the contract, non-finite numbers as strings, events named", async () => {
    const { code, stdout } = await runCli([
      "propagate",
      "--init",
      "normal(std=1)",
      "--activation",
      "linear",
      "--depth",
      "16",
      "--width",
      "512",
      "--batch",
      "1",
      "--json",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ dtype: "float32", accumulate: "float32", backend: "reference" });
    expect(doc.events).toEqual({ stdNonFinite: 13, valueNonFinite: null, stdZero: null, allZero: null });
    expect(doc.layers).toHaveLength(16);
    const l13 = doc.layers[13];
    expect(l13).toMatchObject({ index: 13, width: 512 });
    expect(l13.post.std).toBe("Infinity");
    for (const k of ["mean", "std", "rms", "min", "max", "zeroFraction", "saturatedFraction", "histogram"])
      expect(l13.post).toHaveProperty(k);
  });

  it("--backward adds grad statistics per layer; --correlation adds c per layer", async () => {
    const { stdout } = await runCli([
      "propagate",
      "--depth",
      "4",
      "--width",
      "32",
      "--batch",
      "8",
      "--backward",
      "--correlation",
      "0.5",
      "--json",
    ]);
    const doc = JSON.parse(stdout);
    for (const l of doc.layers)
      for (const k of ["weightNorm", "activationNorm", "weightRatio"]) expect(typeof l.grad[k]).toBe("number");
    expect(doc.correlation.layers).toHaveLength(4);
    expect(doc.correlation.c0).toBe(0.5);
  });

  it("prints a table and the events in words", async () => {
    const { stdout } = await runCli([
      "propagate",
      "--init",
      "normal(std=1)",
      "--activation",
      "linear",
      "--depth",
      "16",
      "--width",
      "512",
      "--batch",
      "1",
    ]);
    expect(stdout).toMatch(/^layer\s+width\s+q = E\[pre²\]\s+q theory/m);
    expect(stdout).toContain("→ std becomes non-finite at layer 13");
  });

  it("names a finite trend: float64 keeps the N(0,1) net finite, and it explodes ×≈√512 a layer", async () => {
    const { stdout } = await runCli([
      "propagate",
      "--init",
      "normal(std=1)",
      "--activation",
      "linear",
      "--depth",
      "20",
      "--width",
      "512",
      "--batch",
      "1",
      "--dtype",
      "float64",
    ]);
    const m =
      /→ the forward signal explodes: std \S+ → \S+ over 20 layers \(×(\S+) a layer\), past 10× at layer 1;/.exec(
        stdout,
      );
    expect(m).not.toBeNull();
    // log std is a random walk: per-layer log-factor sd ≈ 1/√(2·512) ≈ 0.031, ≈ 0.007 averaged over 19 layers — 5 % is 7 sd
    expect(Math.abs(Number(m?.[1]) / Math.sqrt(512) - 1)).toBeLessThan(0.05);
    const stable = await runCli([
      "propagate",
      "--init",
      "lecun_normal",
      "--activation",
      "tanh",
      "--depth",
      "10",
      "--width",
      "64",
      "--batch",
      "8",
    ]);
    expect(stable.stdout).toMatch(/→ the forward signal is stable: std \S+ → \S+ over 10 layers \(within 10×\)/);
  });

  it("fp16 stores values in float16 and accumulates in float32 by default", async () => {
    const { stdout } = await runCli([
      "propagate",
      "--init",
      "normal(std=1)",
      "--activation",
      "linear",
      "--depth",
      "6",
      "--width",
      "512",
      "--batch",
      "1",
      "--dtype",
      "float16",
      "--json",
    ]);
    const doc = JSON.parse(stdout);
    expect([doc.dtype, doc.accumulate]).toEqual(["float16", "float32"]);
    expect(doc.events.valueNonFinite).toBe(3);
  });

  it.each([
    [["propagate", "--depth", "0"], /depth must be an integer from 1/],
    [["propagate", "--activation", "swishy"], /activation: unknown "swishy"/],
    [["propagate", "--init", "normal(std=-1)"], /std must be >= 0/],
    [["propagate", "--dtype", "int8"], /dtype must be one of float64, float32, bfloat16, float16, got "int8"/],
    [
      ["propagate", "--depth", "1000", "--width", "4096", "--batch", "4096"],
      /would need about \d+ GiB \(limit 8\.0 GiB\)/,
    ],
    [["propagate", "--residual", "3", "--depth", "4"], /multiple of the branch depth/],
    [["propagate", "--correlation", "2"], /correlation: must be a number in \[-1, 1\]/],
  ])("%j → one-line error", expectOneLineError);
});

describe("initlab propagate: verdicts", () => {
  it("a 50-layer tanh net with normal(std=0.1): the first line says the gradient explodes toward the input, naming χ₁ > 1", async () => {
    const { code, stdout } = await runCli(
      ["propagate", "--init", "normal(std=0.1)", "--activation", "tanh", "--depth", "50", "--width", "256"].concat([
        "--batch",
        "16",
        "--backward",
        "--backend",
        "reference",
      ]),
    );
    expect(code).toBe(0);
    const first = stdout.split("\n")[0];
    // σ_w² = 256·0.01 = 2.56: chaotic; the forward std stays finite and within 10×
    expect(first).toMatch(
      /^verdict: will not train well — the backward gradient explodes toward the input \(×1\.0[6-9] a layer\): .*χ₁ = 1\.18 > 1 \(chaotic phase\)/,
    );
    expect(stdout).toContain("→ the forward signal is stable");
  });

  it("torch's default GELU MLP is called vanishing, in --json as well", async () => {
    const { code, stdout } = await runCli(
      ["propagate", "--framework", "torch", "--init", "default", "--activation", "gelu", "--depth", "12"].concat([
        "--width",
        "128",
        "--batch",
        "16",
        "--backward",
        "--json",
      ]),
    );
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.verdicts[0]).toMatchObject({ signal: "forward", kind: "vanishing" });
    // torch's kaiming_uniform(a=√5) gives Var(w) = 1/(3·fan_in): every layer multiplies the std by < 1
    expect(r.verdicts[0].factorPerLayer).toBeLessThan(0.8);
    expect(r.verdicts[0].layer).toBeGreaterThan(0);
    expect(r.verdicts.map((v: { signal: string }) => v.signal)).toEqual(["forward", "backward"]);
    expect(Object.keys(r.verdicts[1]).sort()).toEqual(["factorPerLayer", "kind", "layer", "sentence", "signal"]);
  });

  it("--correlation adds the correlation map's verdict", async () => {
    const { stdout } = await runCli([
      ...["propagate", "--init", "normal(std=0.1)", "--bias-init", "normal(std=0.3)", "--activation", "tanh"],
      ...["--depth", "30", "--width", "64", "--batch", "8", "--correlation", "0.5", "--json"],
    ]);
    const r = JSON.parse(stdout);
    // σ_w² = 64·0.01 = 0.64, σ_b² = 0.09: the ordered phase (ξ_c ≈ 1.4): inputs collapse onto one direction
    expect(r.verdicts.find((v: { signal: string }) => v.signal === "correlation")).toMatchObject({
      kind: "collapsing",
    });
  });
});

describe("initlab jacobian", () => {
  it("--json follows the contract; orthogonal linear nets are isometries", async () => {
    const { code, stdout } = await runCli([
      "jacobian",
      "--init",
      "orthogonal",
      "--activation",
      "linear",
      "--depth",
      "8",
      "--width",
      "48",
      "--dtype",
      "float64",
      "--json",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.singularValues).toHaveLength(48);
    for (const s of doc.singularValues) expect(s).toBeCloseTo(1, 10);
    expect(Object.keys(doc.squaredSingularValues).sort()).toEqual(["mean", "variance"]);
  });

  it("refuses batch norm", async () => {
    const { code, stderr } = await runCli(["jacobian", "--norm", "batch", "--depth", "2", "--width", "8"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/batch norm has no per-example Jacobian/);
  });
});

describe("initlab propagate --backend", () => {
  it("onnx runs plain float32 nets and says so; auto picks it for large ones", async () => {
    const onnx = JSON.parse(
      (await runCli(["propagate", "--backend", "onnx", "--depth", "3", "--width", "64", "--batch", "8", "--json"]))
        .stdout,
    );
    expect(onnx.backend).toBe("onnx");
    const small = JSON.parse(
      (await runCli(["propagate", "--depth", "3", "--width", "64", "--batch", "8", "--json"])).stdout,
    );
    expect(small.backend).toBe("reference");
    const large = JSON.parse(
      (await runCli(["propagate", "--depth", "2", "--width", "1024", "--batch", "64", "--json"])).stdout,
    );
    expect(large.backend).toBe("onnx");
  });

  it("onnx refuses what it cannot compute, with the reason", async () => {
    const { code, stderr } = await runCli([
      "propagate",
      "--backend",
      "onnx",
      "--dtype",
      "float16",
      "--depth",
      "2",
      "--width",
      "8",
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^initlab: error: backend: onnx computes float32 only; use --backend reference/);
  });
});

describe("initlab propagate: conv and LSUV", () => {
  it("--conv runs Conv2D layers with spatial sizes per layer", async () => {
    const doc = JSON.parse(
      (
        await runCli([
          "propagate",
          "--conv",
          "3",
          "--stride",
          "2",
          "--image",
          "16x16",
          "--width",
          "8",
          "--depth",
          "3",
          "--batch",
          "2",
          "--json",
        ])
      ).stdout,
    );
    expect(doc.layers.map((l: { spatial: number[] }) => l.spatial)).toEqual([
      [8, 8],
      [4, 4],
      [2, 2],
    ]);
    expect(doc.network.conv).toEqual({ kernel: 3, stride: 2, padding: "same", height: 16, width: 16 });
  });

  it("--lsuv reports what it did", async () => {
    const { stdout } = await runCli([
      "propagate",
      "--lsuv",
      "--init",
      "orthogonal",
      "--activation",
      "relu",
      "--depth",
      "4",
      "--width",
      "32",
      "--batch",
      "16",
    ]);
    expect(stdout).toMatch(/LSUV: 4\/4 layers converged/);
  });

  it("rejects a bad image size", async () => {
    const { code, stderr } = await runCli(["propagate", "--conv", "3", "--image", "16"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/image must be HxW/);
  });
});

describe("initlab propagate --seeds", () => {
  const net = ["--init", "he_normal", "--activation", "tanh", "--depth", "8", "--width", "32", "--batch", "8"];
  it("bands over seeds 0-9 contain each seed's own run, and the mean is their mean", async () => {
    const { code, stdout } = await runCli(["propagate", ...net, "--backward", "--seeds", "0-9", "--json"]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.seeds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const stds: number[][] = [];
    for (const seed of doc.seeds) {
      const one = JSON.parse(
        (await runCli(["propagate", ...net, "--backward", "--seed", String(seed), "--json"])).stdout,
      );
      stds.push(one.layers.map((l: { post: { std: number } }) => l.post.std));
      one.layers.forEach((l: { post: { std: number }; grad: { activationNorm: number } }, i: number) => {
        const s = doc.bands.postStd[i];
        expect(l.post.std).toBeGreaterThanOrEqual(s.min);
        expect(l.post.std).toBeLessThanOrEqual(s.max);
        const g = doc.bands.gradActivationNorm[i];
        expect(l.grad.activationNorm).toBeGreaterThanOrEqual(g.min);
        expect(l.grad.activationNorm).toBeLessThanOrEqual(g.max);
      });
    }
    doc.bands.postStd.forEach((b: { mean: number; lo: number; hi: number; min: number; max: number }, i: number) => {
      const col = stds.map((s) => s[i]).sort((a, b) => a - b);
      expect(b.mean).toBeCloseTo(col.reduce((a, v) => a + v, 0) / col.length, 12);
      expect([b.min, b.max]).toEqual([col[0], col[9]]);
      // numpy's default quantile: position (n − 1)·p = 0.45 and 8.55
      expect(b.lo).toBeCloseTo(col[0] + 0.45 * (col[1] - col[0]), 12);
      expect(b.hi).toBeCloseTo(col[8] + 0.55 * (col[9] - col[8]), 12);
    });
    expect(doc.verdicts[0].sentence).toMatch(/ in \d+ of 10 seeds$/);
    expect(doc.perSeed).toHaveLength(10);
  });

  it("refuses a bad seed list in one line", async () => {
    await expectOneLineError(["propagate", ...net, "--seeds", "9-3"], /seeds must be a range a-b or a list a,b,c/);
    await expectOneLineError(["propagate", ...net, "--seeds", "1,1"], /at most 1000 distinct seeds/);
  });
});

describe("initlab propagate --compare", () => {
  const net = ["--activation", "relu", "--depth", "6", "--width", "32", "--batch", "8", "--backward"];
  it("runs each init on the same network and seed: each column is that init's own run", async () => {
    const specs = ["he_normal", "normal(mean=0,std=0.1)", "glorot_uniform"];
    const { code, stdout } = await runCli(["propagate", ...net, "--compare", specs.join(","), "--json"]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.compare.map((c: { init: string }) => c.init)).toEqual(specs);
    for (const [i, init] of specs.entries()) {
      const one = JSON.parse((await runCli(["propagate", ...net, "--init", init, "--json"])).stdout);
      expect(doc.compare[i].layers.map((l: { std: number }) => l.std)).toEqual(
        one.layers.map((l: { post: { std: number } }) => l.post.std),
      );
      expect(doc.compare[i].verdicts).toEqual(one.verdicts);
    }
    const text = (await runCli(["propagate", ...net, "--compare", specs.join(",")])).stdout;
    expect(text.split("\n")[0]).toMatch(/^he_normal: verdict: /);
    expect(text).toMatch(
      /^layer\s+std he_normal\s+std normal\(mean=0,std=0\.1\)\s+std glorot_uniform\s+‖∂L\/∂a‖ he_normal/m,
    );
  });

  it("default without --framework compares PyTorch's and Keras's defaults, each its own run", async () => {
    const { code, stdout } = await runCli([
      ...["propagate", ...net, "--compare", "he_normal,lecun_normal,glorot_uniform,default", "--json"],
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const names = doc.compare.map((c: { init: string }) => c.init);
    expect(names).toEqual(["he_normal", "lecun_normal", "glorot_uniform", "default (torch)", "default (keras)"]);
    const torch = JSON.parse(
      (await runCli(["propagate", ...net, "--init", "default", "--framework", "torch", "--json"])).stdout,
    );
    expect(doc.compare[3].layers.map((l: { std: number }) => l.std)).toEqual(
      torch.layers.map((l: { post: { std: number } }) => l.post.std),
    );
  });

  it("refuses a bad list in one line", async () => {
    await expectOneLineError(["propagate", "--compare", "he_normal,(x"], /spec list: missing "\)" in "he_normal,\(x"/);
    await expectOneLineError(["propagate", "--compare", "he_normal,he_normall"], /he_normall/);
  });
});

describe("initlab propagate --arch transformer", () => {
  it("--json holds one entry per block: stream, attention, token cosine, effective rank, gradients", async () => {
    const { code, stdout, stderr } = await runCli([
      "propagate",
      "--arch",
      "transformer",
      "--depth",
      "3",
      "--width",
      "32",
      "--heads",
      "4",
      "--seq",
      "8",
      "--backward",
      "--json",
    ]);
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.dtype).toBe("float64");
    expect(r.spec).toMatchObject({
      depth: 3,
      width: 32,
      heads: 4,
      seq: 8,
      norm: "layer",
      normPosition: "pre",
      activation: "gelu",
    });
    expect(r.layers).toHaveLength(3);
    for (const l of r.layers) {
      expect(Object.keys(l)).toEqual(["index", "stream", "attention", "tokenCosine", "effectiveRank", "grad"]);
      expect(Object.keys(l.attention)).toEqual(["entropy", "logitStd"]);
      expect(l.grad.weights).toBeGreaterThan(0);
      // the entropy of attention over 8 keys lies in [0, ln 8]
      expect(l.attention.entropy).toBeGreaterThan(0);
      expect(l.attention.entropy).toBeLessThanOrEqual(Math.log(8) + 1e-12);
    }
  });

  it("--seeds gives per-block bands whose mean is the mean of the seeds' own runs", async () => {
    const args = ["propagate", "--arch", "transformer", "--depth", "2", "--width", "16", "--seq", "6", "--json"];
    const bands = JSON.parse((await runCli([...args, "--seeds", "0,1,2"])).stdout).bands;
    const runs = await Promise.all(
      [0, 1, 2].map(async (s) => JSON.parse((await runCli([...args, "--seed", String(s)])).stdout)),
    );
    for (const l of [0, 1]) {
      const values = runs.map((r) => r.layers[l].tokenCosine);
      expect(bands.tokenCosine[l].mean).toBeCloseTo(values.reduce((a: number, b: number) => a + b, 0) / 3, 12);
      expect(bands.tokenCosine[l].min).toBe(Math.min(...values));
    }
  });

  it("--dtype computes in that dtype and says so; the theory band is printed beside the run", async () => {
    const args = ["propagate", "--arch", "transformer", "--depth", "2", "--width", "16", "--seq", "6"];
    const json = JSON.parse((await runCli([...args, "--dtype", "bfloat16", "--json"])).stdout);
    expect(json.dtype).toBe("bfloat16");
    expect(json.theory.lo).toHaveLength(2);
    const { stdout } = await runCli([...args, "--backward", "--final-norm"]);
    expect(stdout).toMatch(/dtype float64/);
    expect(stdout).toMatch(
      /theory: stream std after block 1 between [\d.]+ \(independent tokens\) and [\d.]+ \(collapsed tokens\)/,
    );
    expect(stdout).toMatch(/theory: ‖∂L\/∂W‖ last\/first from/);
  });

  it("--out writes a report with the stream (and its theory band), token cosine and gradient charts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "initlab-transformer-"));
    const args = ["propagate", "--arch", "transformer", "--depth", "2", "--width", "16", "--seq", "6", "--backward"];
    const { code } = await runCli([...args, "--out", dir]);
    expect(code).toBe(0);
    const html = readFileSync(join(dir, "index.html"), "utf8");
    for (const id of ["transformer-stream", "transformer-rank-collapse", "transformer-gradients"])
      expect(existsSync(join(dir, `${id}.svg`))).toBe(true);
    expect(html).toMatch(/theory: stream std after block 1/);
  });

  it("--cross-attention runs decoder blocks over an encoder: the memory and encoder lines, the cross column, encoder gradients in the JSON", async () => {
    const args = ["propagate", "--arch", "transformer", "--depth", "3", "--width", "16", "--seq", "6", "--backward"];
    const dec = [...args, "--cross-attention", "--memory-seq", "4", "--encoder-depth", "2"];
    const { code, stdout } = await runCli(dec);
    expect(code).toBe(0);
    expect(stdout).toMatch(/3 decoder blocks over an encoder of 2 blocks \(4 memory tokens\)/);
    expect(stdout).toMatch(/‖∂L\/∂W‖ cross/);
    expect(stdout).toMatch(/→ memory: the encoder's output after 2 blocks/);
    expect(stdout).toMatch(/→ encoder: ‖∂L\/∂W‖ of its last block/);
    const json = JSON.parse((await runCli([...dec, "--json"])).stdout);
    expect(json.memory.layers).toHaveLength(2);
    expect(json.memory.layers[0].grad.weights).toBeGreaterThan(0);
    expect(json.layers[0].grad.cross).toBeGreaterThan(0);
    await expectOneLineError(
      [...args, "--encoder-depth", "2"],
      /^initlab: error: cross-attention: --encoder-depth sizes the encoder of --cross-attention; add it/,
    );
  });

  it("--readout softmax reads the stream by cross-entropy over --vocab classes; μP's zero readout stops every gradient", async () => {
    const args = ["propagate", "--arch", "transformer", "--depth", "2", "--width", "16", "--seq", "6", "--backward"];
    const soft = [...args, "--readout", "softmax", "--vocab", "20"];
    const { stdout } = await runCli(soft);
    expect(stdout).toMatch(/softmax cross-entropy over 20 classes \([\d.]+ a token; ln 20 = 3\.00 at uniform\)/);
    const mup = await runCli([...soft, "--parameterization", "mup"]);
    expect(mup.stdout).toMatch(/→ every block's weight gradient is 0: μP's zero readout W_U = 0/);
    await expectOneLineError(
      [...args, "--readout-init", "zeros"],
      /^initlab: error: readout-init: sets the unembedding of --readout softmax; add it/,
    );
  });

  it("names rank collapse in words for pure attention", async () => {
    const { code, stdout } = await runCli([
      "propagate",
      "--arch",
      "transformer",
      "--depth",
      "8",
      "--width",
      "32",
      "--seq",
      "8",
      "--attention-only",
      "--no-residual",
      "--norm",
      "none",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/the tokens have collapsed to one direction \(rank collapse\)/);
  });

  it.each([
    [["propagate", "--heads", "3"], /^initlab: error: arch: --heads is for --arch transformer$/m],
    [
      ["propagate", "--arch", "transformer", "--width", "30", "--heads", "4"],
      /heads: must divide the width \(30\), got 4/,
    ],
    [
      ["propagate", "--arch", "transformer", "--dtype", "float8"],
      /dtype must be one of float64, float32, bfloat16, float16/,
    ],
    [["propagate", "--arch", "transformer", "--norm", "batch"], /norm: a transformer takes layer, rms or none/],
    [["propagate", "--arch", "transformer", "--residual-scale", "deepnorm"], /deepnorm is for post-LN stacks/],
    [["propagate", "--norm", "rms"], /norm: rms is for propagate --arch transformer/],
  ])("%j → one-line error", expectOneLineError);
});
