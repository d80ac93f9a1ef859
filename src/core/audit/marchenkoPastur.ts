/**
 * The Marchenko–Pastur law for the eigenvalues λ of WᵀW, W an N×M matrix (N ≥ M, ratio q = M/N)
 * of independent entries with variance σ² (Marchenko & Pastur (1967), "Distribution of
 * eigenvalues for some sets of random matrices"): with x = λ/(σ²N),
 *   f(x) = √((x₊ − x)(x − x₋)) / (2π q x),   x± = (1 ± √q)²,
 * so the bulk of λ lies in σ²(√N ± √M)².
 */
export function marchenkoPasturEdges(rows: number, cols: number, variance: number): { lower: number; upper: number } {
  const n = Math.max(rows, cols);
  const m = Math.min(rows, cols);
  return { lower: variance * (Math.sqrt(n) - Math.sqrt(m)) ** 2, upper: variance * (Math.sqrt(n) + Math.sqrt(m)) ** 2 };
}

/** The Marchenko–Pastur density of λ (eigenvalues of WᵀW) for an N×M matrix of variance-σ² entries; 0 outside the bulk. */
export function marchenkoPasturDensity(lambda: number, rows: number, cols: number, variance: number): number {
  const n = Math.max(rows, cols);
  const m = Math.min(rows, cols);
  const q = m / n;
  const scale = variance * n;
  const x = lambda / scale;
  const lo = (1 - Math.sqrt(q)) ** 2;
  const hi = (1 + Math.sqrt(q)) ** 2;
  if (!(x > lo && x < hi)) return 0;
  return Math.sqrt((hi - x) * (x - lo)) / (2 * Math.PI * q * x) / scale;
}

/**
 * The largest eigenvalue of WᵀW above which it is a spike rather than the bulk's edge: Johnstone's
 * (2001) centring and scaling of the Tracy–Widom limit ("On the distribution of the largest
 * eigenvalue in principal components analysis"), μ = (√(N−1) + √M)², s = (√(N−1) + √M)·(1/√(N−1)
 * + 1/√M)^{1/3}, times σ², at μ + 4s (P(TW₁ > 4) < 10⁻³).
 */
export function spikeThreshold(rows: number, cols: number, variance: number): number {
  const n = Math.max(rows, cols);
  const m = Math.min(rows, cols);
  const a = Math.sqrt(Math.max(1, n - 1)) + Math.sqrt(m);
  const s = a * Math.cbrt(1 / Math.sqrt(Math.max(1, n - 1)) + 1 / Math.sqrt(m));
  return variance * (a * a + 4 * s);
}
