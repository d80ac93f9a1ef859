/** How a finite signal's std changed over the layers. */
export interface SignalTrend {
  kind: "explodes" | "vanishes" | "stable";
  /** std of the first and the last layer */
  first: number;
  last: number;
  /** geometric mean of the per-layer factor: (last/first)^(1/(L − 1)); 1 for a single layer */
  perLayer: number;
}

/** Over the whole depth, a std that grows or shrinks by more than this factor explodes or vanishes. */
export const TREND_FACTOR = 1000;

/**
 * Classifies per-layer stds that stayed finite and non-zero: "explodes" when last/first >
 * TREND_FACTOR (1000), "vanishes" when last/first < 1/TREND_FACTOR, else "stable"; with the
 * per-layer factor (last/first)^(1/(L − 1)) — e.g. ≈ √512 ≈ 22.6 for the seed study's N(0, 1)
 * weights at width 512. Returns null when a std is non-finite or 0 (those are events, named apart).
 */
export function signalTrend(stds: readonly number[]): SignalTrend | null {
  if (stds.length === 0 || stds.some((s) => !Number.isFinite(s) || s === 0)) return null;
  const first = stds[0];
  const last = stds[stds.length - 1];
  const ratio = last / first;
  const perLayer = stds.length > 1 ? ratio ** (1 / (stds.length - 1)) : 1;
  const kind = ratio > TREND_FACTOR ? "explodes" : ratio < 1 / TREND_FACTOR ? "vanishes" : "stable";
  return { kind, first, last, perLayer };
}
