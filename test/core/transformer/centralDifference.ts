/**
 * ∂L/∂v[i] by central differences: (L(v[i] + h) − L(v[i] − h))/(2h), v[i] restored after. With
 * h = 1e−5 in float64 the truncation error is O(h²·|L'''|) and the rounding error O(ε·|L|/h).
 */
export function centralDifference(loss: () => number, v: Float64Array, i: number, h = 1e-5): number {
  const keep = v[i];
  v[i] = keep + h;
  const up = loss();
  v[i] = keep - h;
  const down = loss();
  v[i] = keep;
  return (up - down) / (2 * h);
}
