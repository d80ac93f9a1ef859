import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NamedChart } from "../charts/studyCharts.js";
import { escapeHtml, htmlPage } from "./html.js";
import { renderSvg, svgToPng } from "./renderChart.js";

/** Writes charts to `dir` as `<id>.svg` and `<id>.png`, and index.html with them inline under a heading and text. */
export async function writeChartsReport(
  dir: string,
  title: string,
  intro: string,
  charts: NamedChart[],
  preText: string,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const figures: string[] = [];
  for (const chart of charts) {
    const svg = await renderSvg(chart.spec);
    writeFileSync(join(dir, `${chart.id}.svg`), svg);
    writeFileSync(join(dir, `${chart.id}.png`), svgToPng(svg));
    figures.push(
      `<figure id="${escapeHtml(chart.id)}">${svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`,
    );
  }
  const html = join(dir, "index.html");
  writeFileSync(
    html,
    htmlPage(
      title,
      `<h1>${escapeHtml(title)}</h1>\n<p class="lead">${escapeHtml(intro)}</p>\n${figures.join("\n")}\n<h2>Printed output</h2>\n<pre>${escapeHtml(preText)}</pre>`,
    ),
  );
  return html;
}
