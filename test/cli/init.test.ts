import { describe, expect, it } from "vitest";
import { expectOneLineError, runCli } from "./helpers.js";

describe("initlab init inspect", () => {
  it("--json follows the contract: fans, distribution, analytic variance, bound, quirks, sample", async () => {
    const { code, stdout } = await runCli([
      "init",
      "inspect",
      "kaiming_uniform(a=2.23606797749979)",
      "--shape",
      "128,64,3,3",
      "--framework",
      "torch",
      "--json",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({
      initializer: "he_uniform",
      framework: "torch",
      shape: [128, 64, 3, 3],
      fanIn: 576,
      fanOut: 1152,
      distribution: "uniform",
    });
    expect(doc.bound).toBeCloseTo(1 / 24, 12);
    expect(doc.variance).toBeCloseTo(1 / (24 * 24 * 3), 12);
    expect(doc.targetVariance).toBeNull();
    expect(Array.isArray(doc.quirks)).toBe(true);
    expect(Object.keys(doc.sample)).toEqual(expect.arrayContaining(["mean", "std", "variance", "min", "max"]));
    // 73728 uniform values: SE of the variance ≈ Var·√(0.8/n); 5 SE
    expect(Math.abs(doc.sample.variance / doc.variance - 1)).toBeLessThan(5 * Math.sqrt(0.8 / 73728));
    expect(doc.sample.max).toBeLessThanOrEqual(1 / 24);
    expect(doc.orthogonalityError).toBeNull();
  });

  it("reports targetVariance and the quirk where a framework departs from the intent", async () => {
    const { stdout } = await runCli([
      "init",
      "inspect",
      "glorot_normal",
      "--shape",
      "64,128",
      "--framework",
      "tfjs",
      "--json",
    ]);
    const doc = JSON.parse(stdout);
    expect(doc.distribution).toBe("truncated_normal");
    expect(doc.targetVariance).toBeCloseTo(2 / 192, 15);
    expect(doc.quirks[0]).toMatch(/tfjs#8594/);
  });

  it("reports the orthogonality error for orthogonal schemes", async () => {
    const { stdout } = await runCli(["init", "inspect", "orthogonal(gain=2)", "--shape", "200,50", "--json"]);
    expect(JSON.parse(stdout).orthogonalityError).toBeLessThan(1e-5);
  });

  it("prints a readable summary by default", async () => {
    const { code, stdout } = await runCli([
      "init",
      "inspect",
      "he_normal",
      "--shape",
      "3,3,64,128",
      "--framework",
      "keras",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("keras HeNormal");
    expect(stdout).toContain("fan_in 576, fan_out 1152");
    expect(stdout).toMatch(/truncated normal N\(0, 0\.0669/);
  });

  it.each([
    [["init", "inspect", "nosuch", "--shape", "2,2"], /unknown initializer "nosuch"; valid: /],
    [["init", "inspect", "normal(std=-1)", "--shape", "2,2"], /std must be >= 0/],
    [["init", "inspect", "normal(std=nan)", "--shape", "2,2"], /finite/],
    [["init", "inspect", "he_normal", "--shape", "0,4"], /shape must be positive integers/],
    [
      ["init", "inspect", "he_normal", "--shape", "2,2", "--framework", "caffe"],
      /Allowed choices are torch, keras, tfjs, jax, flax/,
    ],
    [["init", "inspect", "he_normal"], /required option '--shape <dims>'/],
    [["init", "inspect", "normal", "--shape", "100000,100000"], /would need about 75 GiB \(limit 4\.0 GiB\)/],
  ])("%j → one-line error", expectOneLineError);
});

describe("initlab init compare", () => {
  it("shows the same layer in every framework, translating the shape to each layout", async () => {
    const { code, stdout } = await runCli([
      "init",
      "compare",
      "glorot_normal",
      "--shape",
      "3,3,32,2",
      "--depthwise",
      "--json",
    ]);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout);
    expect(rows.map((r: { framework: string }) => r.framework)).toEqual([
      "initlab",
      "torch",
      "keras",
      "tfjs",
      "jax",
      "flax",
    ]);
    const torch = rows[1];
    expect(torch.shape).toEqual([64, 1, 3, 3]);
    expect([torch.fanIn, torch.fanOut]).toEqual([9, 576]);
    expect(rows[0].variance).toBeCloseTo(2 / 27, 15);
    expect(rows[2].quirks[0]).toMatch(/depthwise/);
  });

  it("marks schemes a framework lacks as n/a", async () => {
    const { stdout } = await runCli(["init", "compare", "dirac", "--shape", "3,3,4,4"]);
    expect(stdout).toMatch(/^keras .* n\/a/m);
    expect(stdout).toContain("dirac: not in keras");
  });
});

describe("initlab init gain / list", () => {
  it("gain --json follows the contract", async () => {
    const { stdout } = await runCli(["init", "gain", "leaky_relu", "--param", "0.2", "--json"]);
    expect(JSON.parse(stdout)).toEqual({
      nonlinearity: "leaky_relu",
      param: 0.2,
      gain: Math.sqrt(2 / 1.04),
      torchGain: Math.sqrt(2 / 1.04),
    });
    const tanh = JSON.parse((await runCli(["init", "gain", "tanh", "--json"])).stdout);
    expect(tanh.gain).toBe(5 / 3);
    // and the second-moment gain beside it: 1/√E[tanh(z)²]
    expect(tanh.secondMomentGain).toBeCloseTo(1.5925374, 6);
    const gelu = JSON.parse((await runCli(["init", "gain", "gelu", "--json"])).stdout);
    expect(gelu).toMatchObject({ torchGain: null, gain: gelu.secondMomentGain });
    expect(gelu.gain).toBeCloseTo(1.5335304, 6);
  });

  it("gain rejects an unknown nonlinearity with the valid list", async () => {
    const { code, stderr } = await runCli(["init", "gain", "swishy"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/nonlinearity must be one of linear, relu, .*, conv1d, .*, got "swishy"$/m);
  });

  it("list prints name, formula, frameworks and paper for every initializer", async () => {
    const { stdout } = await runCli(["init", "list"]);
    expect(stdout.split("\n")[0]).toMatch(/^name\s+formula\s+frameworks\s+paper$/);
    expect(stdout).toContain("glorot_uniform / xavier_uniform");
    expect(stdout).toContain("Delving Deep into Rectifiers");
  });
});
