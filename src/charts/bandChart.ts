import type { TopLevelSpec } from "vega-lite";
import type { BandPoint } from "../core/internal.js";
import { chartConfig } from "./theme.js";

/** A statistic's band over seeds, per layer. */
export interface BandSeries {
  name: string;
  band: readonly BandPoint[];
}

/** A theory's band per layer (lower and upper edge), drawn beside a measured series. */
export interface TheorySeries {
  name: string;
  lo: readonly number[];
  hi: readonly number[];
}

/**
 * Per-layer bands over seeds on a log axis: for each series the 90 % interval as a shaded area,
 * the range (min–max) as thin dotted lines and the mean as a solid line, all in the series' colour;
 * the legend names the series and a subtitle says what the shades are. Points with a non-finite or
 * non-positive value are left out (a log axis cannot place them). `theory` series are drawn as
 * dashed black edges (lower and upper) and named in the subtitle.
 */
export function bandChart(
  title: string,
  yTitle: string,
  series: readonly BandSeries[],
  xTitle = "layer",
  theory: readonly TheorySeries[] = [],
): TopLevelSpec {
  const ok = (v: number) => Number.isFinite(v) && v > 0;
  const rows = series.flatMap((s) =>
    s.band
      .filter((p) => ok(p.mean) && ok(p.lo) && ok(p.hi) && ok(p.min) && ok(p.max))
      .map((p) => ({ series: s.name, layer: p.index, mean: p.mean, lo: p.lo, hi: p.hi, min: p.min, max: p.max })),
  );
  const names = series.map((s) => s.name);
  const color = { field: "series", type: "nominal", title: null, scale: { domain: names } } as const;
  const x = { field: "layer", type: "quantitative", title: xTitle, axis: { tickMinStep: 1, format: "d" } } as const;
  const y = (field: string, t: string | null = null) =>
    ({ field, type: "quantitative", title: t, scale: { type: "log" }, axis: { format: ".0e" } }) as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: title,
      subtitle: [
        "line: mean over seeds · shade: 90 % interval · dotted: min and max",
        ...(theory.length ? [`dashed: ${theory.map((t) => t.name).join("; ")}`] : []),
      ],
    },
    width: 560,
    height: 280,
    config: chartConfig,
    data: { values: rows },
    layer: [
      { mark: { type: "area", opacity: 0.25 }, encoding: { x, y: y("lo", yTitle), y2: { field: "hi" }, color } },
      ...(["min", "max"] as const).map((f) => ({
        mark: { type: "line", strokeDash: [2, 2], strokeWidth: 1 },
        encoding: { x, y: y(f), color, detail: { field: "series" } },
      })),
      { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y: y("mean"), color } },
      ...theory.flatMap((t) =>
        (["lo", "hi"] as const).map((edge) => ({
          data: {
            values: t[edge].flatMap((v, layer) => (ok(v) ? [{ layer, value: v, edge: `${t.name} ${edge}` }] : [])),
          },
          mark: { type: "line", strokeDash: [6, 3], strokeWidth: 1.5, color: "#000" },
          encoding: { x, y: y("value"), detail: { field: "edge" } },
        })),
      ),
    ],
  } as TopLevelSpec;
}
