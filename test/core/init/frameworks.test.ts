import { describe, expect, it } from "vitest";
import { resolveInitializer, TRUNCATED_NORMAL_STD_2SIGMA } from "../../../src/core/internal.js";

const R = resolveInitializer;
const TRUNC_VAR = TRUNCATED_NORMAL_STD_2SIGMA ** 2; // 0.7737…: variance of N(0,1) cut at ±2

describe("torch preset", () => {
  it("Linear(64, 128) default: weight and bias U(±1/√64), Var = 1/(3·64)", () => {
    const r = R("layer_default", { shape: [128, 64], framework: "torch" });
    expect(r.bound).toBeCloseTo(0.125, 15);
    expect(r.variance).toBeCloseTo(1 / 192, 15);
    expect(r.bias?.distribution).toEqual({ kind: "uniform", low: -0.125, high: 0.125 });
    expect(r.quirks.join(" ")).toMatch(/a third of LeCun/);
  });

  it("Conv2d(64, 128, 3) default: U(±1/√576) — the same as kaiming_uniform_(a=√5)", () => {
    const r = R("layer_default", { shape: [128, 64, 3, 3], framework: "torch" });
    expect(r.bound).toBeCloseTo(1 / 24, 15);
    const k = R("kaiming_uniform(a=2.23606797749979)", { shape: [128, 64, 3, 3], framework: "torch" });
    expect(k.bound).toBeCloseTo(1 / 24, 12);
  });

  it("kaiming_normal_ on [128, 64, 3, 3]: N(0, 2/576), untruncated; mode=fan_out uses 1152", () => {
    const r = R("kaiming_normal", { shape: [128, 64, 3, 3], framework: "torch" });
    expect(r.params.kind).toBe("normal");
    expect(r.params).toMatchObject({ mean: 0 });
    expect((r.params as { std: number }).std).toBeCloseTo(Math.sqrt(2 / 576), 15);
    expect(
      R("kaiming_normal(mode=fan_out,nonlinearity=relu)", { shape: [128, 64, 3, 3], framework: "torch" }).variance,
    ).toBeCloseTo(2 / 1152, 15);
  });

  it("xavier_uniform_(gain) on [128, 64]: bound gain·√(6/192)", () => {
    expect(R("xavier_uniform", { shape: [128, 64], framework: "torch" }).bound).toBeCloseTo(Math.sqrt(6 / 192), 15);
    expect(R("xavier_uniform(gain=2)", { shape: [128, 64], framework: "torch" }).bound).toBeCloseTo(
      2 * Math.sqrt(6 / 192),
      15,
    );
  });

  it("depthwise Conv2d(32, 64, 3, groups=32): fan_out 576 instead of 18, flagged, with the intended variance", () => {
    const r = R("xavier_normal", { shape: [64, 1, 3, 3], framework: "torch", groups: 32 });
    expect([r.fanIn, r.fanOut]).toEqual([9, 576]);
    expect(r.variance).toBeCloseTo(2 / (9 + 576), 15);
    expect(r.targetVariance).toBeCloseTo(2 / (9 + 18), 15);
    expect(r.quirks[0]).toMatch(/groups are ignored in fan_out \(pytorch#23854\)/);
  });

  it("ConvTranspose2d(16, 32, 3): fans swapped (fan_in 288 = out·9), flagged", () => {
    const r = R("kaiming_normal", { shape: [16, 32, 3, 3], framework: "torch", transposed: true });
    expect([r.fanIn, r.fanOut]).toEqual([288, 144]);
    expect(r.variance).toBeCloseTo(2 / 288, 15);
    expect(r.targetVariance).toBeCloseTo(2 / 144, 15);
    expect(r.quirks[0]).toMatch(/transposed/);
  });

  it("trunc_normal_(std=0.02): a, b are absolute, so ±2 is ±100σ — flagged, variance ≈ std²", () => {
    const r = R("trunc_normal(std=0.02)", { shape: [10, 10], framework: "torch" });
    expect(r.params).toMatchObject({ low: -2, high: 2 });
    expect(r.variance).toBeCloseTo(0.0004, 12);
    expect(r.quirks[0]).toMatch(/absolute/);
    // initlab's own semantics: bounds in σ units
    expect(R("trunc_normal(std=0.02)", { shape: [10, 10] }).params).toMatchObject({ low: -0.04, high: 0.04 });
  });

  it("has no lecun_*: reports the kaiming(nonlinearity='linear') equivalent", () => {
    const r = R("lecun_normal", { shape: [128, 64], framework: "torch" });
    expect(r.variance).toBeCloseTo(1 / 64, 15);
    expect(r.quirks[0]).toMatch(/no lecun_normal/);
  });

  it("normal_ and uniform_ defaults: N(0, 1) and U(0, 1)", () => {
    expect(R("normal", { shape: [4, 4], framework: "torch" }).params).toEqual({ kind: "normal", mean: 0, std: 1 });
    expect(R("uniform", { shape: [4, 4], framework: "torch" }).params).toEqual({ kind: "uniform", low: 0, high: 1 });
  });
});

describe("keras preset", () => {
  it("Dense(128) on 64 inputs defaults to glorot_uniform: limit √(6/192)", () => {
    const r = R("layer_default", { shape: [64, 128], framework: "keras" });
    expect(r.bound).toBeCloseTo(Math.sqrt(6 / 192), 15);
    expect(r.bias?.description).toBe("bias = 0");
  });

  it("Conv2D he_normal on [3,3,64,128]: truncated ±2σ with σ = √(2/576)/0.8796, variance exactly 2/576", () => {
    const r = R("he_normal", { shape: [3, 3, 64, 128], framework: "keras" });
    const s = Math.sqrt(2 / 576) / TRUNCATED_NORMAL_STD_2SIGMA;
    const p = r.params as { kind: string; std: number; low: number; high: number };
    expect(p.kind).toBe("truncated_normal");
    expect(p.std).toBeCloseTo(s, 15);
    expect(p.high).toBeCloseTo(2 * s, 15);
    expect(p.low).toBe(-p.high);
    expect(r.variance).toBeCloseTo(2 / 576, 14);
    expect(r.targetVariance).toBeNull();
  });

  it("DepthwiseConv2D(3, depth_multiplier=2) on 32 channels: fan_in 288 instead of 9, flagged", () => {
    const r = R("glorot_uniform", { shape: [3, 3, 32, 2], framework: "keras", depthwise: true });
    expect([r.fanIn, r.fanOut]).toEqual([288, 18]);
    expect(r.targetVariance).toBeCloseTo(2 / 27, 15);
    expect(r.quirks[0]).toMatch(/depthwise/);
  });

  it("Conv2DTranspose(32, 3) on 16 channels [3,3,32,16]: fans swapped, flagged", () => {
    const r = R("glorot_uniform", { shape: [3, 3, 32, 16], framework: "keras", transposed: true });
    expect([r.fanIn, r.fanOut]).toEqual([288, 144]);
    expect(r.variance).toBeCloseTo(2 / 432, 15);
    expect(r.targetVariance).toBeNull(); // fan_avg is symmetric: swapping the fans changes nothing
    expect(R("he_normal", { shape: [3, 3, 32, 16], framework: "keras", transposed: true }).targetVariance).toBeCloseTo(
      2 / 144,
      15,
    );
  });

  it("variance_scaling(distribution=normal) is read as truncated_normal, flagged; RandomNormal defaults to 0.05", () => {
    const r = R("variance_scaling(distribution=normal)", { shape: [64, 128], framework: "keras" });
    expect(r.distribution).toBe("truncated_normal");
    expect(r.quirks[0]).toMatch(/truncated_normal/);
    expect(R("normal", { shape: [2, 2], framework: "keras" }).params).toEqual({ kind: "normal", mean: 0, std: 0.05 });
    expect(R("uniform", { shape: [2, 2], framework: "keras" }).params).toEqual({
      kind: "uniform",
      low: -0.05,
      high: 0.05,
    });
  });

  it("rejects parameters keras does not have", () => {
    expect(() => R("he_normal(a=0.1)", { shape: [2, 2], framework: "keras" })).toThrow(
      /he_normal \(keras\): unknown parameter a; valid: \(none\)/,
    );
    expect(() => R("glorot_normal(gain=2)", { shape: [2, 2], framework: "keras" })).toThrow(/has no gain parameter/);
    expect(() => R("dirac", { shape: [3, 3, 2, 2], framework: "keras" })).toThrow(/dirac: not in keras; keras has: /);
    expect(() => R("he_normal", { shape: [3, 3, 2, 2], framework: "keras", layout: "torch" })).toThrow(
      /^layout: keras stores kernels in keras layout/,
    );
  });
});

describe("tfjs preset", () => {
  it("glorotNormal (the dense default) is a ±2σ truncated normal without the 0.8796 correction: variance 0.7737× intended (tfjs#8594)", () => {
    const r = R("layer_default", { shape: [64, 128], framework: "tfjs" });
    const s = Math.sqrt(2 / 192);
    expect(r.params).toMatchObject({ kind: "truncated_normal", std: s, low: -2 * s, high: 2 * s });
    expect(r.variance / (2 / 192)).toBeCloseTo(TRUNC_VAR, 14);
    expect(r.targetVariance).toBeCloseTo(2 / 192, 15);
    expect(r.quirks.join(" ")).toMatch(/tfjs#8594/);
  });

  it("identity is square-only", () => {
    expect(() => R("identity", { shape: [2, 3], framework: "tfjs" })).toThrow(/only square/);
  });
});

describe("jax / flax presets", () => {
  it("lecun_normal (flax Dense default) is truncated and corrected: variance exactly 1/fan_in", () => {
    const r = R("layer_default", { shape: [64, 128], framework: "flax" });
    expect(r.distribution).toBe("truncated_normal");
    expect(r.variance).toBeCloseTo(1 / 64, 14);
    expect(r.params).toMatchObject({ std: Math.sqrt(1 / 64) / TRUNCATED_NORMAL_STD_2SIGMA });
  });

  it("normal(stddev=1e-2) and uniform(scale=1e-2) defaults; uniform is U[0, scale), flagged", () => {
    expect(R("normal", { shape: [2, 2], framework: "jax" }).params).toEqual({ kind: "normal", mean: 0, std: 0.01 });
    const u = R("uniform", { shape: [2, 2], framework: "jax" });
    expect(u.params).toEqual({ kind: "uniform", low: 0, high: 0.01 });
    expect(u.quirks[0]).toMatch(/U\[0, scale\)/);
    expect(() => R("uniform(low=-1)", { shape: [2, 2], framework: "jax" })).toThrow(
      /unknown parameter low; valid: high/,
    );
  });

  it("grouped conv kernels ignore groups in fan_out, flagged", () => {
    const r = R("he_normal", { shape: [3, 3, 1, 64], framework: "jax", groups: 32 });
    expect([r.fanIn, r.fanOut]).toEqual([9, 576]);
    expect(r.quirks[0]).toMatch(/groups are ignored/);
  });

  it("delta_orthogonal needs in <= out", () => {
    expect(() => R("delta_orthogonal", { shape: [3, 3, 8, 4], framework: "jax" })).toThrow(
      /in channels <= out channels/,
    );
  });
});

describe("initlab's own semantics", () => {
  it("*_normal initializers are untruncated with the paper's variance; fans are the layer's real ones", () => {
    const he = R("he_normal", { shape: [3, 3, 64, 128] });
    expect(he.distribution).toBe("normal");
    expect(he.variance).toBeCloseTo(2 / 576, 15);
    expect(R("glorot_normal", { shape: [3, 3, 32, 2], depthwise: true }).variance).toBeCloseTo(2 / 27, 15);
    expect(R("he_normal", { shape: [64, 1, 3, 3], layout: "torch", groups: 32 }).variance).toBeCloseTo(2 / 9, 15);
    expect(R("he_normal", { shape: [3, 3, 64, 128] }).quirks).toEqual([]);
  });

  it("he_normal with leaky_relu slope a: Var = 2/((1 + a²)·fan_in)", () => {
    expect(R("he_normal(a=0.2)", { shape: [100, 10] }).variance).toBeCloseTo(2 / (1.04 * 100), 15);
  });

  it("variance_scaling: Var = scale/n for each mode, uniform bound √(3·scale/n)", () => {
    const shape = [30, 90];
    expect(R("variance_scaling(scale=2,mode=fan_in,distribution=normal)", { shape }).variance).toBeCloseTo(2 / 30, 15);
    expect(R("variance_scaling(scale=2,mode=fan_out,distribution=truncated_normal)", { shape }).variance).toBeCloseTo(
      2 / 90,
      14,
    );
    const u = R("variance_scaling(scale=2,mode=fan_avg,distribution=uniform)", { shape });
    expect(u.bound).toBeCloseTo(Math.sqrt((3 * 2) / 60), 15);
    expect(u.variance).toBeCloseTo(2 / 60, 15);
  });

  it("layer_default needs a framework", () => {
    expect(() => R("layer_default", { shape: [4, 4] })).toThrow(/pass a framework/);
  });
});

describe("bad input", () => {
  it.each([
    ["nosuch", /^init: unknown initializer "nosuch"; valid: zeros, ones/],
    ["normal(std=-1)", /^normal: std must be >= 0, got -1$/],
    ["normal(std=nan)", /^normal: std must be a finite number, got NaN$/],
    ["normal(sd=1)", /^normal: unknown parameter sd; valid: mean, std$/],
    ["variance_scaling(scale=-2)", /^variance_scaling: scale must be > 0/],
    ["variance_scaling(mode=fan_sum)", /^variance_scaling: mode must be one of fan_in, fan_out, fan_avg/],
    ["sparse", /sparsity is required/],
    ["he_normal(nonlinearity=swish)", /nonlinearity must be one of/],
    ["truncated_normal(a=3,b=2)", /need a < b/],
  ])("%s → one-line error", (spec, message) => {
    const run = () => R(spec, { shape: [8, 8] });
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as Error).message.includes("\n")).toBe(false);
    }
  });

  it("zero-size and empty shapes are refused", () => {
    expect(() => R("he_normal", { shape: [0, 8] })).toThrow(/^shape: must be a non-empty list of positive integers/);
    expect(() => R("he_normal", { shape: [] })).toThrow(/^shape:/);
  });
});
