import type { TopLevelSpec } from "vega-lite";
import { chartConfig } from "./theme.js";

/** One layer's log-magnitude histogram: counts per decade of |x| from 10^lowDecade, plus exact zeros and non-finite values. */
export interface LayerHistogram {
  layer: number;
  lowDecade: number;
  counts: number[];
  zeros: number;
  nonFinite: number;
}

/**
 * Per-layer distributions as a heat map, layers down and decades of |value| across (the view of
 * TensorBoard's histograms and of Glorot & Bengio's (2010) figures 6–7, on a log-magnitude axis
 * so that exploding and vanishing layers stay visible): colour = fraction of the layer's values in
 * that decade. Exact zeros and non-finite values get their own columns at the edges.
 */
export function histogramHeatmap(title: string, layers: LayerHistogram[]): TopLevelSpec {
  const cells: { layer: number; bin: string; order: number; fraction: number }[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of layers) {
    h.counts.forEach((c, i) => {
      if (c > 0) {
        lo = Math.min(lo, h.lowDecade + i);
        hi = Math.max(hi, h.lowDecade + i);
      }
    });
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 0];
  for (const h of layers) {
    const total = h.counts.reduce((s, c) => s + c, 0) + h.zeros + h.nonFinite || 1;
    cells.push({ layer: h.layer, bin: "0", order: lo - 2, fraction: h.zeros / total });
    for (let d = lo; d <= hi; d++)
      cells.push({ layer: h.layer, bin: `1e${d}`, order: d, fraction: (h.counts[d - h.lowDecade] ?? 0) / total });
    cells.push({ layer: h.layer, bin: "inf/nan", order: hi + 2, fraction: h.nonFinite / total });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 560,
    height: Math.min(420, Math.max(160, layers.length * 8)),
    config: chartConfig,
    data: { values: cells },
    mark: { type: "rect" },
    encoding: {
      x: {
        field: "bin",
        type: "ordinal",
        sort: { field: "order" },
        title: "|value| (decade)",
        axis: { labelAngle: -60, labelOverlap: "greedy" },
      },
      y: { field: "layer", type: "ordinal", title: "layer", axis: { labelOverlap: "greedy" } },
      color: { field: "fraction", type: "quantitative", title: "fraction", scale: { scheme: "viridis" } },
      tooltip: [{ field: "layer" }, { field: "bin" }, { field: "fraction", format: ".3f" }],
    },
  } as TopLevelSpec;
}

/**
 * The same per-layer distributions as a ridgeline (TensorBoard's histogram view; Glorot & Bengio
 * (2010), figures 6–7): one row per layer, top to bottom, each an area of the fraction of values
 * per decade of |x|, rows overlapping (a row facet with flush bounds and a y range taller than the
 * row). Exact zeros and non-finite values are listed in the tooltip-free edge bins "0" and "inf/nan".
 */
export function histogramRidgeline(title: string, layers: LayerHistogram[]): TopLevelSpec {
  const heat = histogramHeatmap(title, layers) as unknown as {
    data: { values: { layer: number; bin: string; order: number; fraction: number }[] };
  };
  const rows = heat.data.values;
  const step = 16;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    config: { ...chartConfig, view: { stroke: null } },
    data: { values: rows },
    facet: {
      row: {
        field: "layer",
        type: "ordinal",
        title: "layer",
        header: { labelAngle: 0, labelAlign: "right", labelFontSize: 9 },
      },
    },
    spacing: 0,
    bounds: "flush",
    spec: {
      width: 540,
      height: step,
      mark: {
        type: "area",
        interpolate: "monotone",
        fillOpacity: 0.75,
        stroke: "#0072B2",
        strokeWidth: 0.6,
        color: "#56B4E9",
      },
      encoding: {
        x: {
          field: "bin",
          type: "ordinal",
          sort: { field: "order" },
          title: "|value| (decade)",
          axis: { labelAngle: -60, labelOverlap: "greedy", grid: false },
        },
        y: { field: "fraction", type: "quantitative", axis: null, scale: { range: [step, -2.5 * step] } },
      },
    },
  } as TopLevelSpec;
}
