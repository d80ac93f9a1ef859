/** A positive, finite point of a per-layer series, ready for a log axis. */
export interface SeriesPoint {
  series: string;
  layer: number;
  value: number;
}

/** Where a series leaves the log axis: its first non-finite or exactly-zero value. */
export interface SeriesEvent {
  series: string;
  layer: number;
  kind: "inf" | "nan" | "zero";
  label: string;
}

/**
 * Splits per-layer values into what a log axis can draw — finite, positive |value| — and the
 * events that would otherwise blank the chart without a warning (an Infinity makes the domain NaN,
 * a 0 breaks a log scale): the first ±Infinity ("→ inf at layer 13"), NaN, or exact 0
 * ("exactly 0 at layer 31"). Points after a series' first event are dropped.
 * @param series name shown in the legend.
 * @param values value per layer, indexed by layer.
 */
export function signalSeries(
  series: string,
  values: readonly number[],
): { points: SeriesPoint[]; events: SeriesEvent[] } {
  const points: SeriesPoint[] = [];
  const events: SeriesEvent[] = [];
  for (let layer = 0; layer < values.length; layer++) {
    const v = Math.abs(values[layer]);
    if (Number.isNaN(v)) {
      events.push({ series, layer, kind: "nan", label: `NaN at layer ${layer}` });
      break;
    }
    if (v === Infinity) {
      events.push({ series, layer, kind: "inf", label: `→ inf at layer ${layer}` });
      break;
    }
    if (v === 0) {
      events.push({ series, layer, kind: "zero", label: `exactly 0 at layer ${layer}` });
      break;
    }
    points.push({ series, layer, value: v });
  }
  return { points, events };
}
