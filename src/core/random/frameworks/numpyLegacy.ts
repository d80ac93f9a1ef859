import { glibcLog } from "./glibcLog.js";
import { Mt19937 } from "./mt19937.js";

/**
 * NumPy's legacy `np.random.RandomState` after `np.random.seed(s)`: MT19937 seeded by init_genrand
 * (an integer seed below 2³²), doubles of 53 bits from two words, (a ≫ 5)·2²⁶ + (b ≫ 6), over 2⁵³,
 * and the Marsaglia polar method for normals, which makes two and keeps the second for the next call.
 */
export class NumpyLegacyRng {
  private readonly mt: Mt19937;
  private hasGauss = false;
  private gauss = 0;

  constructor(seed: number) {
    this.mt = new Mt19937(seed);
  }

  /** U[0, 1) with 53 random bits: `np.random.random_sample()`. */
  nextDouble(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * 67108864 + b) * 2 ** -53; // exact: a power of two
  }

  /**
   * N(0, 1), `np.random.standard_normal()`: x₁, x₂ = 2U − 1 until 0 < r² = x₁² + x₂² < 1; then
   * f = √(−2 ln r²/r²), returns f·x₂ and keeps f·x₁ for the next call.
   */
  nextGauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * glibcLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }
}
