import { describe, expect, it } from "vitest";
import { drawOrder, onnxUnsupported, propagateOnnx } from "../../src/adapters/onnx/propagateOnnx.js";
import { kernelStream } from "../../src/adapters/sampling/kernelStream.js";
import type { NetworkSpec } from "../../src/core/internal.js";
import { buildNetwork, propagate } from "../../src/core/internal.js";

const spec = (activation: string): NetworkSpec => ({
  inputWidth: 96,
  widths: [128, 128, 128, 64, 64, 64, 32, 32],
  init: "lecun_normal",
  biasInit: null,
  activation,
  residual: null,
  norm: null,
  framework: null,
});

/**
 * Float32 tolerance: both backends accumulate in float32, in different orders (ORT blocks and
 * uses FMA), so each dot product of length k differs by O(√k·ε₃₂·|terms|); through 8 layers that
 * stays far below 1e-4 relative for the statistics compared here.
 */
const close = (a: number, b: number, rtol = 1e-4, atol = 1e-6) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(atol + rtol * Math.abs(b));

describe("onnx backend", () => {
  it("draws the same kernels as the reference engine on a worker pool, whatever the thread count, order or reuse", async () => {
    const s = spec("tanh");
    const tasks = s.widths.map((w, l) => ({
      spec: s.init,
      shape: [l === 0 ? s.inputWidth : s.widths[l - 1], w],
      framework: null,
      seed: 5,
      layer: l,
    }));
    const ref = buildNetwork(s, 5, "float32");
    // forward then backward order, two draws ahead: buffers are recycled between layers of different sizes
    const order = drawOrder(tasks.length, true, 2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 5, 4, 3, 2, 1, 0]);
    for (const threads of [1, 2]) {
      const stream = kernelStream(tasks, order, { ahead: 2, threads, sumSquares: (p) => p < 3 });
      try {
        for (let p = 0; p < order.length; p++) {
          const k = await stream.next();
          const w = ref.layers[order[p]].weights;
          expect(k.layer).toBe(order[p]);
          expect(Array.from(k.values)).toEqual(Array.from(w));
          if (p < 3) expect(k.sumSquares).toBe(Array.from(k.values).reduce((a, v) => a + v * v, 0));
          else expect(k.sumSquares).toBeNaN();
          stream.recycle(k);
        }
        await expect(stream.next()).rejects.toThrow(/every kernel was taken/);
      } finally {
        await stream.close();
      }
    }
  });

  it.each(["tanh", "relu", "sigmoid", "linear"])(
    "%s: agrees with the reference backend within float32 tolerance, forward and backward",
    async (activation) => {
      const o = { network: spec(activation), batch: 24, seed: 7, backward: true };
      const ref = await propagate(o);
      const fast = await propagateOnnx(o);
      expect(fast.backend).toBe("onnx");
      for (let l = 0; l < ref.layers.length; l++) {
        const [r, f] = [ref.layers[l], fast.layers[l]];
        close(f.post.mean, r.post.mean, 1e-4, 1e-6);
        close(f.post.std, r.post.std);
        close(f.post.rms, r.post.rms);
        close(f.pre.rms, r.pre.rms);
        close(f.post.min, r.post.min);
        close(f.post.max, r.post.max);
        close(f.grad!.weightNorm, r.grad!.weightNorm);
        close(f.grad!.activationNorm, r.grad!.activationNorm);
        close(f.grad!.weightRatio, r.grad!.weightRatio);
      }
      close(fast.loss!, ref.loss!);
    },
  );

  it("reports the same float32 overflow event as the reference backend", async () => {
    const network = { ...spec("linear"), inputWidth: 512, widths: new Array(15).fill(512), init: "normal(std=1)" };
    const fast = await propagateOnnx({ network, batch: 1, seed: 0 });
    expect(fast.events.stdNonFinite).toBe(13);
  });

  it("says why a run is outside the graph", () => {
    expect(onnxUnsupported({ network: spec("gelu"), batch: 1, seed: 0 })).toMatch(/supports the activations/);
    expect(onnxUnsupported({ network: spec("tanh"), batch: 1, seed: 0, dtype: "float16" })).toMatch(/float32 only/);
    expect(onnxUnsupported({ network: { ...spec("tanh"), norm: "layer" }, batch: 1, seed: 0 })).toMatch(/no norm/);
    expect(onnxUnsupported({ network: spec("tanh"), batch: 1, seed: 0 })).toBeNull();
  });
});
