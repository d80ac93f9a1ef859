import { describe, expect, it } from "vitest";
import { hexFloat } from "../../../src/core/internal.js";

describe("hexFloat", () => {
  it("reads C99 hex floats exactly: ±h.fff…p±e = ±(h + 0.fff…₁₆)·2^e", () => {
    expect(hexFloat("0x1.8p-3")).toBe(0.1875);
    expect(hexFloat("-0x1p-1")).toBe(-0.5);
    expect(hexFloat("0x1.fffffffffffffp+1023")).toBe(Number.MAX_VALUE);
    expect(hexFloat("0x1.0000000000001p+0")).toBe(1 + Number.EPSILON);
    expect(hexFloat("1.62e42fefa3800p-1")).toBe(0.6931471805598903);
  });
  it("refuses what is not a hex float, naming it", () => {
    expect(() => hexFloat("1.5")).toThrow(/"1.5" is not a hex float/);
    expect(() => hexFloat("0x1.00000000000000p0")).toThrow(/not a hex float/);
  });
});
