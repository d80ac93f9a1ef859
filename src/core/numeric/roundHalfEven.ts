/** Rounds to the nearest integer, ties to even (IEEE 754's default rounding; NumPy's `round`). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const r = v - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
