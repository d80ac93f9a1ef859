/**
 * value + cor rounded to float64 when every correction within ±bound of cor rounds to the same sum;
 * NaN when one could round otherwise. RN is monotone, so checking the two ends decides: this lets an
 * emulation evaluate cheaply (cor off the exact algorithm's by under bound) and fall back to the exact
 * evaluation only when the last rounding could differ. Assumes bound is far above cor's own rounding
 * error, so cor ± bound are on the right side of the exact correction.
 */
export function settledSum(value: number, cor: number, bound: number): number {
  const below = value + (cor - bound);
  return below === value + (cor + bound) ? below : NaN;
}
