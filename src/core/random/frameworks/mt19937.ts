/**
 * MT19937, the 32-bit Mersenne Twister (Matsumoto & Nishimura (1998), "Mersenne Twister: A
 * 623-dimensionally equidistributed uniform pseudo-random number generator"), seeded by its
 * init_genrand: mt[0] = s, mt[i] = 1812433253·(mt[i−1] ⊕ (mt[i−1] ≫ 30)) + i (mod 2³²). This is the
 * generator behind NumPy's legacy `np.random.seed(s)` (an integer s < 2³²) and PyTorch's CPU
 * `torch.manual_seed(s)` (s mod 2³²... PyTorch keeps the low 32 bits for the state).
 */
// The state and constants as int32 (their bits): V8 keeps int32 arithmetic unboxed, where constants
// above 2³¹ − 1 would make it go through doubles (2.4× slower, measured).
const MATRIX_A = 0x9908b0df | 0;
const UPPER = 0x80000000 | 0;
const TEMPER_B = 0x9d2c5680 | 0;
const TEMPER_C = 0xefc60000 | 0;

export class Mt19937 {
  private readonly mt = new Int32Array(624);
  private index = 624;

  /** @param seed an integer in [0, 2³²). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError(`seed: MT19937 takes an integer from 0 to 4294967295, got ${seed}`);
    const mt = this.mt;
    mt[0] = seed | 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253·prev mod 2³², exactly: Math.imul is the low 32 bits of the product
      mt[i] = (Math.imul(1812433253, prev) + i) | 0;
    }
  }

  /** Regenerates the 624 words (the twist): mt[i] = mt[i+397] ⊕ (y ≫ 1) ⊕ (y odd ? 0x9908b0df : 0), y = mt[i]'s top bit | mt[i+1]'s low 31, indices mod 624. */
  private twist(): void {
    const mt = this.mt;
    let i = 0;
    for (; i < 227; i++) {
      const y = (mt[i] & UPPER) | (mt[i + 1] & 0x7fffffff);
      mt[i] = mt[i + 397] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < 623; i++) {
      const y = (mt[i] & UPPER) | (mt[i + 1] & 0x7fffffff);
      mt[i] = mt[i - 227] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (mt[623] & UPPER) | (mt[0] & 0x7fffffff);
    mt[623] = mt[396] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.index = 0;
  }

  /** The next 32-bit output, tempered. */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & TEMPER_B;
    y ^= (y << 15) & TEMPER_C;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
