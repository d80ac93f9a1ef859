import { describe, expect, it } from "vitest";
import {
  backwardVerdict,
  correlationVerdict,
  forwardVerdict,
  hiddenMeanField,
  meanField,
  networkTheory,
  parseActivation,
  propagate,
  signalVerdicts,
  verdictHeadline,
} from "../../src/core/index.js";
import type { NetworkSpec } from "../../src/core/index.js";

const geometric = (r: number, n: number) => Array.from({ length: n }, (_, l) => r ** l);

describe("signal verdicts", () => {
  it("forward: a std growing 1.2× a layer explodes, past 10× at the first layer where 1.2^l > 10 (l = 13)", () => {
    const v = forwardVerdict({ std: geometric(1.2, 30) });
    expect(v.kind).toBe("exploding");
    expect(v.factorPerLayer).toBeCloseTo(1.2, 12);
    expect(v.layer).toBe(13);
    expect(v.sentence).toMatch(/^the forward signal explodes: std 1\.00 → 198 over 30 layers \(×1\.20 a layer\)/);
  });

  it("forward: a std shrinking 0.8× a layer vanishes below 1/10 at l = 11 (0.8^11 = 0.086)", () => {
    const v = forwardVerdict({ std: geometric(0.8, 20) });
    expect([v.kind, v.layer]).toEqual(["vanishing", 11]);
    expect(v.factorPerLayer).toBeCloseTo(0.8, 12);
  });

  it("forward: a non-finite std explodes and a std of exactly 0 vanishes at that layer", () => {
    expect(forwardVerdict({ std: [1, 20, 400, Infinity, Number.NaN] })).toMatchObject({ kind: "exploding", layer: 3 });
    expect(forwardVerdict({ std: [1, 0.1, 0.01, 0] })).toMatchObject({ kind: "vanishing", layer: 3 });
    // the factor comes from the finite, non-zero layers before the event
    expect(forwardVerdict({ std: [1, 20, 400, Infinity] }).factorPerLayer).toBeCloseTo(20, 12);
  });

  it("forward: within 10× it is stable, unless more than 60 % of the last layer's units have |φ'| < 0.05", () => {
    expect(forwardVerdict({ std: [1, 3, 0.5, 2] })).toMatchObject({ kind: "stable", layer: null });
    expect(forwardVerdict({ std: [1, 1, 1, 1], saturated: [0.2, 0.5, 0.7, 0.9] })).toMatchObject({
      kind: "saturating",
      layer: 2,
    });
    expect(forwardVerdict({ std: [1, 1, 1], saturated: [0.5, 0.5, 0.5] }).kind).toBe("stable");
  });

  it("backward: norms growing 1.1× a layer toward the input explode, past 10× 25 layers below the output", () => {
    const L = 40;
    const g = Array.from({ length: L }, (_, l) => 1.1 ** (L - 1 - l));
    const v = backwardVerdict(g);
    expect(v.kind).toBe("exploding");
    expect(v.factorPerLayer).toBeCloseTo(1.1, 12);
    // 1.1^25 = 10.8 > 10 > 1.1^24 = 9.85
    expect(v.layer).toBe(L - 1 - 25);
    expect(backwardVerdict(g.slice().reverse()).kind).toBe("vanishing");
    expect(backwardVerdict([1, 2, 3]).kind).toBe("stable");
  });

  it("correlation: c = 1 − ½·0.8^l collapses above 0.99 at l = 18, with 1 − c shrinking 0.8× a layer", () => {
    const c = Array.from({ length: 30 }, (_, l) => 1 - 0.5 * 0.8 ** l);
    const v = correlationVerdict(c);
    expect([v.kind, v.layer]).toEqual(["collapsing", 18]);
    expect(v.factorPerLayer).toBeCloseTo(0.8, 12);
    expect(correlationVerdict([0.9, 0.6, 0.3, 0.2]).kind).toBe("exploding");
    expect(correlationVerdict([0.5, 0.6, 0.7]).kind).toBe("stable");
  });

  it("the reasons name the mean field: χ₁ > 1 chaotic for tanh at σ_w² = 2.56, < 1 ordered at σ_w² = 0.5", () => {
    const tanh = parseActivation("tanh");
    const chaotic = meanField({ activation: tanh, sigmaW2: 2.56, sigmaB2: 0 });
    const v = backwardVerdict([8, 4, 2, 1], chaotic);
    expect(v.sentence).toContain(`χ₁ = ${chaotic.chi1.toPrecision(3)} > 1 (chaotic phase)`);
    const ordered = meanField({ activation: tanh, sigmaW2: 0.5, sigmaB2: 0 });
    expect(backwardVerdict([1, 2, 4, 8], ordered).sentence).toContain("< 1 (ordered phase)");
    expect(forwardVerdict({ std: [1, 1] }, chaotic).sentence).toContain(`q* = ${chaotic.qStar.toPrecision(3)}`);
  });

  it("the headline is the first verdict that is not stable, forward before backward", () => {
    const vs = signalVerdicts({ std: [1, 1, 1], gradNorm: [100, 10, 1] });
    expect(vs.map((v) => v.kind)).toEqual(["stable", "exploding"]);
    expect(verdictHeadline(vs)).toBe(`verdict: will not train well — ${vs[1].sentence}`);
    expect(verdictHeadline(signalVerdicts({ std: [1, 1], gradNorm: [1, 1] }))).toMatch(/^verdict: healthy/);
  });

  it("‖∂L/∂a‖ grows by √χ₁ a layer toward the input (E[δ²] by χ₁; Schoenholz et al. 2017), measured at width 512", async () => {
    // tanh, σ_w² = 512·(0.0707)² = 2.56: between layers 25 and 5 (past the transient from q⁰ to q*),
    // the per-layer factor of a 32-example batch at width 512 scatters by ≈ √(20/(512·32))/20 ≈ 0.17 %
    // across seeds; 1 % is about 6 of those.
    const spec: NetworkSpec = {
      inputWidth: 512,
      widths: new Array(30).fill(512),
      init: `normal(std=${Math.sqrt(2.56 / 512)})`,
      biasInit: null,
      activation: "tanh",
      residual: null,
      norm: null,
      framework: null,
    };
    const chi1 = (hiddenMeanField(spec, networkTheory(spec, 1)) as NonNullable<ReturnType<typeof hiddenMeanField>>)
      .chi1;
    for (const seed of [0, 1]) {
      const r = await propagate({ network: spec, batch: 32, seed, dtype: "float64", backward: true, stats: "basic" });
      const g = r.layers.map((l) => l.grad?.activationNorm ?? Number.NaN);
      expect(Math.abs((g[5] / g[25]) ** (1 / 20) / Math.sqrt(chi1) - 1)).toBeLessThan(0.01);
    }
  }, 60_000);
});
