import type { TopLevelSpec } from "vega-lite";
import type { SeedStudyResult } from "../core/internal.js";
import { lineChart, logSignalChart } from "./lineCharts.js";

/** A chart of a report: a file-safe id, a caption and the Vega-Lite spec. */
export interface NamedChart {
  id: string;
  caption: string;
  spec: TopLevelSpec;
}

/** Rows of a per-layer run, std per layer, with the stopping layer's (non-finite or zero) value kept. */
function stds(layers: readonly { std: number }[]): number[] {
  return layers.map((l) => l.std);
}

/**
 * 95 % band of the std after layer l of a width-n linear net whose weights keep the variance:
 * ln std is a random walk, each matmul (and the input's own sample std) adding a step with mean
 * −1/(2n) and variance 1/(2n) (from ln(χ²ₙ/n) ≈ N(−1/n, 2/n)), so after l + 2 steps
 * ln std ~ N(−(l+2)/(2n), (l+2)/(2n)).
 */
export function randomWalkBand(n: number, layers: number): { name: string; lower: number[]; upper: number[] } {
  const lower: number[] = [];
  const upper: number[] = [];
  for (let l = 0; l < layers; l++) {
    const v = (l + 2) / (2 * n);
    lower.push(Math.exp(-v - 1.96 * Math.sqrt(v)));
    upper.push(Math.exp(-v + 1.96 * Math.sqrt(v)));
  }
  return { name: "95 % band (random walk of ln std)", lower, upper };
}

/** The seed study's charts: exploding/vanishing |std| (log), Xavier std, mean gradients per layer, loss. */
export function studyCharts(r: SeedStudyResult): NamedChart[] {
  const layerNames = (k: number) => `W${k + 1}`;
  const gradientSeries = (rows: number[][]) =>
    Array.from({ length: rows[0]?.length ?? 0 }, (_, l) => ({
      name: layerNames(l),
      values: rows.map((row) => row[l]),
    }));
  return [
    {
      id: "exploding-vanishing",
      caption: `|std| per layer on a log axis (${r.dtype}). N(0,1) weights multiply the std by ≈ 22.6 a layer until reduce_std overflows; weights scaled by 0.01 shrink it by ≈ 0.226 until the variance rounds to exactly 0.`,
      spec: logSignalChart("Exploding and vanishing: std per layer", "std (log scale)", [
        { name: "exploding: N(0,1)", values: stds(r.exploding.layers) },
        { name: "vanishing: 0.01·N(0,1)", values: stds(r.vanishing.layers) },
      ]),
    },
    {
      id: "xavier-forward",
      caption: `Xavier-uniform weights keep the std near 1 over ${r.xavierForward.layers.length} layers (${r.dtype}). Grey: the 95 % band of the log-std random walk, exp(−(l+2)/(2n) ± 1.96·√((l+2)/(2n))) for width n = ${r.xavierForward.width}.`,
      spec: lineChart(
        "Xavier forward: std per layer",
        "layer",
        "std",
        [{ name: "Xavier uniform", values: stds(r.xavierForward.layers) }],
        { y: 1, label: "std = 1" },
        randomWalkBand(r.xavierForward.width, r.xavierForward.layers.length),
      ),
    },
    {
      id: "gradients-lecun",
      caption: "Mean of each layer's weight gradient per epoch, 1/√n (LeCun normal) init.",
      spec: lineChart(
        "Mean gradient per layer, 1/√n init",
        "epoch",
        "mean ∂loss/∂W",
        gradientSeries(r.gradients.lecun.meanGradient),
      ),
    },
    {
      id: "gradients-xavier",
      caption: "Mean of each layer's weight gradient per epoch, Xavier-uniform init.",
      spec: lineChart(
        "Mean gradient per layer, Xavier init",
        "epoch",
        "mean ∂loss/∂W",
        gradientSeries(r.gradients.xavier.meanGradient),
      ),
    },
    {
      id: "loss",
      caption: "Training loss of the 5-layer linear net under both inits.",
      spec: lineChart("Loss per epoch", "epoch", "mean squared error", [
        { name: "1/√n (LeCun)", values: r.gradients.lecun.loss },
        { name: "Xavier", values: r.gradients.xavier.loss },
      ]),
    },
  ];
}
