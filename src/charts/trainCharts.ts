import type { TopLevelSpec } from "vega-lite";
import type { EpochRecord } from "../core/internal.js";
import type { NamedChart } from "./studyCharts.js";
import { chartConfig } from "./theme.js";

/** One initializer's training history. */
export interface TrainRun {
  init: string;
  history: readonly EpochRecord[];
}

/** The solid/dashed convention every train chart shares: train solid, test dashed, named in the legend. */
export const SPLIT_DASH = {
  field: "split",
  type: "nominal",
  title: "split",
  // drawn as line samples (solid, dashed): the legend shows the dash it names
  legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolSize: 400 },
  scale: {
    domain: ["train", "test"],
    range: [
      [1, 0],
      [6, 3],
    ],
  },
} as const;

/** What every train chart shares: the size, the theme, the rows and a line mark. */
function lineChartBase(title: string, rows: object[]) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 520,
    height: 260,
    config: chartConfig,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 1.8 },
  };
}

/** A metric per epoch, one colour per init, train solid and test dashed, on a y axis that starts at 0 (a flat curve looks flat). */
function epochChart(
  title: string,
  yTitle: string,
  runs: readonly TrainRun[],
  pick: (h: EpochRecord) => [number, number],
  domain: [number, number] | null,
): TopLevelSpec {
  const rows = runs.flatMap((r) =>
    r.history.flatMap((h) => {
      const [train, test] = pick(h);
      return [
        { init: r.init, epoch: h.epoch, split: "train", value: train },
        { init: r.init, epoch: h.epoch, split: "test", value: test },
      ].filter((d) => Number.isFinite(d.value));
    }),
  );
  return {
    ...lineChartBase(title, rows),
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative",
        title: "epoch (0 = before training)",
        axis: { tickMinStep: 1, format: "d" },
      },
      y: {
        field: "value",
        type: "quantitative",
        title: yTitle,
        scale: domain ? { domain } : { zero: true },
      },
      color: { field: "init", type: "nominal", title: "init", scale: { domain: runs.map((r) => r.init) } },
      strokeDash: SPLIT_DASH,
      detail: { field: "split" },
    },
  } as TopLevelSpec;
}

/** ‖∂L/∂W_l‖ per layer before training (solid) and after the last epoch (dashed), one colour per init, log axis. */
function gradientChart(title: string, runs: readonly TrainRun[]): TopLevelSpec {
  const rows = runs.flatMap((r) => {
    const first = r.history[0];
    const last = r.history[r.history.length - 1];
    return [
      ...first.gradNorms.map((g, layer) => ({ init: r.init, layer, when: "epoch 0", value: g })),
      ...(last === first
        ? []
        : last.gradNorms.map((g, layer) => ({ init: r.init, layer, when: `epoch ${last.epoch}`, value: g }))),
    ].filter((d) => Number.isFinite(d.value) && d.value > 0);
  });
  const whens = [...new Set(rows.map((d) => d.when))];
  return {
    ...lineChartBase(title, rows),
    encoding: {
      x: {
        field: "layer",
        type: "quantitative",
        title: "layer (last = output)",
        axis: { tickMinStep: 1, format: "d" },
      },
      y: {
        field: "value",
        type: "quantitative",
        title: "‖∂L/∂W‖ (log scale)",
        scale: { type: "log" },
        axis: { format: ".0e" },
      },
      color: { field: "init", type: "nominal", title: "init", scale: { domain: runs.map((r) => r.init) } },
      strokeDash: {
        field: "when",
        type: "nominal",
        title: "when",
        legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolSize: 400 },
        scale: {
          domain: whens,
          range:
            whens.length > 1
              ? [
                  [1, 0],
                  [6, 3],
                ]
              : [[1, 0]],
        },
      },
      detail: { field: "when" },
    },
  } as TopLevelSpec;
}

/** `train --out`: loss and accuracy per epoch (train solid, test dashed, a legend saying so) and gradient norms per layer, every init on shared axes. */
export function trainCharts(runs: readonly TrainRun[], title: string): NamedChart[] {
  return [
    {
      id: "loss",
      caption: "Mean cross-entropy per epoch: train solid, test dashed; the axis starts at 0.",
      spec: epochChart(`${title}: loss per epoch`, "loss", runs, (h) => [h.trainLoss, h.testLoss], null),
    },
    {
      id: "accuracy",
      caption: "Accuracy per epoch: train solid, test dashed, on [0, 1].",
      spec: epochChart(
        `${title}: accuracy per epoch`,
        "accuracy",
        runs,
        (h) => [h.trainAccuracy, h.testAccuracy],
        [0, 1],
      ),
    },
    {
      id: "gradients",
      caption: "‖∂L/∂W‖ per layer on a fixed probe batch, before training (solid) and after the last epoch (dashed).",
      spec: gradientChart(`${title}: gradient norms per layer`, runs),
    },
  ];
}
