import { describe, expect, it } from "vitest";
import { parseInitSpec } from "../../src/core/init/initSpec.js";
import { resolveInitializer } from "../../src/core/init/resolveInitializer.js";
import { networkTheory } from "../../src/core/theory/networkTheory.js";
import { onnxUnsupported } from "../../src/adapters/onnx/propagateOnnx.js";
import { datasetFor } from "../../src/experiment/runPoint.js";
import { plainNetwork } from "../../src/core/engine/networkSpec.js";
import { expectOneLineError, runCli } from "./helpers.js";

describe("bugs found by reading and by running every README command (issue #12)", () => {
  it("std=infinity in a spec is Infinity, not NaN (and -inf, nan keep their meaning)", () => {
    expect(parseInitSpec("normal(std=infinity)").params.std).toBe(Infinity);
    expect(parseInitSpec("normal(std=Infinity)").params.std).toBe(Infinity);
    expect(parseInitSpec("normal(mean=-inf)").params.mean).toBe(-Infinity);
    expect(parseInitSpec("normal(mean=+infinity)").params.mean).toBe(Infinity);
    expect(parseInitSpec("normal(std=nan)").params.std).toBeNaN();
  });

  it("--backend auto with --framework torch above the onnx threshold runs on the reference backend instead of throwing", async () => {
    const net = {
      ...plainNetwork({ width: 1024, depth: 4, init: "he_normal", activation: "relu" }),
      framework: "torch" as const,
    };
    expect(onnxUnsupported({ network: net, batch: 256, seed: 0 })).toMatch(/torch/);
    // 2 layers of 512 × 512 at batch 256: 2·2²⁶ multiply–adds, above the threshold
    const r = await runCli([
      "propagate",
      "--framework",
      "torch",
      "--init",
      "he_normal",
      "--activation",
      "relu",
      "--depth",
      "2",
      "--width",
      "512",
      "--batch",
      "256",
      "--json",
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).backend).toBe("reference");
  });

  it("propagate --framework torch --init default: torch's default, whose σ_w² is 1/3 in the theory block", async () => {
    const net = {
      ...plainNetwork({ width: 64, depth: 3, init: "default", activation: "relu" }),
      framework: "torch" as const,
    };
    expect(networkTheory(net, 1).sigmaW2[0]).toBeCloseTo(1 / 3, 12);
    const r = await runCli([
      "propagate",
      "--framework",
      "torch",
      "--init",
      "default",
      "--activation",
      "relu",
      "--depth",
      "3",
      "--width",
      "64",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).theory.sigmaW2[0]).toBeCloseTo(1 / 3, 12);
  });

  it("a misspelt initializer is a usage error: exit 2, one line", async () => {
    await expectOneLineError(["propagate", "--init", "he_normall", "--depth", "3"], /unknown initializer "he_normall"/);
    expect((await runCli(["propagate", "--init", "he_normall", "--depth", "3"])).code).toBe(2);
  });

  it("keras he_normal is not labelled with torch's nonlinearity=leaky_relu, and keras's layer default names GlorotUniform", () => {
    expect(resolveInitializer("he_normal", { shape: [64, 32], framework: "keras" }).spec).toBe("he_normal");
    expect(resolveInitializer("he_normal", { shape: [32, 64], framework: "torch" }).spec).toBe(
      "he_normal(a=0,mode=fan_in,nonlinearity=leaky_relu)",
    );
    expect(resolveInitializer("default", { shape: [64, 32], framework: "keras" }).frameworkName).toMatch(
      /GlorotUniform/,
    );
    expect(resolveInitializer("default", { shape: [64, 32], framework: "tfjs" }).frameworkName).toMatch(/glorotNormal/);
    expect(() => resolveInitializer("he_normal(mode=fan_out)", { shape: [64, 32], framework: "keras" })).toThrow(
      /unknown parameter mode/,
    );
  });

  it("train on mnist with every digit for training is refused: no test set would be left (was: NaN test metrics)", async () => {
    const loader = () => ({ x: new Float64Array(10_000 * 784), y: new Int32Array(10_000), inputDim: 784, classes: 10 });
    await expect(datasetFor({ dataset: "mnist", trainSize: 10_000, seed: 0 } as never, loader)).rejects.toThrow(
      /train-size: mnist has 10000 digits; use at most 9900/,
    );
    await expect(datasetFor({ dataset: "mnist", trainSize: 9_900, seed: 0 } as never, loader)).resolves.toMatchObject({
      name: "mnist",
    });
  });

  it("theory phase --grid says the σ_b² axis gets half as many points", async () => {
    const r = await runCli(["theory", "phase", "--help"]);
    expect(r.stdout).toMatch(/24×12 grid/);
  });
});

describe("README commands that printed the wrong thing (issue #12)", () => {
  it("--lsuv: the theory column follows the rescaled weights (was: q theory 1.9e-6 at layer 19 beside a measured q ≈ 1)", async () => {
    const r = JSON.parse(
      (await runCli(["propagate", "--lsuv", "--init", "orthogonal", "--activation", "relu", "--depth", "20", "--json"]))
        .stdout,
    );
    const scales = r.lsuv.map((l: { totalScale: number }) => l.totalScale);
    expect(r.theory.sigmaW2[5]).toBeCloseTo(scales[5] ** 2, 9); // orthogonal: fan_in·E[w²] = 1, times the LSUV scale²
    expect(r.theory.q[19]).toBeGreaterThan(0.2);
    expect(r.layers[19].pre.rms ** 2).toBeGreaterThan(0.8);
  });

  it("Fixup residual rows: zero fraction of the block output (not of the zero-initialized branch), no saturation at a block end, Brock's block statistics printed", async () => {
    const r = await runCli([
      "propagate",
      "--init",
      "he_normal",
      "--activation",
      "relu",
      "--residual",
      "2",
      "--branch-scale",
      "fixup",
      "--depth",
      "4",
    ]);
    const row = r.stdout.split("\n").find((l) => /^1\s/.test(l))!;
    const cells = row.trim().split(/\s+/);
    // layer width q mean std zero saturated chanMean² chanVar branchVar
    expect(cells[2]).toBe("0"); // the branch's last layer is zero-initialized: its pre-activation is 0
    expect(Number(cells[4])).toBeGreaterThan(0.9); // the block output passes the input through
    expect(cells[5]).toBe("0"); // …with no exact zeros
    expect(cells[6]).toBe("—");
    expect(Number(cells[8])).toBeGreaterThan(0.9);
    expect(cells[9]).toBe("0"); // Fixup: the branch adds nothing at initialization
  });

  it("the onnx backend says which columns it does not compute", async () => {
    const r = await runCli([
      "propagate",
      "--backend",
      "onnx",
      "--init",
      "lecun_normal",
      "--activation",
      "tanh",
      "--depth",
      "3",
      "--width",
      "64",
      "--batch",
      "8",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/backend onnx: zero fraction, saturation, quantiles and histograms are not computed/);
    expect(r.stdout.split("\n").find((l) => l.startsWith("layer"))).not.toMatch(/zero frac/);
  });

  it("--correlation is drawn in the --out report, measured beside the theory", async () => {
    const { mkdtempSync, readdirSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "initlab-corr-"));
    expect(
      (
        await runCli([
          "propagate",
          "--init",
          "lecun_normal",
          "--activation",
          "tanh",
          "--depth",
          "5",
          "--width",
          "64",
          "--correlation",
          "0.5",
          "--out",
          dir,
        ])
      ).code,
    ).toBe(0);
    expect(readdirSync(dir)).toContain("correlation.svg");
    expect(readFileSync(join(dir, "correlation.svg"), "utf8")).toMatch(/c theory \(mean field\)/);
  });
});

describe("the README shows what initlab prints", () => {
  it("the seed study's sample rows in the README are seed 0's output", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const block = readme.slice(readme.indexOf("[1] exploding:"), readme.indexOf("→ std becomes inf at layer 13"));
    const rows = block.split("\n").filter((l) => l.startsWith("("));
    expect(rows.length).toBe(4);
    const out = (await runCli(["study", "--seed", "0"])).stdout;
    for (const row of rows) expect(out).toContain(`${row}\n`);
  });
});

describe("the command tree is loaded on demand", () => {
  it("a run builds only its own top-level command; help builds every command, in order", async () => {
    const { buildProgram } = await import("../../src/cli/main.js");
    const io = { stdout: () => {}, stderr: () => {}, stderrIsTTY: false, now: () => 0 };
    expect((await buildProgram(io, "init")).commands.map((c) => c.name())).toEqual(["init"]);
    expect((await buildProgram(io, "jacobian")).commands.map((c) => c.name())).toEqual(["jacobian"]);
    expect((await buildProgram(io)).commands.map((c) => c.name())).toEqual(
      ["study", "init", "propagate", "jacobian", "theory", "recommend"].concat([
        "sweep",
        "merge",
        "report",
        "schema",
        "train",
        "audit",
      ]),
    );
  });
});
