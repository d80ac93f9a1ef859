import { describe, expect, it } from "vitest";
import { fillNormal, fixupPlan, lsuv, muPRule, rngStream } from "../../../src/core/internal.js";

/** A dense layer y = φ(x)·W on a batch, for LSUV. */
function denseChain(widths: number[], batch: number, activation: (x: number) => number, seed: number) {
  const x0 = fillNormal(rngStream(seed, "x"), new Float64Array(batch * widths[0])) as Float64Array;
  const Ws = widths
    .slice(1)
    .map((w, l) => fillNormal(rngStream(seed, "W", l), new Float64Array(widths[l] * w), 0, 0.3) as Float64Array);
  const forward = (upTo: number) => {
    let h = x0;
    for (let l = 0; l <= upTo; l++) {
      const [n, m] = [widths[l], widths[l + 1]];
      const input = l === 0 ? h : h.map(activation);
      const out = new Float64Array(batch * m);
      for (let b = 0; b < batch; b++)
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[b * m + j] += input[b * n + i] * Ws[l][i * m + j];
      h = out;
    }
    return h;
  };
  return Ws.map((W, l) => ({ scale: (f: number) => W.forEach((v, i) => (W[i] = v * f)), output: () => forward(l) }));
}

const variance = (x: ArrayLike<number>) => {
  const a = Array.from(x);
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length;
};

describe("lsuv (Mishkin & Matas 2016)", async () => {
  it("a linear layer needs exactly one rescaling W ← W/√Var: the variance then is 1", async () => {
    const layers = denseChain([40, 40, 40], 64, (x) => x, 1);
    const reports = await lsuv(layers, { tol: 1e-9 });
    for (const r of reports) {
      expect(r.iterations).toBe(1);
      expect(r.finalVariance).toBeCloseTo(1, 12);
      expect(r.totalScale).toBeCloseTo(1 / Math.sqrt(r.initialVariance), 12);
    }
  });

  it("tanh layers reach |Var − 1| < tol within maxIterations, earlier layers scaled first", async () => {
    const layers = denseChain([30, 50, 50, 50], 128, Math.tanh, 2);
    const reports = await lsuv(layers, { tol: 0.01, maxIterations: 10 });
    for (const [l, r] of reports.entries()) {
      expect(r.converged).toBe(true);
      expect(Math.abs(variance(layers[l].output()) - 1)).toBeLessThan(0.01);
    }
  });

  it("defaults to tol 0.1 and 10 iterations, and stops at maxIterations", async () => {
    const layers = denseChain([30, 50], 32, Math.tanh, 3);
    expect((await lsuv(layers))[0].converged).toBe(true);
    const stuck = await lsuv([{ scale: () => {}, output: () => [0, 4] }], { maxIterations: 3 });
    expect(stuck[0]).toMatchObject({ iterations: 3, converged: false });
  });

  it("reports a zero-variance layer as not converged instead of dividing by 0", async () => {
    expect((await lsuv([{ scale: () => {}, output: () => [1, 1, 1] }]))[0]).toMatchObject({
      iterations: 0,
      converged: false,
      finalVariance: 0,
    });
  });

  it("rejects a bad tolerance", async () => {
    await expect(lsuv([], { tol: 0 })).rejects.toThrow(/^tol:/);
  });
});

describe("fixupPlan (Zhang, Dauphin & Ma 2019)", async () => {
  it("scales hidden branch layers by L^(−1/(2m−2)) and zeroes the last", async () => {
    expect(fixupPlan(16, 2).hiddenScale).toBeCloseTo(16 ** -0.5, 15);
    expect(fixupPlan(16, 3).hiddenScale).toBeCloseTo(0.5, 15);
    expect(fixupPlan(16, 1).hiddenScale).toBe(1);
    expect(fixupPlan(8, 2)).toMatchObject({ lastLayer: "zero", multiplier: 1, bias: 0 });
    expect(() => fixupPlan(0, 2)).toThrow(/^residualBranches:/);
  });
});

describe("muPRule (Tensor Programs V, Table 3)", async () => {
  const base = { fanIn: 256, fanOut: 256 };
  it("hidden: Var 1/fan_in; Adam lr × base/fan_in, SGD lr × 1", async () => {
    expect(muPRule("hidden", 1024, 1024, base, "adam")).toEqual({
      initVariance: 1 / 1024,
      learningRateMultiplier: 0.25,
      outputMultiplier: 1,
    });
    expect(muPRule("hidden", 1024, 1024, base, "sgd").learningRateMultiplier).toBe(1);
  });

  it("output: Var 1/fan_in², lr × base/fan_in; input: Var 1/fan_in, SGD lr × fan_out/base", async () => {
    expect(muPRule("output", 1024, 10, base, "adam")).toMatchObject({
      initVariance: 1 / 1024 ** 2,
      learningRateMultiplier: 0.25,
    });
    expect(muPRule("input", 784, 1024, base, "sgd")).toMatchObject({
      initVariance: 1 / 784,
      learningRateMultiplier: 4,
    });
    expect(muPRule("input", 784, 1024, base, "adam").learningRateMultiplier).toBe(1);
    expect(() => muPRule("hidden", 0, 1, base, "sgd")).toThrow(/^fanIn:/);
  });
});
