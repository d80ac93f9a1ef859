import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AuditReport } from "../audit/auditReport.js";
import { fitLabel } from "../audit/auditText.js";
import { auditCharts } from "../charts/auditCharts.js";
import type { TensorAudit } from "../core/audit/auditTensor.js";
import { formatStat } from "../core/text/formatStat.js";
import { escapeHtml, htmlPage } from "./html.js";
import { renderSvg, svgToPng } from "./renderChart.js";

const g = (x: number | null | undefined) => formatStat(x, 3);

const fan = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(4));

/**
 * Writes the audit's HTML report to `dir`: the summary, a table of every layer (every string from
 * the model file escaped), findings, the charts (inline SVG, with SVG and PNG files beside) and the
 * printed output. @returns the path of index.html
 */
export async function writeAuditReport(
  dir: string,
  r: AuditReport,
  audits: readonly TensorAudit[],
  printed: string,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const figures: string[] = [];
  for (const chart of auditCharts(r, audits)) {
    const svg = await renderSvg(chart.spec);
    writeFileSync(join(dir, `${chart.id}.svg`), svg);
    writeFileSync(join(dir, `${chart.id}.png`), svgToPng(svg));
    figures.push(
      `<figure id="${escapeHtml(chart.id)}">${svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`,
    );
  }
  const e = escapeHtml;
  const findings = r.layers.flatMap((l, i) =>
    l.findings.map((f) => `<li><b>${e(`[${i}] ${l.name}`)}</b>: ${e(f)}</li>`),
  );
  const body = [
    `<h1>${e(`initlab audit: ${r.format}${r.producer ? ` (${r.producer})` : ""}`)}</h1>`,
    `<ul class="lead">${r.summary.map((s) => `<li>${e(s)}</li>`).join("")}</ul>`,
    `<h2>Layers</h2>`,
    layerTableHtml(r),
    findings.length > 0 ? `<h2>Findings</h2><ul>${findings.join("")}</ul>` : "",
    `<h2>Charts</h2>`,
    ...figures,
    r.notes.length > 0 ? `<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>` : "",
    `<h2>Printed output</h2><pre>${e(printed)}</pre>`,
  ].join("\n");
  const html = join(dir, "index.html");
  writeFileSync(html, htmlPage("initlab audit", body));
  return html;
}

/** The layers as an HTML table (every string from the file escaped): name, op, shape, fans, fit, matches, spectrum. */
function layerTableHtml(r: AuditReport): string {
  const e = escapeHtml;
  const head = [
    "#",
    "layer",
    "op",
    "shape",
    "fan in / out",
    "fit",
    "p (KS)",
    "matches",
    "‖W‖₂",
    "stable rank",
    "spikes",
    "α",
  ];
  const rows = r.layers.map((l, i) => {
    const matches =
      l.matches
        .slice(0, 4)
        .map((m) => `${m.spec} (${m.framework})`)
        .join("; ") + (l.matches.length > 4 ? `; +${l.matches.length - 4}` : "");
    const cells = [
      String(i),
      l.name,
      l.op,
      l.shape.join("×"),
      `${fan(l.fanIn)} / ${fan(l.fanOut)}`,
      fitLabel(l),
      g(l.fit.pValue),
      matches || "—",
      g(l.spectrum?.spectralNorm),
      g(l.spectrum?.stableRank),
      l.spectrum ? String(l.spectrum.spikes) : "—",
      g(l.spectrum?.alpha),
    ];
    return `<tr>${cells.map((c, j) => `<td${j === 1 || j === 7 ? ' style="text-align:left"' : ""}>${e(c)}</td>`).join("")}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
