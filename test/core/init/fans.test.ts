import { describe, expect, it } from "vitest";
import {
  frameworkFans,
  initlabFans,
  kernelContext,
  resolveInitializer,
  translateShape,
} from "../../../src/core/internal.js";

const fans = (shape: number[], o: Parameters<typeof kernelContext>[1] = {}) => {
  const f = initlabFans(kernelContext(shape, o));
  return [f.fanIn, f.fanOut];
};

describe("initlabFans", () => {
  it("dense: fan_in = in, fan_out = out in both layouts", () => {
    expect(fans([64, 128])).toEqual([64, 128]);
    expect(fans([128, 64], { layout: "torch" })).toEqual([64, 128]);
  });

  it("conv: fan_in = in·∏k, fan_out = out·∏k in both layouts", () => {
    expect(fans([3, 3, 64, 128])).toEqual([576, 1152]);
    expect(fans([128, 64, 3, 3], { layout: "torch" })).toEqual([576, 1152]);
    expect(fans([5, 16, 32])).toEqual([80, 160]);
  });

  it("grouped conv: fan_in = (in/g)·∏k, fan_out = (out/g)·∏k", () => {
    // Conv2d(64, 128, 3, groups=4): torch weight [128, 16, 3, 3]
    expect(fans([128, 16, 3, 3], { layout: "torch", groups: 4 })).toEqual([144, 288]);
    expect(fans([3, 3, 16, 128], { groups: 4 })).toEqual([144, 288]);
  });

  it("depthwise: fan_in = ∏k, fan_out = multiplier·∏k", () => {
    expect(fans([3, 3, 32, 2], { depthwise: true })).toEqual([9, 18]);
    expect(fans([64, 1, 3, 3], { layout: "torch", groups: 32 })).toEqual([9, 18]);
  });

  it("transposed conv: fans of the layer's forward direction", () => {
    // ConvTranspose2d(16, 32, 3): torch weight [16, 32, 3, 3]; keras Conv2DTranspose(32) on 16 channels: [3, 3, 32, 16]
    expect(fans([16, 32, 3, 3], { layout: "torch", transposed: true })).toEqual([144, 288]);
    expect(fans([3, 3, 32, 16], { transposed: true })).toEqual([144, 288]);
  });

  it("rejects bad contexts with one-line errors", () => {
    expect(() => kernelContext([0, 3])).toThrow(/^shape: must be a non-empty list of positive integers/);
    expect(() => kernelContext([])).toThrow(/^shape:/);
    expect(() => kernelContext([3, 3], { groups: 2 })).toThrow(/^groups: only conv kernels/);
    expect(() => kernelContext([3, 3, 4, 4], { depthwise: true, layout: "torch" })).toThrow(/^depthwise:/);
  });
});

describe("frameworkFans (each framework's own rule)", () => {
  it("torch: size(1)·rf, size(0)·rf — groups ignored in fan_out (pytorch#23854), transposed swapped, 1-D refused", () => {
    const f = (shape: number[], o = {}) => {
      const r = frameworkFans("torch", kernelContext(shape, { layout: "torch", ...o }));
      return [r.fanIn, r.fanOut];
    };
    expect(f([128, 64])).toEqual([64, 128]);
    expect(f([128, 64, 3, 3])).toEqual([576, 1152]);
    expect(f([64, 1, 3, 3], { groups: 32 })).toEqual([9, 576]);
    expect(f([16, 32, 3, 3], { transposed: true })).toEqual([288, 144]);
    expect(() => f([10])).toThrow(/fewer than 2 dimensions/);
  });

  it("keras: shape[-2]·rf, shape[-1]·rf; 1-D gives (n, n); depthwise counts all input channels; transposed swapped", () => {
    const f = (shape: number[], o = {}) => {
      const r = frameworkFans("keras", kernelContext(shape, o));
      return [r.fanIn, r.fanOut];
    };
    expect(f([64, 128])).toEqual([64, 128]);
    expect(f([3, 3, 64, 128])).toEqual([576, 1152]);
    expect(f([10])).toEqual([10, 10]);
    expect(f([3, 3, 32, 2], { depthwise: true })).toEqual([288, 18]);
    expect(f([3, 3, 32, 16], { transposed: true })).toEqual([288, 144]);
  });

  it("tfjs: as keras for 2–5 dims, √∏shape for 1-D and ≥ 6-D", () => {
    expect(frameworkFans("tfjs", kernelContext([16])).fanIn).toBe(4);
    expect(frameworkFans("tfjs", kernelContext([2, 2, 2, 2, 2, 2])).fanOut).toBe(8);
    expect(frameworkFans("tfjs", kernelContext([3, 3, 64, 128])).fanIn).toBe(576);
  });

  it("jax/flax: need 2 dims; flax transposed kernels are not modelled", () => {
    expect(() => frameworkFans("jax", kernelContext([10]))).toThrow(/1-D/);
    expect(() => frameworkFans("flax", kernelContext([3, 3, 4, 4], { transposed: true }))).toThrow(/not modelled/);
    expect(() => frameworkFans("jax", kernelContext([3, 3, 4, 4], { transposed: true }))).toThrow(/not modelled/);
  });
});

describe("translateShape", () => {
  it("maps the same layer between layouts", () => {
    expect(translateShape(kernelContext([64, 128]), "torch").shape).toEqual([128, 64]);
    expect(translateShape(kernelContext([3, 3, 64, 128]), "torch").shape).toEqual([128, 64, 3, 3]);
    expect(translateShape(kernelContext([3, 3, 16, 128], { groups: 4 }), "torch")).toMatchObject({
      shape: [128, 16, 3, 3],
      groups: 4,
    });
    expect(translateShape(kernelContext([3, 3, 32, 16], { transposed: true }), "torch").shape).toEqual([16, 32, 3, 3]);
    expect(translateShape(kernelContext([3, 3, 32, 2], { depthwise: true }), "torch")).toMatchObject({
      shape: [64, 1, 3, 3],
      groups: 32,
    });
    expect(translateShape(kernelContext([3, 3, 32, 2], { depthwise: true }), "keras", true)).toMatchObject({
      shape: [3, 3, 1, 64],
      groups: 32,
    });
  });

  it("keeps initlab's fans unchanged across layouts", () => {
    const ctx = kernelContext([3, 3, 16, 128], { groups: 4 });
    const t = translateShape(ctx, "torch");
    const a = resolveInitializer("he_normal", { shape: ctx.shape, groups: 4 });
    const b = resolveInitializer("he_normal", { shape: t.shape, layout: "torch", groups: t.groups });
    expect([b.fanIn, b.fanOut]).toEqual([a.fanIn, a.fanOut]);
  });
});
