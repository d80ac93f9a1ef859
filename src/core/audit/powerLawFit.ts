/** A power law p(λ) ∝ λ^(−α) fitted to the tail λ ≥ xmin of a spectrum. */
export interface PowerLawFit {
  alpha: number;
  xmin: number;
  xmax: number;
  /** number of eigenvalues in the fitted tail */
  tail: number;
  /** KS distance between the tail and the fitted law */
  statistic: number;
}

/**
 * Fits a power-law tail to positive values by maximum likelihood with xmin chosen to minimise the
 * Kolmogorov–Smirnov distance (Clauset, Shalizi & Newman (2009), "Power-law distributions in
 * empirical data"): for each candidate xmin (every value, keeping at least `minTail` above it and
 * at most the top half), α̂ = 1 + n / Σ ln(λᵢ/xmin), D = max |F_tail − (1 − (λ/xmin)^{1−α̂})|.
 * As WeightWatcher does for a layer's empirical spectral density (Martin & Mahoney (2021),
 * "Implicit self-regularization in deep neural networks").
 * @returns null when fewer than 2·minTail positive values are given, or the tail is flat (max < 1.05·xmin).
 */
export function powerLawFit(values: ArrayLike<number>, minTail = 10): PowerLawFit | null {
  const v = Float64Array.from(values)
    .filter((x) => x > 0 && Number.isFinite(x))
    .sort();
  const n = v.length;
  if (n < 2 * minTail) return null;
  // suffix sums of ln λ for the MLE
  const logs = v.map(Math.log);
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + logs[i];
  let best: PowerLawFit | null = null;
  for (let i = Math.floor(n / 2); i <= n - minTail; i++) {
    const xmin = v[i];
    const m = n - i;
    if (v[n - 1] < 1.05 * xmin) break; // a flat tail (e.g. an orthogonal matrix's) has no power law
    const sumLog = suffix[i] - m * logs[i];
    if (!(sumLog > 0)) continue;
    const alpha = 1 + m / sumLog;
    let d = 0;
    for (let j = i; j < n; j++) {
      const f = 1 - Math.pow(v[j] / xmin, 1 - alpha);
      d = Math.max(d, Math.abs((j - i + 1) / m - f), Math.abs(f - (j - i) / m));
    }
    if (!best || d < best.statistic) best = { alpha, xmin, xmax: v[n - 1], tail: m, statistic: d };
  }
  return best;
}
