import { describe, expect, it } from "vitest";
import { correctExp } from "../../../src/core/random/frameworks/correctExp.js";
import { numpyZigguratTables, ZIGGURAT_R, ZIGGURAT_V } from "../../../src/core/random/frameworks/numpyZiggurat.js";

describe("correctExp", () => {
  // e^a to 90 digits (mpmath), rounded to float64; the first argument is the tables' hard case,
  // whose e^a lies 0.49826 units in the last place above the float64 it rounds to
  it.each([
    [-0.38951100007894385, 0.6773880362187734],
    [-6.676416654796093, 0.001260285930498598],
    [-1e-10, 0.9999999999],
    [-0.5, 0.6065306597126334],
    [-1, 0.36787944117144233],
    [1, 2.718281828459045],
    [0.6931471805599453, 2],
    [-0.34657359027997264, 0.7071067811865476],
    [3.7, 40.4473043600674],
    [-20.123456789, 1.821770896281253e-9],
    [100.5, 4.4319559098458955e43],
    [-699.9, 1.0896627777796162e-304],
    [0, 1],
  ])("e^(%s) is correctly rounded", (a, expected) => {
    expect(correctExp(a)).toBe(expected);
  });

  it("passes NaN, ±∞ and overflow through as Math.exp does", () => {
    expect(correctExp(Number.NaN)).toBeNaN();
    expect(correctExp(Infinity)).toBe(Infinity);
    expect(correctExp(-Infinity)).toBe(0);
    expect(correctExp(800)).toBe(Infinity);
  });
});

describe("NumPy's normal ziggurat tables", () => {
  const t = numpyZigguratTables(2 ** 52);
  const x = Array.from(t.w, (w) => w * 2 ** 52);

  it("every layer has area v: x_i·(f(x_{i−1}) − f(x_i)) = v for i ≥ 1, and w_0 = v/f(r)/M", () => {
    // the recursion is ill-conditioned toward the top (x → 0); float64 steps leave ≤ 1e−10 relative
    for (let i = 2; i < 256; i++) expect(Math.abs((x[i] * (t.f[i - 1] - t.f[i])) / ZIGGURAT_V - 1)).toBeLessThan(1e-10);
    expect(x[255]).toBe(ZIGGURAT_R);
    expect(t.w[0]).toBe(ZIGGURAT_V / Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R) / 2 ** 52);
    expect(t.f[0]).toBe(1);
    expect(t.k[1]).toBe(0);
  });

  it("k_i = round(x_{i−1}/x_i·M): the fast path's share of layer i", () => {
    for (let i = 2; i < 256; i++) expect(Math.abs(t.k[i] - (x[i - 1] / x[i]) * 2 ** 52)).toBeLessThanOrEqual(0.5);
    // k_0 = round(r·f(r)/v·M): the base layer's rectangle over its area (rectangle and tail)
    const r = ZIGGURAT_R;
    expect(Math.abs(t.k[0] - ((r * Math.exp(-0.5 * r * r)) / ZIGGURAT_V) * 2 ** 52)).toBeLessThanOrEqual(0.5);
  });
});
