import type { TopLevelSpec } from "vega-lite";
import type { NamedChart } from "./studyCharts.js";
import { chartConfig } from "./theme.js";

/** A finished sweep point as the report sees it: a short label and the result. */
export interface SweepRow {
  label: string;
  point: Record<string, unknown>;
  result: Record<string, unknown>;
}

type Layer = {
  index: number;
  std: number | string;
  q: number | string;
  qTheory: number | string | null;
  gradWeightNorm: number | string | null;
};

const num = (v: unknown) => (typeof v === "number" ? v : Number(v));
const logOk = (v: number) => Number.isFinite(v) && v > 0;

function facetLines(
  title: string,
  yTitle: string,
  rows: { label: string; x: number; y: number; series: string }[],
  log: boolean,
  xTitle = "layer",
): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    config: { ...chartConfig, facet: { spacing: 12 } },
    data: { values: rows },
    facet: { field: "label", type: "nominal", title: null, header: { labelFontSize: 9, labelLimit: 400 } },
    columns: 4,
    spec: {
      width: 190,
      height: 120,
      mark: { type: "line", strokeWidth: 1.4 },
      encoding: {
        x: { field: "x", type: "quantitative", title: xTitle },
        y: {
          field: "y",
          type: "quantitative",
          title: yTitle,
          scale: log ? { type: "log" } : { zero: false },
          axis: log ? { format: ".0e" } : {},
        },
        color: { field: "series", type: "nominal", title: null },
        strokeDash: { field: "series", type: "nominal", legend: null },
      },
    },
    resolve: { scale: { y: "independent" } },
  } as TopLevelSpec;
}

/**
 * Small multiples over the grid (one panel per point): std per layer, gradient norm per layer,
 * measured q beside the mean-field q — for propagate sweeps; loss and accuracy per epoch for train
 * sweeps. Non-finite and zero values are left out of log panels (the summary table names the events).
 */
export function sweepCharts(experiment: "propagate" | "train", rows: SweepRow[]): NamedChart[] {
  if (experiment === "train") {
    const loss = rows.flatMap((r) =>
      (r.result.history as { epoch: number; trainLoss: number; testLoss: number }[]).flatMap((h) => [
        { label: r.label, x: h.epoch, y: num(h.trainLoss), series: "train loss" },
        { label: r.label, x: h.epoch, y: num(h.testLoss), series: "test loss" },
      ]),
    );
    const acc = rows.flatMap((r) =>
      (r.result.history as { epoch: number; trainAccuracy: number; testAccuracy: number }[]).flatMap((h) => [
        { label: r.label, x: h.epoch, y: num(h.trainAccuracy), series: "train" },
        { label: r.label, x: h.epoch, y: num(h.testAccuracy), series: "test" },
      ]),
    );
    return [
      {
        id: "loss",
        caption: "Loss per epoch (epoch 0 = before training), one panel per point.",
        spec: facetLines(
          "Loss per epoch",
          "loss",
          loss.filter((d) => Number.isFinite(d.y)),
          false,
          "epoch",
        ),
      },
      {
        id: "accuracy",
        caption: "Accuracy per epoch, one panel per point.",
        spec: facetLines("Accuracy per epoch", "accuracy", acc, false, "epoch"),
      },
    ];
  }
  const layers = (r: SweepRow) => r.result.layers as Layer[];
  const std = rows
    .flatMap((r) => layers(r).map((l) => ({ label: r.label, x: l.index, y: num(l.std), series: "std" })))
    .filter((d) => logOk(d.y));
  const grad = rows
    .flatMap((r) => layers(r).map((l) => ({ label: r.label, x: l.index, y: num(l.gradWeightNorm), series: "‖∂L/∂W‖" })))
    .filter((d) => logOk(d.y));
  const q = rows
    .flatMap((r) =>
      layers(r).flatMap((l) => [
        { label: r.label, x: l.index, y: num(l.q), series: "measured" },
        ...(l.qTheory === null ? [] : [{ label: r.label, x: l.index, y: num(l.qTheory), series: "theory" }]),
      ]),
    )
    .filter((d) => logOk(d.y));
  return [
    {
      id: "std",
      caption: "std of each layer's output, one panel per point (log scale).",
      spec: facetLines("Std per layer", "std", std, true),
    },
    {
      id: "gradients",
      caption: "Norm of each layer's weight gradient, one panel per point (log scale).",
      spec: facetLines("Gradient norm per layer", "‖∂L/∂W‖", grad, true),
    },
    {
      id: "theory",
      caption: "q^l = E[pre²] measured (solid) and predicted by mean-field theory (dashed), one panel per point.",
      spec: facetLines("Measured vs mean-field q per layer", "q", q, true),
    },
  ];
}
