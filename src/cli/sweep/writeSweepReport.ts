import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sweepCharts } from "../../charts/sweepCharts.js";
import type { SweepChartOptions, SweepRow } from "../../charts/sweepCharts.js";
import type { ExperimentSpec, Point } from "../../experiment/experimentSpec.js";
import { expandGrid, pointKey } from "../../experiment/experimentSpec.js";
import { escapeHtml, htmlPage } from "../../report/html.js";
import { renderSvg, svgToPng } from "../../report/renderChart.js";
import { readResults } from "./resultsFile.js";

const fmt = (v: unknown) =>
  v === null || v === undefined
    ? "—"
    : typeof v === "number"
      ? Number.isInteger(v)
        ? String(v)
        : v.toPrecision(4)
      : String(v);

/** A CSV cell: numbers in full precision, empty for none, strings quoted where needed. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? String(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A verdict's kind for a signal, or null. */
const kindOf = (r: SweepRow, signal: string) =>
  (r.result.verdicts as { signal: string; kind: string }[] | undefined)?.find((v) => v.signal === signal)?.kind ?? null;

/** The summary table: varying fields, then one column per figure of what each point showed (numbers, or a verdict's kind). */
function summary(experiment: string, rows: SweepRow[], varying: string[]): { header: string[]; cells: unknown[][] } {
  if (experiment === "transformer") {
    const header = [
      ...varying,
      "std first",
      "std last",
      "theory last (lo–hi)",
      "token cos last",
      "‖∂L/∂W‖ last / first",
      "theory (lo–hi)",
    ];
    const cells = rows.map((r) => {
      const b = r.result.layers as {
        std: number | string;
        tokenCosine: number | string;
        stdTheoryLo: number | string;
        stdTheoryHi: number | string;
        gradWeightNorm: number | string | null;
      }[];
      const last = b[b.length - 1];
      const ratio = r.result.gradRatioTheory as { min: number; max: number } | null | undefined;
      return [
        ...varying.map((k) => r.point[k]),
        Number(b[0].std),
        Number(last.std),
        `${Number(last.stdTheoryLo).toPrecision(3)}–${Number(last.stdTheoryHi).toPrecision(3)}`,
        Number(last.tokenCosine),
        last.gradWeightNorm === null ? null : Number(last.gradWeightNorm) / Number(b[0].gradWeightNorm),
        ratio ? `${Number(ratio.min).toPrecision(3)}–${Number(ratio.max).toPrecision(3)}` : null,
      ];
    });
    return { header, cells };
  }
  if (experiment === "train") {
    const header = [
      ...varying,
      "epochs",
      "train loss start",
      "train loss end",
      "test accuracy start",
      "test accuracy end",
    ];
    const cells = rows.map((r) => {
      const h = r.result.history as { trainLoss: number; testAccuracy: number }[];
      const last = h[h.length - 1];
      return [
        ...varying.map((k) => r.point[k]),
        h.length - 1,
        h[0].trainLoss,
        last.trainLoss,
        h[0].testAccuracy,
        last.testAccuracy,
      ];
    });
    return { header, cells };
  }
  const header = [
    ...varying,
    "forward verdict",
    "backward verdict",
    "std first",
    "std last",
    "std inf at",
    "std 0 at",
    "‖∂L/∂W‖ first layer",
    "q last / theory",
  ];
  const cells = rows.map((r) => {
    const layers = r.result.layers as {
      std: number | string;
      q: number | string;
      qTheory: number | string | null;
      gradWeightNorm: number | string | null;
    }[];
    const ev = r.result.events as { stdNonFinite: number | null; stdZero: number | null };
    const last = layers[layers.length - 1];
    const ratio = last.qTheory === null ? null : Number(last.q) / Number(last.qTheory);
    return [
      ...varying.map((k) => r.point[k]),
      kindOf(r, "forward"),
      kindOf(r, "backward"),
      Number(layers[0].std),
      Number(last.std),
      ev.stdNonFinite,
      ev.stdZero,
      layers[0].gradWeightNorm === null ? null : Number(layers[0].gradWeightNorm),
      ratio,
    ];
  });
  return { header, cells };
}

/**
 * DIR/report.html (self-contained: charts inline as SVG, every user string escaped), the charts as
 * SVG and PNG beside it, and DIR/results.csv (the summary table).
 */
export async function writeSweepReport(
  dir: string,
  options: SweepChartOptions = {},
): Promise<{ html: string; csv: string; points: number }> {
  const spec = JSON.parse(readFileSync(join(dir, "spec.json"), "utf8")) as ExperimentSpec;
  const results = readResults(join(dir, "results.jsonl"), (p) => pointKey(p.point as Point));
  const byKey = new Map(
    results.map((r) => [
      r.key,
      JSON.parse(r.text) as { point: Record<string, unknown>; result: Record<string, unknown> },
    ]),
  );
  const varying = Object.keys(spec.grid);
  const rows: SweepRow[] = expandGrid(spec)
    .map((p) => byKey.get(pointKey(p)))
    .filter((r): r is { point: Record<string, unknown>; result: Record<string, unknown> } => r !== undefined)
    .map((r) => ({
      label: varying.map((k) => `${k}=${fmt(r.point[k])}`).join(", ") || "point",
      point: r.point,
      result: r.result,
    }));
  const figures: string[] = [];
  for (const chart of sweepCharts(spec.experiment, rows, options)) {
    const svg = await renderSvg(chart.spec);
    writeFileSync(join(dir, `${chart.id}.svg`), svg);
    writeFileSync(join(dir, `${chart.id}.png`), svgToPng(svg));
    figures.push(`<figure>${svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`);
  }
  const { header, cells } = summary(spec.experiment, rows, varying);
  const table = `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${cells
    .map((c) => `<tr>${c.map((v) => `<td>${escapeHtml(fmt(v))}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
  const total = expandGrid(spec).length;
  const body = `<h1>${escapeHtml(spec.name)}</h1>
<p class="lead">${escapeHtml(spec.experiment)} sweep: ${rows.length} of ${total} points finished. Grid: ${escapeHtml(varying.map((k) => `${k} ∈ {${spec.grid[k].map(fmt).join(", ")}}`).join("; ") || "none")}. Fixed: ${escapeHtml(
    Object.entries(spec.fixed)
      .map(([k, v]) => `${k} = ${fmt(v)}`)
      .join(", ") || "none",
  )}.</p>
<h2>Summary</h2>
${table}
<p class="meta">Also as <a href="results.csv">results.csv</a>; raw results in results.jsonl.</p>
<h2>Charts</h2>
${figures.join("\n")}`;
  const html = join(dir, "report.html");
  writeFileSync(html, htmlPage(spec.name, body));
  const csv = join(dir, "results.csv");
  writeFileSync(csv, `${[header, ...cells].map((r) => r.map(csvCell).join(",")).join("\n")}\n`);
  return { html, csv, points: rows.length };
}
