import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SeedStudyResult } from "../core/internal.js";
import { formatFloat } from "../core/internal.js";
import { studyCharts } from "../charts/studyCharts.js";
import { escapeHtml, htmlPage } from "./html.js";
import { renderSvg, svgToPng } from "./renderChart.js";
import { studyText } from "./studyText.js";

/** What {@link writeStudyReport} wrote. */
export interface WrittenReport {
  html: string;
  files: string[];
}

function eventSummary(r: SeedStudyResult): string {
  const items = [
    `Exploding: std becomes ${r.exploding.stoppedAt === null ? "non-finite never" : `non-finite at layer ${r.exploding.stoppedAt}`}; values overflow ${r.exploding.events.valueNonFinite === null ? "never" : `at layer ${r.exploding.events.valueNonFinite}`}.`,
    `Vanishing: std is exactly 0 ${r.vanishing.stoppedAt === null ? "never" : `at layer ${r.vanishing.stoppedAt}`}; every value is 0 ${r.vanishing.events.allZero === null ? "never" : `at layer ${r.vanishing.events.allZero}`}.`,
    `Variance law: std ${formatFloat(r.varianceLaw.unscaled.std, r.dtype)} with N(0,1) weights (predicted ${r.varianceLaw.unscaled.predictedStd}), ${formatFloat(r.varianceLaw.scaled.std, r.dtype)} with std 1/√${r.varianceLaw.fanIn} (predicted 1).`,
  ];
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
}

/**
 * Writes the seed study's report to `dir`: index.html with every chart as inline SVG, and each
 * chart again as `<id>.svg` and `<id>.png` beside it, plus `study.txt` (the printed tables).
 */
export async function writeStudyReport(r: SeedStudyResult, dir: string): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const figures: string[] = [];
  for (const chart of studyCharts(r)) {
    const svg = await renderSvg(chart.spec);
    const svgPath = join(dir, `${chart.id}.svg`);
    const pngPath = join(dir, `${chart.id}.png`);
    writeFileSync(svgPath, svg);
    writeFileSync(pngPath, svgToPng(svg));
    files.push(svgPath, pngPath);
    figures.push(
      `<figure id="${escapeHtml(chart.id)}">${svg}<figcaption>${escapeHtml(chart.caption)} <a href="${escapeHtml(chart.id)}.png">PNG</a></figcaption></figure>`,
    );
  }
  const text = studyText(r);
  const txtPath = join(dir, "study.txt");
  writeFileSync(txtPath, `${text}\n`);
  files.push(txtPath);
  const body = `<h1>initlab — the seed study</h1>
<p class="lead">Random 512×512 N(0,1) matmuls make activations explode; scaled by 0.01 they vanish;
Var(out) = n_in·Var(in)·Var(w) explains both; std = 1/√n_in fixes it; Xavier/Glorot keeps a 100-layer net at std ≈ 1.</p>
<p class="meta">seed ${r.seed} · dtype ${escapeHtml(r.dtype)} · every array, matmul and reduction computed in ${escapeHtml(r.dtype)}</p>
${eventSummary(r)}
<h2>Charts</h2>
${figures.join("\n")}
<h2>Printed output</h2>
<pre>${escapeHtml(text)}</pre>`;
  const html = join(dir, "index.html");
  writeFileSync(html, htmlPage("initlab — seed study", body));
  files.push(html);
  return { html, files };
}
