import { describe, expect, it } from "vitest";
import type { Framework, ResolvedInitializer } from "../../../src/core/internal.js";
import { initialize, normalCdf, rngStream, truncatedNormalCdf } from "../../../src/core/internal.js";
import { ksCritical001, ksStatistic } from "../stats.js";

/**
 * Each continuous initializer, sampled once at a fixed seed in float64, against its analytic
 * moments with tolerances from the sample itself: SE(mean) = √(m₂/n), SE(var) = √((m₄ − m₂²)/n);
 * 5 SE. Then a Kolmogorov–Smirnov test at α = 0.001 against its CDF.
 */
const CASES: [string, number[], Framework | null][] = [
  ["normal(mean=0.5,std=2)", [200, 500], null],
  ["uniform(low=-3,high=1)", [200, 500], null],
  ["truncated_normal(std=0.5,a=-1,b=3)", [200, 500], null],
  ["trunc_normal(mean=0.1,std=1,a=-0.5,b=1.5)", [500, 200], "torch"],
  ["variance_scaling(scale=3,mode=fan_avg,distribution=truncated_normal)", [200, 500], null],
  ["glorot_uniform", [200, 500], null],
  ["glorot_normal", [200, 500], null],
  ["glorot_normal", [200, 500], "keras"],
  ["glorot_normal", [200, 500], "tfjs"],
  ["he_uniform", [3, 3, 64, 128], null],
  ["he_normal", [3, 3, 64, 128], "jax"],
  ["kaiming_normal(mode=fan_out,nonlinearity=relu)", [128, 64, 3, 3], "torch"],
  ["kaiming_uniform(a=2.23606797749979)", [128, 64, 3, 3], "torch"],
  ["lecun_uniform", [300, 300], null],
  ["lecun_normal", [300, 300], "flax"],
  ["layer_default", [128, 512], "torch"],
  ["normal", [300, 300], "keras"],
  ["uniform", [300, 300], "jax"],
];

function cdfOf(r: ResolvedInitializer): (x: number) => number {
  const d = r.params;
  if (d.kind === "normal") return (x) => normalCdf((x - d.mean) / d.std);
  if (d.kind === "uniform") return (x) => Math.min(1, Math.max(0, (x - d.low) / (d.high - d.low)));
  if (d.kind === "truncated_normal") return (x) => truncatedNormalCdf(x, d.mean, d.std, d.low, d.high);
  throw new Error(`no CDF for ${d.kind}`);
}

describe.each(CASES)("%s on %j (%s)", (spec, shape, framework) => {
  const { resolved, values } = initialize(
    spec,
    { shape, framework },
    rngStream(42, "moments", spec, framework ?? "initlab"),
    "float64",
  );
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (const v of values) {
    const d = v - mean;
    m2 += d * d;
    m4 += d ** 4;
  }
  m2 /= n;
  m4 /= n;

  it("has the analytic mean and variance within 5 standard errors", () => {
    expect(Math.abs(mean - resolved.mean)).toBeLessThan(5 * Math.sqrt(m2 / n));
    expect(Math.abs(m2 - resolved.variance)).toBeLessThan(5 * Math.sqrt((m4 - m2 * m2) / n));
  });

  it("passes a Kolmogorov–Smirnov test against its distribution at α = 0.001", () => {
    expect(ksStatistic(values, cdfOf(resolved))).toBeLessThan(ksCritical001(n));
  });
});

describe("discrete and structured initializers", () => {
  it("constant, zeros and ones fill every value", () => {
    for (const [spec, v] of [
      ["zeros", 0],
      ["ones", 1],
      ["constant(value=-2.5)", -2.5],
    ] as const) {
      const { values, resolved } = initialize(spec, { shape: [3, 4] }, rngStream(0), "float64");
      expect(Array.from(values)).toEqual(new Array(12).fill(v));
      expect(resolved.variance).toBe(0);
    }
  });

  it("identity puts gain on the diagonal, with the analytic mean and variance of that pattern", () => {
    const { values, resolved } = initialize("identity(gain=3)", { shape: [3, 5] }, rngStream(0), "float64");
    expect(Array.from(values)).toEqual([3, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 3, 0, 0]);
    const m = 9 / 15;
    expect(resolved.mean).toBeCloseTo(m, 15);
    expect(resolved.variance).toBeCloseTo((9 * 3) / 15 - m * m, 14);
  });

  it("dirac makes a conv that copies its input: centre tap 1 for channel d → d, per group (torch and keras layouts agree)", () => {
    const torch = initialize(
      "dirac(groups=2)",
      { shape: [4, 2, 3, 3], layout: "torch" },
      rngStream(0),
      "float64",
    ).values;
    // output channel o = g·2 + d reads input channel d (of its group) at the centre (1,1)
    const at = (o: number, i: number, y: number, x: number) => torch[((o * 2 + i) * 3 + y) * 3 + x];
    expect([at(0, 0, 1, 1), at(1, 1, 1, 1), at(2, 0, 1, 1), at(3, 1, 1, 1)]).toEqual([1, 1, 1, 1]);
    expect(torch.reduce((s, v) => s + v, 0)).toBe(4);
    const keras = initialize("dirac(groups=2)", { shape: [3, 3, 2, 4] }, rngStream(0), "float64").values;
    const atK = (y: number, x: number, i: number, o: number) => keras[((y * 3 + x) * 2 + i) * 4 + o];
    expect([atK(1, 1, 0, 0), atK(1, 1, 1, 1), atK(1, 1, 0, 2), atK(1, 1, 1, 3)]).toEqual([1, 1, 1, 1]);
  });

  it("sparse zeroes ⌈s·fan_in⌉ incoming weights of every unit (initlab) or every column (torch), N(0, std²) elsewhere", () => {
    const { values, resolved } = initialize(
      "sparse(sparsity=0.3,std=0.5)",
      { shape: [50, 40] },
      rngStream(1),
      "float64",
    );
    // keras layout [in=50, out=40]: each output column keeps 50 − 15 non-zeros
    for (let o = 0; o < 40; o++) {
      let zeros = 0;
      for (let i = 0; i < 50; i++) if (values[i * 40 + o] === 0) zeros++;
      expect(zeros).toBe(15);
    }
    expect(resolved.variance).toBeCloseTo((1 - 15 / 50) * 0.25, 15);
    const nonzero = Array.from(values).filter((v) => v !== 0);
    expect(ksStatistic(nonzero, (x) => normalCdf(x / 0.5))).toBeLessThan(ksCritical001(nonzero.length));
    const t = initialize("sparse(sparsity=0.3)", { shape: [50, 40], framework: "torch" }, rngStream(1), "float64");
    for (let j = 0; j < 40; j++) {
      let zeros = 0;
      for (let i = 0; i < 50; i++) if (t.values[i * 40 + j] === 0) zeros++;
      expect(zeros).toBe(15);
    }
    expect(t.resolved.quirks[0]).toMatch(/per column/);
  });

  it("rounds samples to float32 by default", () => {
    const { values, dtype } = initialize("normal", { shape: [10, 10] }, rngStream(3));
    expect(dtype).toBe("float32");
    for (const v of values) expect(Math.fround(v)).toBe(v);
  });

  it("is reproducible: same seed, same values; seed 0 differs from seed 1", () => {
    const a = initialize("he_normal", { shape: [16, 16] }, rngStream(0, "x")).values;
    expect(initialize("he_normal", { shape: [16, 16] }, rngStream(0, "x")).values).toEqual(a);
    expect(initialize("he_normal", { shape: [16, 16] }, rngStream(1, "x")).values).not.toEqual(a);
  });
});
