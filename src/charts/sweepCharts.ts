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

/** How the panels of one chart share their y axis: the same scale (default: 1e4 and 1e-7 look different), or each its own. */
export interface SweepChartOptions {
  freeY?: boolean;
}

/**
 * One panel per point, the panel's title its varying fields one per line (never cut), lines
 * coloured and dashed by series with a legend that draws each dash, the y axis shared by every
 * panel unless `freeY`; linear axes start at 0 unless a domain is given.
 */
function facetLines(
  title: string,
  yTitle: string,
  rows: { label: string; x: number; y: number; series: string }[],
  scale: { log: true } | { log: false; domain?: [number, number] },
  options: SweepChartOptions,
  xTitle = "layer",
  seriesTitle: string | null = null,
): TopLevelSpec {
  const names = [...new Set(rows.map((r) => r.series))];
  const dashes = [
    [1, 0],
    [6, 3],
    [2, 2],
  ];
  const legend = names.length > 1 ? { symbolType: "stroke", symbolStrokeWidth: 2, symbolSize: 400 } : null;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    config: { ...chartConfig, facet: { spacing: 14 } },
    data: { values: rows },
    facet: {
      field: "label",
      type: "nominal",
      title: null,
      sort: null,
      // one varying field a line: "init=he_normal", "depth=40", …
      header: { labelFontSize: 10, labelLimit: 0, labelExpr: "split(datum.value, ', ')" },
    },
    columns: 4,
    spec: {
      width: 190,
      height: 120,
      mark: { type: "line", strokeWidth: 1.4 },
      encoding: {
        x: { field: "x", type: "quantitative", title: xTitle, axis: { tickMinStep: 1, format: "d" } },
        y: {
          field: "y",
          type: "quantitative",
          title: yTitle,
          scale: scale.log ? { type: "log" } : scale.domain ? { domain: scale.domain } : { zero: true },
          axis: scale.log ? { format: ".0e" } : {},
        },
        color: { field: "series", type: "nominal", title: seriesTitle, scale: { domain: names }, legend },
        strokeDash: {
          field: "series",
          type: "nominal",
          title: seriesTitle,
          scale: { domain: names, range: dashes.slice(0, Math.max(1, names.length)) },
          legend,
        },
      },
    },
    resolve: { scale: { y: options.freeY ? "independent" : "shared" } },
  } as TopLevelSpec;
}

/**
 * Small multiples over the grid (one panel per point): std per layer, gradient norm per layer,
 * measured q beside the mean-field q — for propagate sweeps; loss and accuracy per epoch for train
 * sweeps. Non-finite and zero values are left out of log panels (the summary table names the events).
 */
export function sweepCharts(
  experiment: "propagate" | "train" | "transformer",
  rows: SweepRow[],
  options: SweepChartOptions = {},
): NamedChart[] {
  if (experiment === "transformer") return transformerSweepCharts(rows, options);
  return experiment === "train" ? trainSweepCharts(rows, options) : propagateSweepCharts(rows, options);
}

type Block = {
  index: number;
  std: number | string;
  tokenCosine: number | string;
  gradWeightNorm: number | string | null;
  stdTheoryLo: number | string;
  stdTheoryHi: number | string;
};

/** A transformer sweep's panels: the stream std beside its theory band, token cosine (rank collapse) and weight gradients per block. */
function transformerSweepCharts(rows: SweepRow[], options: SweepChartOptions): NamedChart[] {
  const blocks = (r: SweepRow) => r.result.layers as Block[];
  const series = (pick: (b: Block) => [string, unknown][]) =>
    rows
      .flatMap((r) =>
        blocks(r).flatMap((b) => pick(b).map(([name, y]) => ({ label: r.label, x: b.index, y: num(y), series: name }))),
      )
      .filter((d) => logOk(d.y));
  const axis = options.freeY ? "each panel its own axis" : "one axis for every panel";
  return [
    {
      id: "stream",
      caption: `Residual-stream std after each block (solid) and the mean-field band's edges (dashed), one panel per point (log scale, ${axis}).`,
      spec: facetLines(
        "Residual stream std per block",
        "std",
        series((b) => [
          ["measured", b.std],
          ["theory, independent tokens", b.stdTheoryLo],
          ["theory, collapsed tokens", b.stdTheoryHi],
        ]),
        { log: true },
        options,
        "block",
      ),
    },
    {
      id: "rank-collapse",
      caption: `Mean pairwise token cosine after each block, one panel per point (log scale, ${axis}): 1 is rank collapse.`,
      spec: facetLines(
        "Token cosine per block",
        "token cosine",
        series((b) => [["token cosine", b.tokenCosine]]),
        { log: true },
        options,
        "block",
      ),
    },
    {
      id: "gradients",
      caption: `‖∂L/∂W‖ of each block, one panel per point (log scale, ${axis}).`,
      spec: facetLines(
        "Weight gradient per block",
        "‖∂L/∂W‖",
        series((b) => [["‖∂L/∂W‖", b.gradWeightNorm]]),
        { log: true },
        options,
        "block",
      ),
    },
  ];
}

/** A train sweep's panels: loss and accuracy per epoch, train solid and test dashed. */
function trainSweepCharts(rows: SweepRow[], options: SweepChartOptions): NamedChart[] {
  const loss = rows.flatMap((r) =>
    (r.result.history as { epoch: number; trainLoss: number; testLoss: number }[]).flatMap((h) => [
      { label: r.label, x: h.epoch, y: num(h.trainLoss), series: "train" },
      { label: r.label, x: h.epoch, y: num(h.testLoss), series: "test" },
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
      caption:
        "Loss per epoch (epoch 0 = before training), one panel per point: train solid, test dashed; the axis starts at 0.",
      spec: facetLines(
        "Loss per epoch",
        "loss",
        loss.filter((d) => Number.isFinite(d.y)),
        { log: false },
        options,
        "epoch",
        "split",
      ),
    },
    {
      id: "accuracy",
      caption: "Accuracy per epoch, one panel per point: train solid, test dashed, on [0, 1].",
      spec: facetLines(
        "Accuracy per epoch",
        "accuracy",
        acc,
        { log: false, domain: [0, 1] },
        options,
        "epoch",
        "split",
      ),
    },
  ];
}

/** A propagate sweep's panels: std and weight-gradient norm per layer, q measured beside the mean field. */
function propagateSweepCharts(rows: SweepRow[], options: SweepChartOptions): NamedChart[] {
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
      caption: `std of each layer's output, one panel per point (log scale, ${options.freeY ? "each panel its own axis" : "one axis for every panel"}).`,
      spec: facetLines("Std per layer", "std", std, { log: true }, options),
    },
    {
      id: "gradients",
      caption: `Norm of each layer's weight gradient, one panel per point (log scale, ${options.freeY ? "each panel its own axis" : "one axis for every panel"}).`,
      spec: facetLines("Gradient norm per layer", "‖∂L/∂W‖", grad, { log: true }, options),
    },
    {
      id: "theory",
      caption: "q^l = E[pre²] measured (solid) and predicted by mean-field theory (dashed), one panel per point.",
      spec: facetLines("Measured vs mean-field q per layer", "q", q, { log: true }, options, "layer", "q"),
    },
  ];
}
