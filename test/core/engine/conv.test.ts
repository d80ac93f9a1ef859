import { describe, expect, it } from "vitest";
import type { NetworkSpec } from "../../../src/core/internal.js";
import {
  buildNetwork,
  col2im,
  convGeometry,
  fillNormal,
  gemm,
  im2col,
  propagate,
  rngStream,
  runNetwork,
} from "../../../src/core/internal.js";

/** Direct NHWC convolution: out[b,y,x,o] = Σ_{ky,kx,c} in[b, y·s+ky−pt, x·s+kx−pl, c]·W[ky,kx,c,o], zero outside. */
function directConv(
  a: Float64Array,
  B: number,
  H: number,
  W: number,
  C: number,
  w: Float64Array,
  O: number,
  k: number,
  s: number,
  padding: "same" | "valid",
) {
  const g = convGeometry(H, W, k, s, padding);
  const out = new Float64Array(B * g.hOut * g.wOut * O);
  for (let b = 0; b < B; b++)
    for (let y = 0; y < g.hOut; y++)
      for (let x = 0; x < g.wOut; x++)
        for (let o = 0; o < O; o++) {
          let sum = 0;
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const iy = y * s + ky - g.padTop;
              const ix = x * s + kx - g.padLeft;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (let c = 0; c < C; c++)
                sum += a[((b * H + iy) * W + ix) * C + c] * w[((ky * k + kx) * C + c) * O + o];
            }
          out[((b * g.hOut + y) * g.wOut + x) * O + o] = sum;
        }
  return { out, g };
}

describe("conv2d", () => {
  it("convGeometry follows TensorFlow's same/valid rules", () => {
    expect(convGeometry(7, 7, 3, 2, "same")).toMatchObject({ hOut: 4, wOut: 4, padTop: 1, padLeft: 1 });
    expect(convGeometry(8, 8, 3, 2, "same")).toMatchObject({ hOut: 4, padTop: 0 });
    expect(convGeometry(7, 5, 3, 1, "valid")).toMatchObject({ hOut: 5, wOut: 3, padTop: 0 });
    expect(() => convGeometry(2, 2, 3, 1, "valid")).toThrow(/does not fit/);
  });

  it.each([
    [1, "same"],
    [2, "same"],
    [2, "valid"],
  ] as const)("im2col·W equals the direct convolution (stride %i, %s)", (s, padding) => {
    const [B, H, W, C, O, k] = [2, 7, 6, 3, 4, 3];
    const a = fillNormal(rngStream(1, "a"), new Float64Array(B * H * W * C)) as Float64Array;
    const w = fillNormal(rngStream(1, "w"), new Float64Array(k * k * C * O)) as Float64Array;
    const { out, g } = directConv(a, B, H, W, C, w, O, k, s, padding);
    const cols = im2col(a, B, C, g);
    const got = gemm(cols, w, B * g.hOut * g.wOut, k * k * C, O, false, false, "float64");
    for (let i = 0; i < out.length; i++) expect(got[i]).toBeCloseTo(out[i], 12);
  });

  it("col2im is the adjoint of im2col: ⟨im2col(a), c⟩ = ⟨a, col2im(c)⟩", () => {
    const g = convGeometry(6, 5, 3, 2, "same");
    const [B, C] = [2, 3];
    const a = fillNormal(rngStream(2, "a"), new Float64Array(B * 6 * 5 * C)) as Float64Array;
    const c = fillNormal(rngStream(2, "c"), new Float64Array(B * g.hOut * g.wOut * 9 * C)) as Float64Array;
    const lhs = im2col(a, B, C, g).reduce((s, v, i) => s + v * c[i], 0);
    const rhs = col2im(c, B, C, g).reduce((s, v, i) => s + v * a[i], 0);
    expect(lhs).toBeCloseTo(rhs, 10);
  });
});

const convNet = (o: Partial<NetworkSpec>): NetworkSpec => ({
  inputWidth: 4,
  widths: [4, 4, 4],
  init: "he_normal",
  biasInit: null,
  activation: "tanh",
  residual: null,
  norm: null,
  framework: null,
  conv: { kernel: 3, stride: 1, padding: "same", height: 5, width: 5 },
  ...o,
});

describe("conv networks", () => {
  it("∂L/∂W matches finite differences (conv, stride 2, LayerNorm, float64)", async () => {
    const spec = convNet({
      widths: [3, 5],
      norm: "layer",
      conv: { kernel: 3, stride: 2, padding: "same", height: 5, width: 6 },
    });
    const opts = {
      network: spec,
      batch: 2,
      dtype: "float64" as const,
      seed: 3,
      backward: true,
      keepGradients: true,
      loss: "mse" as const,
    };
    const built = buildNetwork(spec, 3, "float64");
    const r = await runNetwork(built, opts);
    const h = 1e-6;
    for (const [l, i] of [
      [0, 5],
      [0, 40],
      [1, 17],
      [1, 60],
    ]) {
      const w = built.layers[l].weights;
      const orig = w[i];
      w[i] = orig + h;
      const up = (await runNetwork(built, { ...opts, keepGradients: false })).loss as number;
      w[i] = orig - h;
      const down = (await runNetwork(built, { ...opts, keepGradients: false })).loss as number;
      w[i] = orig;
      expect(Math.abs((r.weightGradients as Float64Array[])[l][i] - (up - down) / (2 * h))).toBeLessThan(1e-6);
    }
  });

  it("delta-orthogonal linear conv nets preserve every sample's norm exactly (Xiao et al. 2018)", async () => {
    const r = await propagate({
      network: convNet({ init: "delta_orthogonal", activation: "linear", widths: new Array(12).fill(4) }),
      batch: 3,
      dtype: "float64",
      seed: 4,
    });
    for (const l of r.layers) expect(l.post.rms).toBeCloseTo(r.layers[0].post.rms, 12);
    // and layer 0 preserves the input's norm: the input is N(0,1), 3·5·5·4 values, so rms ≈ 1 (5 SE of a χ² rms: 5/√(2·300))
    expect(Math.abs(r.layers[0].post.rms - 1)).toBeLessThan(5 / Math.sqrt(600));
  });

  it("uses conv fans: he_normal weights have variance 2/(k²·C_in)", () => {
    const built = buildNetwork(convNet({ inputWidth: 16, widths: [32] }), 1, "float64");
    const w = built.layers[0].weights;
    const v = Array.from(w).reduce((s, x) => s + x * x, 0) / w.length;
    // 3·3·16·32 = 4608 normal values: SE of the second moment = √2·σ²/√n; 5 SE
    expect(Math.abs(v / (2 / 144) - 1)).toBeLessThan(5 * Math.sqrt(2 / 4608));
  });

  it("reports output spatial size per layer and refuses residual blocks that change shape", async () => {
    const conv = { kernel: 3, stride: 2, padding: "valid" as const, height: 9, width: 9 };
    const r = await propagate({ network: convNet({ widths: [4, 4], conv }), batch: 1, seed: 0 });
    expect(r.layers.map((l) => l.spatial)).toEqual([
      [4, 4],
      [1, 1],
    ]);
    await expect(propagate({ network: convNet({ widths: [4, 4, 4], conv }), batch: 1, seed: 0 })).rejects.toThrow(
      /^kernel: 3 does not fit a 1-pixel input with padding valid$/,
    );
    await expect(
      propagate({
        network: convNet({
          residual: { branchDepth: 1, branchScale: 1 },
          conv: { kernel: 3, stride: 2, padding: "same", height: 8, width: 8 },
        }),
        batch: 1,
        seed: 0,
      }),
    ).rejects.toThrow(/stride 1 and padding same/);
  });
});
