import type { TopLevelSpec } from "vega-lite";
import type { AuditReport } from "../audit/auditReport.js";
import type { TensorAudit } from "../core/audit/auditTensor.js";
import { marchenkoPasturDensity, marchenkoPasturEdges } from "../core/audit/marchenkoPastur.js";
import { logSignalChart } from "./lineCharts.js";
import type { NamedChart } from "./studyCharts.js";
import { chartConfig } from "./theme.js";

/** At most this many layers get an ESD panel (the largest ones). */
export const ESD_PANELS = 12;
const BINS = 30;

/**
 * Each layer's weight std beside what the classic schemes give for its real fans:
 * torch default 1/√(3·fan_in), LeCun 1/√fan_in, He √(2/fan_in), Glorot √(2/(fan_in + fan_out)).
 */
export function weightStdChart(r: AuditReport): TopLevelSpec {
  const ls = r.layers;
  return logSignalChart(
    "Weight std per layer against each scheme's prediction for its fans",
    "std of the weights",
    [
      { name: "measured", values: ls.map((l) => l.stats.std) },
      { name: "torch default 1/√(3·fan_in)", values: ls.map((l) => 1 / Math.sqrt(3 * l.fanIn)), dashed: true },
      { name: "LeCun 1/√fan_in", values: ls.map((l) => 1 / Math.sqrt(l.fanIn)), dashed: true },
      { name: "He √(2/fan_in)", values: ls.map((l) => Math.sqrt(2 / l.fanIn)), dashed: true },
      {
        name: "Glorot √(2/(fan_in+fan_out))",
        values: ls.map((l) => Math.sqrt(2 / (l.fanIn + l.fanOut))),
        dashed: true,
      },
    ],
    "layer (index in the table)",
  );
}

/** std of a random batch at every measured node, on a log axis, with the first non-finite or all-zero node marked. */
export function propagationChart(r: AuditReport): TopLevelSpec | null {
  const p = r.propagation;
  if (!p || p.nodes.length === 0) return null;
  return logSignalChart(
    `Std of a random batch (${p.batch}) through the graph`,
    "std",
    [
      {
        name: "every node",
        values: p.nodes.map((n) => (n.nonFinite > 0 ? Infinity : n.zeroFraction === 1 ? 0 : n.std)),
      },
    ],
    "node (graph order)",
  );
}

/**
 * The empirical spectral density of WᵀW (eigenvalues λ = s²) as a histogram per layer, with the
 * Marchenko–Pastur density for the layer's shape and entry variance over it — small multiples of
 * the largest layers (Lanczos layers show their computed top eigenvalues only, without the curve).
 */
export function esdChart(r: AuditReport, audits: readonly TensorAudit[]): TopLevelSpec | null {
  const rows: object[] = [];
  const chosen = audits
    .map((a, i) => ({ a, i }))
    .filter(({ a }) => a.spectrum && a.spectrum.eigenvalues.length >= 8)
    .sort((x, y) => y.a.stats.count - x.a.stats.count)
    .slice(0, ESD_PANELS)
    .sort((x, y) => x.i - y.i);
  if (chosen.length === 0) return null;
  for (const { a, i } of chosen) {
    const s = a.spectrum!;
    const panel = `${i}: ${r.layers[i].name.slice(0, 40)}${s.method === "lanczos" ? ` (top ${s.eigenvalues.length} of ${Math.min(s.rows, s.cols)})` : ""}`;
    const variance = a.stats.std ** 2 + a.stats.mean ** 2;
    const edge = marchenkoPasturEdges(s.rows, s.cols, variance);
    const max = Math.max(s.eigenvalues[0], edge.upper) * 1.02;
    const width = max / BINS;
    const counts = new Array<number>(BINS).fill(0);
    for (const l of s.eigenvalues) counts[Math.min(BINS - 1, Math.floor(l / width))]++;
    const k = Math.min(s.rows, s.cols);
    const known = s.eigenvalues.length;
    counts.forEach((c, b) =>
      rows.push({ panel, kind: "ESD", x: b * width, x2: (b + 1) * width, density: c / (k * width) }),
    );
    // the density diverges like 1/√λ at 0 for square matrices: draw it up to 1.5× the histogram's tallest bar
    const cap = (1.5 * Math.max(...counts)) / (k * width);
    for (let j = 0; j <= 120 && known === k; j++) {
      const x = edge.lower + ((edge.upper - edge.lower) * j) / 120;
      const d = marchenkoPasturDensity(
        Math.min(Math.max(x, edge.lower + 1e-9 * edge.upper), edge.upper * (1 - 1e-9)),
        s.rows,
        s.cols,
        variance,
      );
      if (d <= cap) rows.push({ panel, kind: "Marchenko–Pastur", x, density: d });
    }
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Eigenvalues of WᵀW per layer, with the Marchenko–Pastur law of a random matrix",
    config: chartConfig,
    data: { values: rows },
    facet: { field: "panel", type: "nominal", title: null, header: { labelLimit: 260, labelFontSize: 10 } },
    columns: 3,
    spec: {
      width: 220,
      height: 120,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'ESD'" }],
          mark: { type: "rect", color: "#0072B2", opacity: 0.75 },
          encoding: {
            x: { field: "x", type: "quantitative", title: "λ" },
            x2: { field: "x2" },
            y: { field: "density", type: "quantitative", title: "density" },
          },
        },
        {
          transform: [{ filter: "datum.kind !== 'ESD'" }],
          mark: { type: "line", color: "#D55E00", strokeWidth: 1.6 },
          encoding: { x: { field: "x", type: "quantitative" }, y: { field: "density", type: "quantitative" } },
        },
      ],
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  } as TopLevelSpec;
}

/** The audit report's charts. */
export function auditCharts(r: AuditReport, audits: readonly TensorAudit[]): NamedChart[] {
  const charts: NamedChart[] = [];
  if (r.layers.length > 0)
    charts.push({
      id: "weight-std",
      caption:
        "Measured weight std per layer (solid) and the std each classic scheme gives for the layer's real fans (dashed).",
      spec: weightStdChart(r),
    });
  const p = propagationChart(r);
  if (p)
    charts.push({
      id: "propagation",
      caption:
        "Std of the random input batch at every node of the graph; a rule marks the first node with a non-finite value or all zeros.",
      spec: p,
    });
  const e = esdChart(r, audits);
  if (e)
    charts.push({
      id: "esd",
      caption:
        "Histogram of the eigenvalues of WᵀW (λ = singular value²) and the Marchenko–Pastur density for a random matrix of the same shape and entry variance: eigenvalues far beyond its right edge are structure (learned, or not random).",
      spec: e,
    });
  return charts;
}
