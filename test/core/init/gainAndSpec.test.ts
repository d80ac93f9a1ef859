import { describe, expect, it } from "vitest";
import {
  ACTIVATION_NAMES,
  calculateGain,
  formatInitSpec,
  GAIN_NONLINEARITIES,
  parseActivation,
  parseInitSpec,
  secondMomentGain,
  torchGainFor,
} from "../../../src/core/internal.js";

describe("calculateGain (torch calculate_gain)", () => {
  it("is 1 for linear, conv and sigmoid; 5/3 for tanh; √2 for relu; 3/4 for selu", () => {
    for (const nl of [
      "linear",
      "conv1d",
      "conv2d",
      "conv3d",
      "conv_transpose1d",
      "conv_transpose2d",
      "conv_transpose3d",
      "sigmoid",
    ])
      expect(calculateGain(nl)).toBe(1);
    expect(calculateGain("tanh")).toBe(5 / 3);
    expect(calculateGain("relu")).toBe(Math.SQRT2);
    expect(calculateGain("selu")).toBe(0.75);
  });

  it("is √(2/(1 + s²)) for leaky_relu, with s = 0.01 when no parameter is given", () => {
    expect(calculateGain("leaky_relu")).toBe(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(calculateGain("leaky_relu", 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(calculateGain("leaky_relu", 0)).toBe(Math.SQRT2);
    expect(calculateGain("leaky_relu", Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
  });

  it("rejects unknown nonlinearities, listing the valid ones, and parameters for the others", () => {
    expect(() => calculateGain("swish")).toThrow(
      `nonlinearity: must be one of ${GAIN_NONLINEARITIES.join(", ")}, got "swish"`,
    );
    expect(() => calculateGain("tanh", 0.1)).toThrow(/only leaky_relu takes a parameter/);
    expect(() => calculateGain("leaky_relu", Number.NaN)).toThrow(/finite/);
  });
});

describe("parseInitSpec", () => {
  it("parses names, numbers and words", () => {
    expect(parseInitSpec("he_normal")).toEqual({ name: "he_normal", params: {} });
    expect(parseInitSpec("normal(std=0.01)")).toEqual({ name: "normal", params: { std: 0.01 } });
    expect(parseInitSpec(" variance_scaling( scale=2, mode=fan_in , distribution=truncated_normal ) ")).toEqual({
      name: "variance_scaling",
      params: { scale: 2, mode: "fan_in", distribution: "truncated_normal" },
    });
    expect(parseInitSpec("kaiming_uniform(a=2.23606797749979)").params.a).toBe(2.23606797749979);
    expect(parseInitSpec("orthogonal(gain=2)").params.gain).toBe(2);
    expect(parseInitSpec("normal(mean=-1e-3)").params.mean).toBe(-0.001);
    expect(parseInitSpec("normal(std=nan)").params.std).toBeNaN();
  });

  it("round-trips through formatInitSpec", () => {
    const s = "kaiming_normal(mode=fan_out,nonlinearity=relu)";
    expect(formatInitSpec(parseInitSpec(s))).toBe(s);
  });

  it.each([
    ["", /expected a name/],
    ["normal(std=0.01", /missing "\)"/],
    ["he_normal(2)", /needs the form key=value/],
    ["normal(std=0.01,std=1)", /given twice/],
    ["normal(std=1/3)", /bad value/],
    ["9lives", /expected a name/],
  ])("rejects %j with a one-line error", (spec, message) => {
    expect(() => parseInitSpec(spec)).toThrow(message);
  });

  it("normal(0.01) is JAX's spelling (a positional stddev), read as such", () => {
    expect(parseInitSpec("normal(0.01)")).toMatchObject({ name: "normal", params: { std: 0.01 }, framework: "jax" });
  });
});

describe("secondMomentGain: 1/√E[φ(z)²] for every activation", () => {
  // an independent check: the trapezoid rule on [−12, 12] with 240 001 points (step 1e-4, a point
  // on every kink at 0), whose error for these integrands is far below 1e-9
  const trapezoid = (f: (x: number) => number) => {
    const h = 1e-4;
    let s = 0;
    for (let i = -120000; i <= 120000; i++) {
      const x = i * h;
      const w = i === -120000 || i === 120000 ? 0.5 : 1;
      s += w * f(x) ** 2 * Math.exp(-0.5 * x * x);
    }
    return 1 / Math.sqrt((s * h) / Math.sqrt(2 * Math.PI));
  };
  it.each(ACTIVATION_NAMES)("%s agrees with an independent quadrature to 1e-6", (name) => {
    expect(Math.abs(secondMomentGain(name) - trapezoid(parseActivation(name).f))).toBeLessThan(1e-6);
  });
  it("relu is He's √2, linear 1, selu 1 (self-normalizing), leaky_relu(a) torch's √(2/(1 + a²))", () => {
    expect(secondMomentGain("relu")).toBeCloseTo(Math.SQRT2, 12);
    expect(secondMomentGain("linear")).toBeCloseTo(1, 12);
    expect(secondMomentGain("selu")).toBeCloseTo(1, 6);
    expect(secondMomentGain("leaky_relu(a=0.2)")).toBeCloseTo(calculateGain("leaky_relu", 0.2), 12);
  });
  it("torchGainFor gives torch's value where torch has one, null for gelu, silu, mish …", () => {
    expect(torchGainFor("tanh")).toBe(5 / 3);
    expect(torchGainFor("leaky_relu(a=0.2)")).toBe(calculateGain("leaky_relu", 0.2));
    expect(torchGainFor("leaky_relu")).toBe(calculateGain("leaky_relu"));
    for (const name of ["gelu", "silu", "mish", "softplus", "elu"]) expect(torchGainFor(name)).toBeNull();
  });
});
