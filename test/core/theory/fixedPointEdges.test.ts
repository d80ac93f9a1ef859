import { describe, expect, it } from "vitest";
import { parseActivation, SELU_ALPHA, SELU_LAMBDA } from "../../../src/core/engine/activations.js";
import { criticalSigmaW2, meanField } from "../../../src/core/theory/meanField.js";

const mf = (act: string, sigmaW2: number, sigmaB2 = 0) =>
  meanField({ activation: parseActivation(act), sigmaW2, sigmaB2 });

describe("mean-field theory where no finite fixed point exists (closed forms for ReLU: q' = σ_w²q/2 + σ_b², χ₁ = σ_w²/2)", () => {
  it("ReLU below σ_w² = 2 has q* = σ_b²/(1 − σ_w²/2)", () => {
    const s = mf("relu", 1.5, 0.1);
    expect(s.fixedPoint.kind).toBe("finite");
    expect(s.qStar).toBeCloseTo(0.1 / (1 - 0.75), 10);
    expect(s.chi1).toBeCloseTo(0.75, 12);
  });

  it("ReLU at σ_w² = 2 with a bias: no fixed point, q grows linearly by σ_b² a layer, χ₁ = 1 (was q* = 4.1e16)", () => {
    const s = mf("relu", 2, 0.1);
    expect(s.fixedPoint).toMatchObject({ kind: "grows", qStar: Infinity, factor: 1 });
    expect(s.fixedPoint.increment).toBeCloseTo(0.1, 6);
    expect(s.qStar).toBe(Infinity);
    expect(s.chi1).toBeCloseTo(1, 9);
    expect(s.xiC).toBe(Infinity);
  });

  it("ReLU above σ_w² = 2: q grows ×σ_w²/2 a layer; χ₁ = σ_w²/2 and c* = 1 are still defined (were nan)", () => {
    const s = mf("relu", 2.5);
    expect(s.fixedPoint.kind).toBe("grows");
    expect(s.fixedPoint.factor).toBeCloseTo(1.25, 9);
    expect(s.chi1).toBeCloseTo(1.25, 9);
    expect(s.cStar).toBe(1);
    expect(s.xiC).toBe(Infinity); // the normalised correlation map's slope at 1 is χ₁/factor = 1
    expect(s.xiQ).toBeNaN();
  });

  it("ReLU at σ_w² = 2, σ_b² = 0: every q is a fixed point (marginal), not q* = 1", () => {
    const s = mf("relu", 2);
    expect(s.fixedPoint.kind).toBe("marginal");
    expect(s.qStar).toBeNaN();
    expect(s.chi1).toBeCloseTo(1, 12);
  });

  it("ELU at σ_w² = 2 grows linearly by σ_w²·α²/2 = 1 a layer; softplus faster than linearly", () => {
    const elu = mf("elu", 2);
    expect(elu.fixedPoint.kind).toBe("grows");
    expect(elu.fixedPoint.increment).toBeCloseTo(1, 4);
    const sp = mf("softplus", 2);
    expect(sp.fixedPoint).toMatchObject({ kind: "grows", increment: null, factor: 1 });
  });

  it("critical σ_w² for ReLU with a bias is 2, where q has no finite fixed point (was q* = 4.1e16)", () => {
    const c = criticalSigmaW2(parseActivation("relu"), 0.1);
    expect(c.kind).toBe("critical");
    expect(c.sigmaW2).toBeCloseTo(2, 9);
    expect(c.qStar).toBe(Infinity);
  });

  it("critical σ_w² for SELU at σ_b² = 0 uses the q → 0⁺ limit of χ₁: 2/(λ²α² + λ²) = 0.4768 (was 0.3235, the left derivative)", () => {
    const c = criticalSigmaW2(parseActivation("selu"), 0);
    const expected = 2 / (SELU_LAMBDA ** 2 * SELU_ALPHA ** 2 + SELU_LAMBDA ** 2);
    expect(Math.abs(c.sigmaW2 - expected)).toBeLessThan(1e-5);
    expect(c.qStar).toBe(0);
  });

  it("GELU and SiLU at σ_b² = 0 have no critical point: χ₁ jumps over 1 where q from q⁰ = 1 switches from vanishing to growing", () => {
    for (const act of ["gelu", "silu"]) {
      const c = criticalSigmaW2(parseActivation(act), 0);
      expect(c.kind).toBe("jump");
      const below = mf(act, c.sigmaW2 * (1 - 1e-6));
      const above = mf(act, c.sigmaW2 * (1 + 1e-6));
      expect(below.fixedPoint.kind).toBe("vanishes");
      expect(above.fixedPoint.kind).toBe("grows");
      expect(below.chi1).toBeLessThan(1);
      expect(above.chi1).toBeGreaterThan(1);
    }
    // GELU's φ'(0) = ½: below the jump χ₁ is its q → 0⁺ limit σ_w²/4, and the trainable depth is finite (was nan)
    const g = mf("gelu", 2);
    expect(g.chi1).toBeCloseTo(0.5, 5);
    expect(g.trainableDepth).toBeCloseTo(-6 / Math.log(0.5), 3);
  });

  it("unchanged where a finite fixed point exists: tanh at σ_b² = 0.05 is critical at σ_w² = 1.7609546", () => {
    const c = criticalSigmaW2(parseActivation("tanh"), 0.05);
    expect(c.kind).toBe("critical");
    expect(c.sigmaW2).toBeCloseTo(1.7609546, 6);
  });
});
