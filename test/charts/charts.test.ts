import { describe, expect, it } from "vitest";
import * as vegaLite from "vega-lite";
import { logSignalChart, MARKED_POINTS } from "../../src/charts/lineCharts.js";
import { signalSeries } from "../../src/charts/signalSeries.js";
import { NO_FIXED_POINT, phaseChart, ZERO_FIXED_POINT } from "../../src/charts/phaseChart.js";
import { OKABE_ITO } from "../../src/charts/theme.js";
import { parseActivation, phaseDiagram } from "../../src/core/internal.js";
import { renderSvg } from "../../src/report/renderChart.js";

describe("signalSeries", () => {
  it("keeps finite positive |values| and turns the first inf into an event", () => {
    const s = signalSeries("x", [1, -10, 100, Infinity, 5]);
    expect(s.points.map((p) => p.value)).toEqual([1, 10, 100]);
    expect(s.events).toEqual([{ series: "x", layer: 3, kind: "inf", label: "→ inf at layer 3" }]);
  });

  it("turns an exact 0 and a NaN into events", () => {
    expect(signalSeries("v", [1e-30, 0]).events[0]).toMatchObject({ kind: "zero", label: "exactly 0 at layer 1" });
    expect(signalSeries("v", [Number.NaN]).events[0]).toMatchObject({ kind: "nan", label: "NaN at layer 0" });
  });
});

describe("logSignalChart", () => {
  const spec = logSignalChart("t", "std", [
    { name: "a", values: [1, 10, Infinity] },
    { name: "b", values: [1, 0.1, 0] },
  ]);

  it("compiles, and its data holds only finite positive values on the log axis", () => {
    const compiled = vegaLite.compile(spec).spec;
    const values = (compiled.data ?? []).flatMap((d) => ("values" in d && Array.isArray(d.values) ? d.values : []));
    const logValues = values
      .filter((v: { value?: number }) => v.value !== undefined)
      .map((v: { value: number }) => v.value);
    expect(logValues.length).toBe(4);
    expect(logValues.every((v: number) => Number.isFinite(v) && v > 0)).toBe(true);
  });

  it("renders to SVG with the event labels and the colour-blind-safe palette", async () => {
    const svg = await renderSvg(spec);
    expect(svg).toContain("→ inf at layer 2");
    expect(svg).toContain("exactly 0 at layer 2");
    expect(svg.toLowerCase()).toContain(OKABE_ITO[0].toLowerCase());
    expect(svg).not.toContain("NaN");
  });

  it("draws a dashed series dashed, and puts an event's label on the side of its rule with room", () => {
    const c = logSignalChart("t", "q", [
      { name: "measured", values: [1, 10, Infinity, 1, 1, 1, 1, 1, 1, 1] },
      { name: "theory", values: new Array(10).fill(2), dashed: true },
    ]) as unknown as {
      datasets: { points: { series: string; dashed: boolean }[]; events: { layer: number; side: string }[] };
    };
    expect(new Set(c.datasets.points.filter((p) => p.series === "theory").map((p) => p.dashed))).toEqual(
      new Set([true]),
    );
    expect(new Set(c.datasets.points.filter((p) => p.series === "measured").map((p) => p.dashed))).toEqual(
      new Set([false]),
    );
    // inf at layer 2 of 0…9: in the left half, so the label goes right of the rule
    expect(c.datasets.events).toEqual([expect.objectContaining({ layer: 2, side: "left" })]);
    const late = logSignalChart("t", "std", [{ name: "a", values: [1, 10, Infinity] }]) as unknown as {
      datasets: { events: { side: string }[] };
    };
    expect(late.datasets.events[0].side).toBe("right");
  });

  it("marks every layer up to MARKED_POINTS layers and draws the line alone beyond", () => {
    const mark = (n: number) =>
      (
        logSignalChart("t", "std", [{ name: "a", values: new Array(n).fill(1) }]) as unknown as {
          layer: { mark: { point: unknown } }[];
        }
      ).layer[0].mark.point;
    expect(mark(MARKED_POINTS)).toEqual({ size: 18 });
    expect(mark(MARKED_POINTS + 1)).toBe(false);
  });
});

describe("randomWalkBand", () => {
  it("is exp(−v ± 1.96√v) with v = (l+2)/(2n)", async () => {
    const { randomWalkBand } = await import("../../src/charts/studyCharts.js");
    const b = randomWalkBand(625, 100);
    const v = 101 / 1250;
    expect(b.lower[99]).toBeCloseTo(Math.exp(-v - 1.96 * Math.sqrt(v)), 14);
    expect(b.upper[99]).toBeCloseTo(Math.exp(-v + 1.96 * Math.sqrt(v)), 14);
    expect(b.lower[0]).toBeLessThan(1);
    expect(b.upper[0]).toBeGreaterThan(1);
  });
});

describe("phaseChart", () => {
  it("names the cells without ξ_c — ReLU explodes for σ_w² > 2 and vanishes without bias — instead of leaving them blank", async () => {
    const d = phaseDiagram(parseActivation("relu"), [1, 3], [0, 0.1]);
    const spec = phaseChart(d) as unknown as { layer: { data: { values: { regime?: string; xiC?: number }[] } }[] };
    const regimes = spec.layer[1].data.values.map((v) => v.regime);
    // (σ_w², σ_b²) = (1, 0): q* = 0; (3, 0) and (3, 0.1): no fixed point; (1, 0.1): a finite ξ_c
    expect(regimes.sort()).toEqual([NO_FIXED_POINT, NO_FIXED_POINT, ZERO_FIXED_POINT].sort());
    expect(spec.layer[0].data.values).toHaveLength(1);
    const svg = await renderSvg(phaseChart(d));
    expect(svg).toContain("the signal explodes");
    expect(svg).toContain("the signal vanishes");
  });
});
