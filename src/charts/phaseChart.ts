import type { TopLevelSpec } from "vega-lite";
import type { PhaseDiagram } from "../core/internal.js";
import { chartConfig } from "./theme.js";

/** How a grid cell without a finite ξ_c is named: q^l grows without bound, or q* = 0. */
export const NO_FIXED_POINT = "q → ∞: no fixed point, the signal explodes";
export const ZERO_FIXED_POINT = "q* = 0: the signal vanishes";

/**
 * Heatmap of the correlation depth scale ξ_c over (σ_w², σ_b²) (log colour scale, capped at 1000
 * where ξ_c is infinite at criticality) with the critical line χ₁ = 1 drawn over it — Vega-Lite has
 * no contour transform, so the line is the root-found critical σ_w² per σ_b². Cells where the
 * length map has no finite non-zero fixed point q* (e.g. ReLU with σ_w² > 2, or with σ_b² = 0) have
 * no ξ_c: they are drawn in grey and named — exploding or vanishing — instead of left blank.
 */
export function phaseChart(d: PhaseDiagram): TopLevelSpec {
  const dw = d.sigmaW2.length > 1 ? (d.sigmaW2[1] - d.sigmaW2[0]) / 2 : 0.05;
  const db = d.sigmaB2.length > 1 ? (d.sigmaB2[1] - d.sigmaB2[0]) / 2 : 0.005;
  const cells = d.points
    .filter(
      (p) =>
        (p.fixedPoint.kind === "finite" || p.fixedPoint.kind === "marginal") &&
        (Number.isFinite(p.xiC) || p.xiC === Infinity),
    )
    .map((p) => ({
      w0: p.sigmaW2 - dw,
      w1: p.sigmaW2 + dw,
      b0: p.sigmaB2 - db,
      b1: p.sigmaB2 + db,
      xiC: Math.min(1000, Math.max(0.1, p.xiC)),
      chi1: p.chi1,
    }));
  const degenerate = d.points
    .filter((p) => p.fixedPoint.kind === "grows" || p.fixedPoint.kind === "vanishes")
    .map((p) => ({
      w0: p.sigmaW2 - dw,
      w1: p.sigmaW2 + dw,
      b0: p.sigmaB2 - db,
      b1: p.sigmaB2 + db,
      regime: p.qStar === Infinity ? NO_FIXED_POINT : ZERO_FIXED_POINT,
    }));
  const line = d.critical.filter((c) => Number.isFinite(c.sigmaW2));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Order/chaos phase diagram, ${d.activation}: depth scale ξ_c`,
    width: 520,
    height: 360,
    config: chartConfig,
    layer: [
      {
        data: { values: cells },
        mark: { type: "rect" },
        encoding: {
          x: {
            field: "w0",
            type: "quantitative",
            title: "σ_w²",
            scale: { domain: [d.sigmaW2[0] - dw, d.sigmaW2[d.sigmaW2.length - 1] + dw], nice: false },
          },
          x2: { field: "w1" },
          y: {
            field: "b0",
            type: "quantitative",
            title: "σ_b²",
            scale: { domain: [d.sigmaB2[0] - db, d.sigmaB2[d.sigmaB2.length - 1] + db], nice: false },
          },
          y2: { field: "b1" },
          color: { field: "xiC", type: "quantitative", title: "ξ_c", scale: { type: "log", scheme: "viridis" } },
        },
      },
      {
        data: { values: degenerate },
        mark: { type: "rect" },
        encoding: {
          x: { field: "w0", type: "quantitative" },
          x2: { field: "w1" },
          y: { field: "b0", type: "quantitative" },
          y2: { field: "b1" },
          color: {
            field: "regime",
            type: "nominal",
            title: "no ξ_c",
            scale: { domain: [NO_FIXED_POINT, ZERO_FIXED_POINT], range: ["#9a9a9a", "#d9d9d9"] },
            legend: { orient: "bottom", direction: "vertical", labelLimit: 400 },
          },
        },
      },
      {
        data: { values: line },
        mark: { type: "line", color: "white", strokeWidth: 2.5, point: { color: "white", size: 20 } },
        encoding: {
          x: { field: "sigmaW2", type: "quantitative" },
          y: { field: "sigmaB2", type: "quantitative" },
          order: { field: "sigmaB2" },
        },
      },
      {
        data: { values: line.slice(-1).map((p) => ({ ...p, label: "χ₁ = 1 (critical)" })) },
        mark: { type: "text", color: "white", dx: 8, align: "left", fontWeight: "bold" },
        encoding: {
          x: { field: "sigmaW2", type: "quantitative" },
          y: { field: "sigmaB2", type: "quantitative" },
          text: { field: "label" },
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
  } as TopLevelSpec;
}
