import { describe, expect, it } from "vitest";
import type { Dtype, NetworkSpec } from "../../../src/core/internal.js";
import {
  arena,
  buildNetwork,
  FORMATS,
  jacobianSpectrum,
  plainNetwork,
  propagate,
  propagateCorrelation,
  referenceBackend,
  runNetwork,
  toJson,
} from "../../../src/core/internal.js";

const net = (o: Partial<NetworkSpec> & { depth: number; width: number }): NetworkSpec => ({
  inputWidth: o.width,
  widths: new Array(o.depth).fill(o.width),
  init: o.init ?? "lecun_normal",
  biasInit: o.biasInit ?? null,
  activation: o.activation ?? "linear",
  residual: o.residual ?? null,
  norm: o.norm ?? null,
  framework: o.framework ?? null,
});

/**
 * Expected event layers from the formats' limits. A width-n linear net with N(0, s²) weights and
 * input N(0, s_in²) has variance v_k = s_in²·(n·s²)^{k+1} after layer k. Its std (computed in the
 * accumulation dtype) overflows when the sum of squares n·v_k passes that dtype's max; its values
 * overflow when the largest of n normals, ≈ 3√v_k, passes the storage dtype's max; the variance
 * rounds to 0 below half the accumulation dtype's smallest subnormal; every value rounds to 0 once
 * ≈ 3√v_k is below half the storage dtype's smallest subnormal. These are ±1 layer estimates
 * (the largest of 512 normals varies, and log v_k moves by ≈ √(2/n) a layer).
 */
function firstLayer(sIn: number, n: number, s: number, hit: (v: number) => boolean): number {
  for (let k = 0; k < 500; k++) if (hit(sIn * sIn * (n * s * s) ** (k + 1))) return k;
  return -1;
}

const within = (got: number | null, want: number, slack = 1) => {
  expect(got).not.toBeNull();
  expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(slack);
};

describe("precision events, width 512, batch 1, linear, N(0,1) weights", () => {
  it.each(["float32", "bfloat16", "float16", "float64"] as Dtype[])(
    "%s: std and values become non-finite where the formats' limits say",
    async (dtype) => {
      const r = await propagate({
        network: net({ depth: 40, width: 512, init: "normal(std=1)" }),
        batch: 1,
        dtype,
        seed: 3,
      });
      const store = FORMATS[dtype];
      const acc = FORMATS[r.accumulate];
      const stdInf = firstLayer(1, 512, 1, (v) => 512 * v > acc.max);
      const valInf = firstLayer(1, 512, 1, (v) => 3 * Math.sqrt(v) > store.max);
      if (dtype === "float64") {
        expect(stdInf).toBeGreaterThan(40);
        expect(r.events.stdNonFinite).toBeNull();
        return;
      }
      // the std is non-finite at the first layer where either the sum of squares or a value overflows
      within(r.events.stdNonFinite, Math.min(stdInf, valInf), 0);
      within(r.events.valueNonFinite, valInf);
      if (dtype === "float32") expect([r.events.stdNonFinite, valInf]).toEqual([13, 28]);
      if (dtype === "float16") expect(valInf).toBe(3);
    },
  );

  it.each(["float32", "bfloat16", "float16"] as Dtype[])(
    "%s: std exactly 0 and all-zero layers for 0.01-scaled weights and input",
    async (dtype) => {
      const r = await propagate({
        network: net({ depth: 75, width: 512, init: "normal(std=0.01)" }),
        batch: 1,
        inputScale: 0.01,
        dtype,
        seed: 4,
      });
      const store = FORMATS[dtype];
      const acc = FORMATS[r.accumulate];
      const allZero = firstLayer(0.01, 512, 0.01, (v) => 3 * Math.sqrt(v) < store.minSubnormal / 2);
      const varZero = firstLayer(0.01, 512, 0.01, (v) => v < acc.minSubnormal / 2);
      within(r.events.allZero, allZero, 2);
      within(r.events.stdZero, Math.min(varZero, allZero), 1);
      if (dtype === "float32") expect([31, 32]).toContain(r.events.stdZero);
    },
    30_000,
  );
});

describe("signal propagation at initialization (must-show claims)", () => {
  it("SELU with LeCun-normal keeps mean ≈ 0 and variance ≈ 1 over 50 layers (Klambauer et al. 2017)", async () => {
    const r = await propagate({
      network: net({ depth: 50, width: 256, activation: "selu" }),
      batch: 64,
      dtype: "float64",
      seed: 5,
    });
    for (const l of r.layers) {
      // a finite-width net fluctuates around the fixed point: allow ±0.1 in mean, ±20% in variance (16384 values a layer)
      expect(Math.abs(l.post.mean)).toBeLessThan(0.1);
      expect(Math.abs(l.post.std ** 2 - 1)).toBeLessThan(0.2);
    }
  });

  it("ReLU with He keeps the second moment; with Glorot (fan_in = fan_out) it halves each layer", async () => {
    const spec = (init: string) => net({ depth: 20, width: 512, activation: "relu", init });
    const he = await propagate({ network: spec("he_normal"), batch: 128, dtype: "float64", seed: 6 });
    const gl = await propagate({ network: spec("glorot_normal"), batch: 128, dtype: "float64", seed: 6 });
    // q^{l+1} = σ_w²·n·E[relu(h)²] = σ_w²·n·q^l/2: σ_w² = 2/n keeps q, 1/n halves it.
    // ln(q^{l+1}/q^l) fluctuates by at most ≈ √(2/n) = 0.0625 a layer (the weights' χ²ₙ), so the
    // mean over 19 layer pairs has sd ≤ 0.0625/√19 ≈ 0.0143: 5 sd = 0.072.
    const meanLogRatio = (r: typeof he) => {
      let s = 0;
      for (let l = 1; l < 20; l++) s += Math.log(r.layers[l].pre.rms ** 2 / r.layers[l - 1].pre.rms ** 2);
      return s / 19;
    };
    expect(Math.abs(meanLogRatio(he))).toBeLessThan(0.072);
    expect(Math.abs(meanLogRatio(gl) - Math.log(0.5))).toBeLessThan(0.072);
  });

  it("orthogonal linear nets have Jacobian singular values all 1 (Saxe et al. 2014)", async () => {
    const r = await jacobianSpectrum({
      network: net({ depth: 16, width: 64, init: "orthogonal" }),
      batch: 1,
      dtype: "float64",
      seed: 7,
    });
    for (const s of r.singularValues) expect(Math.abs(s - 1)).toBeLessThan(1e-10);
    expect(r.squaredSingularValues.variance).toBeLessThan(1e-20);
  });

  it("Gaussian linear nets spread: the variance of the squared singular values grows ≈ L (Pennington et al. 2017, s₁ = −1)", async () => {
    const v = [];
    for (const depth of [1, 4, 8]) {
      const r = await jacobianSpectrum({
        network: net({ depth, width: 128, init: "lecun_normal" }),
        batch: 1,
        dtype: "float64",
        seed: 8,
      });
      v.push(r.squaredSingularValues.variance);
    }
    expect(v[0]).toBeLessThan(v[1]);
    expect(v[1]).toBeLessThan(v[2]);
    // at width 128 the finite-width spectrum matches L within ≈ 30% for these depths
    expect(v[0]).toBeGreaterThan(0.7);
    expect(v[2]).toBeGreaterThan(8 * 0.7);
    expect(v[2]).toBeLessThan(8 * 1.5);
  });
});

describe("backward pass", () => {
  it("∂L/∂W matches central finite differences (tanh, bias, LayerNorm, residual blocks, float64)", async () => {
    const spec = net({
      depth: 4,
      width: 5,
      activation: "tanh",
      init: "he_normal",
      biasInit: "normal(std=0.1)",
      norm: "layer",
      residual: { branchDepth: 2, branchScale: 0.7 },
    });
    const opts = {
      network: spec,
      batch: 3,
      dtype: "float64" as const,
      seed: 9,
      backward: true,
      keepGradients: true,
      loss: "mse" as const,
    };
    const built = buildNetwork(spec, 9, "float64");
    const r = await runNetwork(built, opts);
    const h = 1e-6;
    for (const [l, i] of [
      [0, 0],
      [1, 7],
      [2, 12],
      [3, 24],
    ]) {
      const w = built.layers[l].weights;
      const orig = w[i];
      w[i] = orig + h;
      const up = (await runNetwork(built, { ...opts, backward: true, keepGradients: false })).loss as number;
      w[i] = orig - h;
      const down = (await runNetwork(built, { ...opts, backward: true, keepGradients: false })).loss as number;
      w[i] = orig;
      const fd = (up - down) / (2 * h);
      expect(Math.abs((r.weightGradients as Float64Array[])[l][i] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });

  it("reports gradient norms and ‖∂L/∂W‖/‖W‖ for every layer", async () => {
    const r = await propagate({
      network: net({ depth: 5, width: 32, activation: "tanh" }),
      batch: 8,
      seed: 1,
      backward: true,
    });
    for (const l of r.layers) {
      expect(l.grad).not.toBeNull();
      expect(l.grad?.weightRatio).toBeCloseTo(
        (l.grad?.weightNorm ?? 0) /
          Math.sqrt(
            Array.from(
              buildNetwork(net({ depth: 5, width: 32, activation: "tanh" }), 1, "float32").layers[l.index].weights,
            ).reduce((s, v) => s + v * v, 0),
          ),
        6,
      );
    }
  });
});

describe("norms, residuals and determinism", () => {
  it("LayerNorm gives every sample's pre-activation mean 0 and variance 1; BatchNorm every feature's", async () => {
    const spec = net({ depth: 3, width: 64, norm: "layer", init: "normal(std=3)", activation: "linear" });
    const ln = await propagate({ network: spec, batch: 16, dtype: "float64", seed: 2 });
    for (const l of ln.layers) {
      expect(Math.abs(l.post.mean)).toBeLessThan(1e-12);
      expect(l.post.std).toBeCloseTo(Math.sqrt(1 / (1 + 1e-5 / l.pre.std ** 2)), 3);
    }
    const bn = await propagate({ network: { ...spec, norm: "batch" }, batch: 16, dtype: "float64", seed: 2 });
    for (const l of bn.layers) expect(Math.abs(l.post.mean)).toBeLessThan(1e-12);
  });

  it("Fixup residual nets start as the identity (zero last layers), with Brock et al.'s statistics", async () => {
    const r = await propagate({
      network: net({
        depth: 8,
        width: 32,
        activation: "relu",
        init: "he_normal",
        residual: { branchDepth: 2, branchScale: "fixup" },
      }),
      batch: 16,
      dtype: "float64",
      seed: 3,
    });
    const blocks = r.layers.filter((l) => l.block);
    expect(blocks).toHaveLength(4);
    for (const b of blocks) {
      expect(b.block?.residualBranchVariance).toBe(0);
      // the branch adds exactly 0, so every block outputs the network's input itself: the same statistics, bit for bit
      expect(b.block?.averageChannelVariance).toBe(blocks[0].block?.averageChannelVariance);
      expect(b.block?.averageChannelSquaredMean).toBe(blocks[0].block?.averageChannelSquaredMean);
      expect(b.block?.std).toBe(blocks[0].block?.std);
    }
    // …and that input is N(0, 1): a batch-16 channel variance has mean 15/16 and sd ≈ √(2/16)·(15/16);
    // averaged over 32 channels the sd is ≈ 0.059 — 5 sd
    expect(Math.abs((blocks[0].block?.averageChannelVariance ?? 0) - 15 / 16)).toBeLessThan(5 * 0.059);
  });

  it("same seed → bit-identical results; another seed differs", async () => {
    const o = { network: net({ depth: 4, width: 16, activation: "gelu" }), batch: 4, seed: 0, backward: true };
    const a = toJson(await propagate(o));
    expect(toJson(await propagate(o))).toBe(a);
    expect(toJson(await propagate({ ...o, seed: 1 }))).not.toBe(a);
  });

  it("two inputs keep their correlation through an orthogonal linear net (c^l = c₀)", async () => {
    const r = await propagateCorrelation(
      { network: net({ depth: 5, width: 64, init: "orthogonal" }), batch: 2, dtype: "float64", seed: 1 },
      0.3,
    );
    const c0 = r.layers[0].c;
    for (const l of r.layers) expect(l.c).toBeCloseTo(c0, 10);
  });

  it("rejects bad networks with one-line errors", async () => {
    await expect(
      propagate({ network: net({ depth: 3, width: 8, activation: "swishy" }), batch: 1, seed: 0 }),
    ).rejects.toThrow(/^activation: unknown "swishy"; valid: linear, relu/);
    await expect(
      propagate({
        network: { ...net({ depth: 3, width: 8 }), residual: { branchDepth: 2, branchScale: 1 } },
        batch: 1,
        seed: 0,
      }),
    ).rejects.toThrow(/multiple of the branch depth/);
    await expect(propagate({ network: net({ depth: 3, width: 8 }), batch: 0, seed: 0 })).rejects.toThrow(/^batch:/);
  });
});

describe("LSUV on a network", () => {
  it("brings every layer's pre-activation variance within tol of 1 (orthonormal pre-init, relu)", async () => {
    const r = await propagate({
      network: net({ depth: 8, width: 64, activation: "relu", init: "orthogonal" }),
      batch: 32,
      dtype: "float64",
      seed: 2,
      lsuv: { tol: 0.05 },
    });
    expect(r.lsuv).toHaveLength(8);
    for (const [l, rep] of (r.lsuv ?? []).entries()) {
      expect(rep.converged).toBe(true);
      expect(Math.abs(r.layers[l].pre.std ** 2 - 1)).toBeLessThan(0.05);
    }
  });
});

describe("μP at initialization", () => {
  it("scales the output layer to Var = 1/fan_in² (lecun init), leaving the others at 1/fan_in", () => {
    const spec = { ...net({ depth: 3, width: 256 }), parameterization: "mup" as const };
    const built = buildNetwork(spec, 1, "float64");
    const m2 = (w: ArrayLike<number>) => Array.from(w).reduce((s, v) => s + v * v, 0) / w.length;
    // 65 536 normal values a layer: SE of the second moment is √2·σ²/256 ≈ 0.55%; 5 SE
    expect(Math.abs(m2(built.layers[0].weights) * 256 - 1)).toBeLessThan((5 * Math.SQRT2) / 256);
    expect(Math.abs(m2(built.layers[2].weights) * 256 * 256 - 1)).toBeLessThan((5 * Math.SQRT2) / 256);
  });
});

describe("arena", () => {
  it("hands out disjoint zeroed slices of one buffer, then fresh arrays past its capacity", () => {
    const a = arena(10);
    const x = a.take(4);
    const y = a.take(6);
    expect(x.buffer).toBe(y.buffer);
    x.fill(1);
    expect(Array.from(y)).toEqual([0, 0, 0, 0, 0, 0]);
    const z = a.take(1);
    expect(z.buffer).not.toBe(x.buffer);
    expect(z.length).toBe(1);
  });

  it("a backend that ignores the output array gives the same run (its result is copied in)", async () => {
    const spec = plainNetwork({ width: 24, depth: 6, init: "he_normal", activation: "relu" });
    const net = buildNetwork(spec, 5, "float32");
    const withArena = await runNetwork(net, { network: spec, batch: 3, seed: 5, dtype: "float32", backward: true });
    const viaFresh = await runNetwork(net, {
      network: spec,
      batch: 3,
      seed: 5,
      dtype: "float32",
      backward: true,
      backend: {
        ...referenceBackend,
        gemm: (a, b, m, k, n, tA, tB, acc) => referenceBackend.gemm(a, b, m, k, n, tA, tB, acc),
      },
    });
    expect(toJson(withArena.layers)).toBe(toJson(viaFresh.layers));
  });
});
