/** P_n(x) and P_n'(x) by the three-term recurrence (k+1)P_{k+1} = (2k+1)x·P_k − k·P_{k−1}. */
function legendre(n: number, x: number): { p: number; dp: number } {
  let p0 = 1;
  let p1 = x;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return { p: p1, dp: (n * (x * p1 - p0)) / (x * x - 1) };
}

/**
 * Nodes and weights of n-point Gauss–Legendre quadrature on [−1, 1]: the roots of P_n found by
 * Newton's method from cos(π(i − ¼)/(n + ½)), with weights 2/((1 − x²)·P_n'(x)²)
 * (Golub & Welsch (1969), "Calculation of Gauss quadrature rules"; the Newton form as in
 * Press et al. (2007), "Numerical Recipes", §4.6).
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      const { p, dp } = legendre(n, x);
      const dx = p / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    const { dp } = legendre(n, x);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    const w = 2 / ((1 - x * x) * dp * dp);
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}
