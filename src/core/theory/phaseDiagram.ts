import type { Activation } from "../engine/activations.js";
import type { ProgressListener } from "../study/progress.js";
import type { MeanFieldSummary } from "./meanField.js";
import { criticalSigmaW2, meanField } from "./meanField.js";

export interface PhaseDiagram {
  activation: string;
  /** every grid point's summary, σ_w² varying fastest */
  points: MeanFieldSummary[];
  sigmaW2: number[];
  sigmaB2: number[];
  /** the order-to-chaos line: critical σ_w² for each σ_b² of the grid (NaN where none) */
  critical: { sigmaB2: number; sigmaW2: number }[];
}

/** An evenly spaced grid from a to b with n points. */
export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}

/**
 * The order/chaos phase diagram (Poole et al. 2016; Schoenholz et al. 2017): q*, χ₁, c*, ξ_c and
 * the 6ξ_c trainable depth over a (σ_w², σ_b²) grid, and the critical line χ₁ = 1.
 */
export function phaseDiagram(
  activation: Activation,
  sigmaW2: number[],
  sigmaB2: number[],
  onProgress?: ProgressListener,
): PhaseDiagram {
  const points: MeanFieldSummary[] = [];
  const total = sigmaW2.length * sigmaB2.length;
  for (const b of sigmaB2) {
    for (const w of sigmaW2) {
      points.push(meanField({ activation, sigmaW2: w, sigmaB2: b }));
      onProgress?.({ step: "phase diagram", done: points.length, total });
    }
  }
  const critical = sigmaB2.map((b) => {
    try {
      return { sigmaB2: b, sigmaW2: criticalSigmaW2(activation, b).sigmaW2 };
    } catch {
      return { sigmaB2: b, sigmaW2: Number.NaN };
    }
  });
  return { activation: activation.name, points, sigmaW2, sigmaB2, critical };
}
