/**
 * MT19937, the 32-bit Mersenne Twister (Matsumoto & Nishimura (1998), "Mersenne Twister: A
 * 623-dimensionally equidistributed uniform pseudo-random number generator"), seeded by its
 * init_genrand: mt[0] = s, mt[i] = 1812433253·(mt[i−1] ⊕ (mt[i−1] ≫ 30)) + i (mod 2³²). This is the
 * generator behind NumPy's legacy `np.random.seed(s)` (an integer s < 2³²) and PyTorch's CPU
 * `torch.manual_seed(s)` (s mod 2³²... PyTorch keeps the low 32 bits for the state).
 */
export class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  /** @param seed an integer in [0, 2³²). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError(`seed: MT19937 takes an integer from 0 to 4294967295, got ${seed}`);
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253·prev mod 2³², exactly: Math.imul is the low 32 bits of the product
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** Regenerates the 624 words (the twist). */
  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** The next 32-bit output, tempered. */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
