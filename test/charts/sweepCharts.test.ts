import { describe, expect, it } from "vitest";
import { sweepCharts } from "../../src/charts/sweepCharts.js";
import type { SweepRow } from "../../src/charts/sweepCharts.js";
import { renderSvg } from "../../src/report/renderChart.js";

const trainRow = (label: string, loss: number): SweepRow => ({
  label,
  point: {},
  result: {
    history: [0, 1, 2].map((epoch) => ({
      epoch,
      trainLoss: loss - 0.001 * epoch,
      testLoss: loss,
      trainAccuracy: 0.3,
      testAccuracy: 0.3,
    })),
  },
});

describe("sweep charts read on their own", () => {
  const rows = [
    trainRow("init=glorot_uniform, activation=relu, depth=40, width=512", 2.302),
    trainRow("init=he", 1e-3),
  ];

  it("panels share one y axis unless --free-y, and a loss axis starts at 0 (a flat 2.301–2.303 curve is drawn flat)", () => {
    const [loss] = sweepCharts("train", rows);
    const spec = loss.spec as { resolve: { scale: { y: string } }; spec: { encoding: { y: { scale: object } } } };
    expect(spec.resolve.scale.y).toBe("shared");
    expect(spec.spec.encoding.y.scale).toEqual({ zero: true });
    const free = sweepCharts("train", rows, { freeY: true })[0].spec as { resolve: { scale: { y: string } } };
    expect(free.resolve.scale.y).toBe("independent");
  });

  it("a long panel title is drawn whole, one field a line, and the legend names train and test", async () => {
    const svg = await renderSvg(sweepCharts("train", rows)[0].spec);
    for (const t of ["init=glorot_uniform", "activation=relu", "depth=40", "width=512", "split", "train", "test"])
      expect(svg).toContain(`>${t}<`);
  });
});
