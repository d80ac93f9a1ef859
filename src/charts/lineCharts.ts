import type { TopLevelSpec } from "vega-lite";
import type { SeriesEvent, SeriesPoint } from "./signalSeries.js";
import { signalSeries } from "./signalSeries.js";
import { chartConfig } from "./theme.js";

export interface LayerSeries {
  name: string;
  values: readonly number[];
  /** draw dashed (e.g. a theory line over the measurement it predicts), default false */
  dashed?: boolean;
}

const WIDTH = 560;
const HEIGHT = 280;
/** Series up to this length get a marker per point. */
export const MARKED_POINTS = 40;

/**
 * |value| per layer on a log axis, one line per series, with each series' first inf / NaN / exact
 * 0 drawn as a vertical rule labelled in words. The y domain is built from finite positive
 * points only, so the chart never goes blank.
 */
export function logSignalChart(
  title: string,
  yTitle: string,
  series: readonly LayerSeries[],
  xTitle = "layer",
): TopLevelSpec {
  const points: (SeriesPoint & { dashed: boolean })[] = [];
  const found: SeriesEvent[] = [];
  for (const s of series) {
    const split = signalSeries(s.name, s.values);
    points.push(...split.points.map((p) => ({ ...p, dashed: s.dashed ?? false })));
    found.push(...split.events);
  }
  // an event's label sits left of its rule in the right half of the x range, right of it in the left half
  const lastLayer = Math.max(0, ...points.map((p) => p.layer), ...found.map((e) => e.layer));
  const events = found.map((e) => ({ ...e, side: e.layer > lastLayer / 2 ? "right" : "left" }));
  const names = series.map((s) => s.name);
  const color = { field: "series", type: "nominal", title: null, scale: { domain: names } } as const;
  // a marker per layer while they can be told apart; beyond, the line alone (and a lighter SVG)
  const longest = Math.max(0, ...series.map((s) => s.values.length));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: WIDTH,
    height: HEIGHT,
    config: chartConfig,
    // named datasets: a live view (the lab) swaps them in place instead of rebuilding the chart
    datasets: { points, events },
    layer: [
      {
        data: { name: "points" },
        mark: { type: "line", point: longest <= MARKED_POINTS ? { size: 18 } : false },
        encoding: {
          x: { field: "layer", type: "quantitative", title: xTitle, axis: { tickMinStep: 1, format: "d" } },
          y: { field: "value", type: "quantitative", title: yTitle, scale: { type: "log" }, axis: { format: ".0e" } },
          color,
          strokeDash: {
            field: "dashed",
            type: "nominal",
            scale: {
              domain: [false, true],
              range: [
                [1, 0],
                [6, 3],
              ],
            },
            legend: null,
          },
        },
      },
      {
        data: { name: "events" },
        mark: { type: "rule", strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x: { field: "layer", type: "quantitative" }, color },
      },
      ...(["right", "left"] as const).map((side) => ({
        data: { name: "events" },
        transform: [{ filter: `datum.side === '${side}'` }],
        mark: {
          type: "text",
          align: side,
          dx: side === "right" ? -4 : 4,
          dy: 0,
          angle: 0,
          fontSize: 11,
          fontWeight: "bold",
        },
        encoding: {
          x: { field: "layer", type: "quantitative" },
          y: { value: 12 },
          yOffset: { value: 0 },
          text: { field: "label" },
          color,
        },
      })),
    ],
  } as TopLevelSpec;
}

/** Values per layer (or epoch) on a linear axis, one line per series, optional horizontal reference line. */
export function lineChart(
  title: string,
  xTitle: string,
  yTitle: string,
  series: readonly LayerSeries[],
  reference?: { y: number; label: string },
  band?: { name: string; lower: readonly number[]; upper: readonly number[] },
): TopLevelSpec {
  const rows = series.flatMap((s) => s.values.map((value, x) => ({ series: s.name, x, value })));
  const names = series.map((s) => s.name);
  const layers: object[] = [];
  if (band) {
    layers.push({
      data: { values: band.lower.map((lower, x) => ({ x, lower, upper: band.upper[x], band: band.name })) },
      mark: { type: "area", opacity: 0.18, color: "#777" },
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "lower", type: "quantitative" },
        y2: { field: "upper" },
        tooltip: { field: "band" },
      },
    });
  }
  layers.push({
    data: { name: "rows" },
    mark: { type: "line", strokeWidth: 1.6 },
    encoding: {
      x: { field: "x", type: "quantitative", title: xTitle, axis: { tickMinStep: 1, format: "d" } },
      y: { field: "value", type: "quantitative", title: yTitle, scale: { zero: false }, axis: { format: "~g" } },
      color: { field: "series", type: "nominal", title: null, scale: { domain: names } },
    },
  });
  if (reference) {
    layers.push({
      data: { values: [reference] },
      mark: { type: "rule", color: "#555", strokeDash: [2, 2] },
      encoding: { y: { field: "y", type: "quantitative" } },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: WIDTH,
    height: HEIGHT,
    config: chartConfig,
    datasets: { rows },
    layer: layers,
  } as TopLevelSpec;
}
