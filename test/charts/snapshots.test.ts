import { describe, expect, it } from "vitest";
import { logSignalChart } from "../../src/charts/lineCharts.js";
import { esdChart } from "../../src/charts/auditCharts.js";
import type { AuditReport } from "../../src/audit/auditReport.js";
import type { TensorAudit } from "../../src/core/audit/auditTensor.js";
import { weightSpectrum } from "../../src/core/audit/weightSpectrum.js";
import { weightStats } from "../../src/core/audit/weightStats.js";
import { fillNormal } from "../../src/core/random/normal.js";
import { rngStream } from "../../src/core/random/Rng.js";
import { renderSvg } from "../../src/report/renderChart.js";

/** SVG with numbers rounded to 2 decimals, so the snapshot pins the drawing, not float noise (Vega's def ids are reset per render). */
function normalise(svg: string): string {
  return svg.replace(/-?\d+\.\d+/g, (m) => Number(m).toFixed(2)).replace(/></g, ">\n<");
}

describe("chart SVG snapshots (the rendered output of the specs, as Observable Plot tests its marks)", () => {
  it("a log-axis signal chart with an inf event and a dashed theory line", async () => {
    const spec = logSignalChart("explodes", "std", [
      { name: "measured", values: [1, 22.6, 511, 11_500, Infinity] },
      { name: "theory", values: [1, 22.6, 512, 11_585, 262_144], dashed: true },
    ]);
    await expect(normalise(await renderSvg(spec))).toMatchFileSnapshot("__snapshots__/signal-chart.svg");
  });

  it("an ESD panel with its Marchenko–Pastur curve", async () => {
    const rows = 120;
    const cols = 60;
    const w = fillNormal(rngStream(0, "esd-snapshot"), new Float64Array(rows * cols), 0, 0.1);
    const audit = { stats: weightStats(w), spectrum: weightSpectrum(w, rows, cols, rngStream(0, "l")) } as TensorAudit;
    const report = { layers: [{ name: "fc.weight" }] } as AuditReport;
    await expect(normalise(await renderSvg(esdChart(report, [audit])!))).toMatchFileSnapshot(
      "__snapshots__/esd-chart.svg",
    );
  });
});
