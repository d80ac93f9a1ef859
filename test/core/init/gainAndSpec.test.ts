import { describe, expect, it } from "vitest";
import { calculateGain, formatInitSpec, GAIN_NONLINEARITIES, parseInitSpec } from "../../../src/core/internal.js";

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
    ["normal(0.01)", /needs the form key=value/],
    ["normal(std=0.01,std=1)", /given twice/],
    ["normal(std=1/3)", /bad value/],
    ["9lives", /expected a name/],
  ])("rejects %j with a one-line error", (spec, message) => {
    expect(() => parseInitSpec(spec)).toThrow(message);
  });
});
