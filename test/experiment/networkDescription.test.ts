import { describe, expect, it } from "vitest";
import { expandGrid, parseExperimentSpec } from "../../src/experiment/experimentSpec.js";
import type { PropagatePoint } from "../../src/experiment/experimentSpec.js";
import { runPropagatePoint } from "../../src/experiment/runPoint.js";
import { expectOneLineError, runCli } from "../cli/helpers.js";

describe("one network description for the CLI and sweeps", () => {
  it("a sweep point can use widths, a framework preset, norm, residual blocks and conv — what propagate has", async () => {
    const spec = parseExperimentSpec({
      name: "everything propagate has",
      experiment: "propagate",
      grid: { norm: ["layer", null], framework: ["torch", "keras"] },
      fixed: {
        init: "he_normal",
        activation: "relu",
        depth: 4,
        width: 8,
        conv: 3,
        image: [6, 6],
        residual: 2,
        branchScale: "fixup",
        batch: 2,
        backward: false,
      },
    });
    const points = expandGrid(spec) as PropagatePoint[];
    expect(points).toHaveLength(4);
    const r = await runPropagatePoint(points[0]);
    expect(r.layers).toHaveLength(4);
    const dense = parseExperimentSpec({
      name: "widths",
      experiment: "propagate",
      grid: { seed: [0] },
      fixed: { init: "lecun_normal", activation: "tanh", depth: 1, width: 1, widths: [32, 16, 8], batch: 4 },
    });
    const d = await runPropagatePoint(expandGrid(dense)[0] as PropagatePoint);
    expect(d.layers.map((l) => l.index)).toEqual([0, 1]);
  });

  it("a sweep point and the CLI run the same network to the same numbers", async () => {
    const fixed = {
      init: "he_normal",
      activation: "relu",
      depth: 3,
      width: 16,
      widths: [16, 12, 8, 4],
      framework: "torch",
      norm: "layer",
      batch: 4,
      backward: false,
    };
    const spec = parseExperimentSpec({ name: "same", experiment: "propagate", grid: { seed: [5] }, fixed });
    const point = await runPropagatePoint(expandGrid(spec)[0] as PropagatePoint);
    const cli = JSON.parse(
      (
        await runCli([
          "propagate",
          "--init",
          "he_normal",
          "--activation",
          "relu",
          "--widths",
          "16,12,8,4",
          "--framework",
          "torch",
          "--norm",
          "layer",
          "--batch",
          "4",
          "--seed",
          "5",
          "--json",
        ])
      ).stdout,
    );
    expect(point.layers.map((l) => l.std)).toEqual(cli.layers.map((l: { post: { std: number } }) => l.post.std));
  });

  it("the same bad value gives the same field-named error in a sweep file and on the command line", async () => {
    expect(() =>
      parseExperimentSpec({
        name: "bad",
        experiment: "propagate",
        grid: { seed: [0] },
        fixed: { init: "he_normal", activation: "relu", depth: 2, width: 8, norm: "group" },
      }),
    ).toThrow(/norm.*layer.*batch/);
    await expectOneLineError(["propagate", "--norm", "group"], /norm.*layer.*batch/);
  });
});
