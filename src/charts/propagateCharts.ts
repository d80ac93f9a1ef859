import type { NetworkTheory, PropagateResult } from "../core/internal.js";
import type { NamedChart } from "./studyCharts.js";
import type { LayerSeries } from "./lineCharts.js";
import { lineChart, logSignalChart } from "./lineCharts.js";

/**
 * Charts of one propagate run: |std| of the signal per layer (log axis, events marked), the
 * pre-activation second moment q^l measured beside the mean-field prediction, and — with a
 * backward pass — the gradient norms per layer; with two correlated inputs, their correlation c^l
 * beside the mean-field c^l.
 */
export function propagateCharts(
  r: PropagateResult,
  theory: NetworkTheory | null,
  title: string,
  correlation: { c0: number; layers: { c: number }[] } | null = null,
): NamedChart[] {
  const charts: NamedChart[] = [
    {
      id: "signal",
      caption: `std of each layer's output (${r.dtype}, accumulate ${r.accumulate}); where it becomes inf or exactly 0 is marked.`,
      spec: logSignalChart(`${title}: std per layer`, "std (log scale)", [
        { name: "forward std", values: r.layers.map((l) => (l.block ?? l.post).std) },
      ]),
    },
  ];
  const q = r.layers.map((l) => l.pre.rms ** 2);
  const series: LayerSeries[] = [{ name: "q measured = E[pre²]", values: q }];
  if (theory && theory.unsupported === null)
    series.push({ name: "q theory (mean field)", values: theory.q, dashed: true });
  charts.push({
    id: "q-theory",
    caption: theory?.unsupported
      ? `q per layer (${theory.unsupported}).`
      : "q^l measured beside the mean-field prediction q^{l+1} = σ_w²·E[φ(√q^l z)²] + σ_b².",
    spec: logSignalChart(`${title}: q per layer, measured and predicted`, "q (log scale)", series),
  });
  if (r.layers[0]?.grad) {
    charts.push({
      id: "gradients",
      caption: "Gradient norms per layer: ‖∂L/∂W‖ and ‖∂L/∂a‖.",
      spec: logSignalChart(`${title}: gradient norms per layer`, "norm (log scale)", [
        { name: "‖∂L/∂W‖", values: r.layers.map((l) => l.grad?.weightNorm ?? Number.NaN) },
        { name: "‖∂L/∂a‖", values: r.layers.map((l) => l.grad?.activationNorm ?? Number.NaN) },
      ]),
    });
  }
  if (correlation) {
    const cs: LayerSeries[] = [{ name: "c measured", values: correlation.layers.map((l) => l.c) }];
    if (theory?.c) cs.push({ name: "c theory (mean field)", values: theory.c, dashed: true });
    charts.push({
      id: "correlation",
      caption: `Correlation of two inputs (c₀ = ${correlation.c0}) per layer, measured beside the mean-field map c^{l+1} = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q^{l+1}.`,
      spec: lineChart(`${title}: correlation of two inputs per layer`, "layer", "c", cs, { y: 1, label: "c = 1" }),
    });
  }
  return charts;
}
