import { describe, expect, it } from "vitest";
import { settledSum } from "../../../src/core/numeric/settledSum.js";

describe("settledSum", () => {
  it("is value + cor rounded when every cor within ±bound rounds the same", () => {
    expect(settledSum(1, 2 ** -60, 2 ** -70)).toBe(1);
    expect(settledSum(1, 2 ** -51 + 2 ** -54, 2 ** -60)).toBe(1 + 2 ** -51);
  });
  it("is NaN when the bound straddles a rounding midpoint (1 + 2⁻⁵³ is halfway between 1 and 1 + 2⁻⁵²)", () => {
    expect(settledSum(1, 2 ** -53, 2 ** -60)).toBeNaN();
    expect(settledSum(1, 2 ** -53 + 2 ** -58, 2 ** -60)).toBe(1 + 2 ** -52);
  });
});
