/** A goodness-of-fit test's outcome: the test's name, its statistic and p-value. */
export interface FitTest {
  test: string;
  statistic: number;
  pValue: number;
}

/**
 * The one-sample Kolmogorov–Smirnov statistic D = sup_x |F_n(x) − F(x)| of ascending `sorted`
 * values against a continuous CDF: D = max_i max(i/n − F(x_(i)), F(x_(i)) − (i−1)/n).
 * With `step` > 0 the values are taken as quantized to a grid of that spacing (tfjs uint8/uint16
 * weights): F_n is compared with F only between grid levels, at x + step/2, where both are
 * constant-valued jumps apart — the grouped-data KS statistic, which a quantized sample of the
 * right law passes (the plain statistic would reject it for the steps alone).
 */
export function ksStatistic(sorted: ArrayLike<number>, cdf: (x: number) => number, step = 0): number {
  const n = sorted.length;
  let d = 0;
  if (step > 0) {
    for (let i = 0; i < n; i++) {
      if (i + 1 < n && sorted[i + 1] === sorted[i]) continue;
      const diff = Math.abs((i + 1) / n - cdf(sorted[i] + step / 2));
      if (diff > d) d = diff;
    }
    return d;
  }
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    const hi = (i + 1) / n - f;
    const lo = f - i / n;
    if (hi > d) d = hi;
    if (lo > d) d = lo;
  }
  return d;
}

/**
 * P(K > λ) for Kolmogorov's limiting distribution K = sup |Brownian bridge|:
 *   Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}                        (λ ≥ 1.18),
 *   Q(λ) = 1 − (√(2π)/λ) Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)}             (λ < 1.18),
 * the two forms of the same function, each fast where the other converges slowly
 * (Kolmogorov (1933), "Sulla determinazione empirica di una legge di distribuzione").
 */
export function kolmogorovQ(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const y = Math.exp((-Math.PI * Math.PI) / (8 * lambda * lambda));
    let s = 0;
    for (let k = 1; k <= 20; k++) s += y ** ((2 * k - 1) * (2 * k - 1));
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-300) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/**
 * The KS test of `sorted` against `cdf`: D and its p-value Q((√n + 0.12 + 0.11/√n)·D), Stephens'
 * (1970) finite-n correction of the limiting law ("Use of the Kolmogorov–Smirnov, Cramér–von Mises
 * and related statistics without extensive tables"), accurate to a few percent for n ≥ 5.
 * When the law's parameters were fitted to the same values the p-value is conservative (too large).
 */
export function ksTest(sorted: ArrayLike<number>, cdf: (x: number) => number, step = 0): FitTest {
  const n = sorted.length;
  const d = ksStatistic(sorted, cdf, step);
  const sn = Math.sqrt(n);
  return { test: "Kolmogorov-Smirnov", statistic: d, pValue: kolmogorovQ((sn + 0.12 + 0.11 / sn) * d) };
}
