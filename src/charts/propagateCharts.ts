import type { NetworkTheory, PropagateResult } from "../core/index.js";
import type { NamedChart } from "./studyCharts.js";
import type { LayerSeries } from "./lineCharts.js";
import { logSignalChart } from "./lineCharts.js";

/**
 * Charts of one propagate run: |std| of the signal per layer (log axis, events marked), the
 * pre-activation second moment q^l measured beside the mean-field prediction, and — with a
 * backward pass — the gradient norms per layer.
 */
export function propagateCharts(r: PropagateResult, theory: NetworkTheory | null, title: string): NamedChart[] {
  const charts: NamedChart[] = [
    {
      id: "signal",
      caption: `std of each layer's output (${r.dtype}, accumulate ${r.accumulate}); where it becomes inf or exactly 0 is marked.`,
      spec: logSignalChart(`${title}: std per layer`, "std (log scale)", [{ name: "forward std", values: r.layers.map((l) => (l.block ?? l.post).std) }]),
    },
  ];
  const q = r.layers.map((l) => l.pre.rms ** 2);
  const series: LayerSeries[] = [{ name: "q measured = E[pre²]", values: q }];
  if (theory && theory.unsupported === null) series.push({ name: "q theory (mean field)", values: theory.q, dashed: true });
  charts.push({
    id: "q-theory",
    caption: theory?.unsupported ? `q per layer (${theory.unsupported}).` : "q^l measured beside the mean-field prediction q^{l+1} = σ_w²·E[φ(√q^l z)²] + σ_b².",
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
  return charts;
}
