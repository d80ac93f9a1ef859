/**
 * One number in initlab's printed voice (CLI tables, the lab's summary, reports): "—" for a
 * missing value, "nan", "inf", "-inf", "0", scientific with `digits − 1` decimals beyond
 * [1e−3, 1e4), else `digits` significant digits. formatStat(22.627) = "22.63",
 * formatStat(1.4e48) = "1.400e+48", formatStat(0.000123) = "1.230e-4".
 * @param digits significant digits, default 4
 */
export function formatStat(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return "—";
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(digits - 1) : x.toPrecision(digits);
}

/** A p-value: three decimals down to 0.001, then scientific with one decimal, "< 1e-300" at the bottom of float64. */
export function formatPValue(p: number): string {
  if (Number.isNaN(p)) return "—";
  if (p < 1e-300) return "< 1e-300";
  return p < 1e-3 ? p.toExponential(1) : p.toFixed(3);
}

/** The one wording of "not an allowed value", for the CLI, sweep files and the lab: `norm must be one of none, layer, batch, got "group"`. */
export function oneOfMessage(field: string, allowed: readonly string[], got: string): string {
  return `${field} must be one of ${allowed.join(", ")}, got ${JSON.stringify(got)}`;
}

/** The one wording of "not an integer in range", for the CLI, sweep files and the lab: `depth must be an integer from 1 to 100000`. */
export function integerMessage(field: string, min: number, max: number): string {
  return `${field} must be an integer from ${min} to ${max}`;
}

/** The one wording of a bad widths list: `widths must be the input width and at least one layer width, each an integer from 1 to 1048576, separated by commas (e.g. 784,256,256,10)`. */
export function widthsMessage(maxWidth: number): string {
  return `widths must be the input width and at least one layer width, each an integer from 1 to ${maxWidth}, separated by commas (e.g. 784,256,256,10)`;
}
