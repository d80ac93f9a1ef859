import { generateState } from "./seedSequence.js";

/* PCG's 128-bit LCG multiplier 0x2360ED051FC65DA44385DF649FCCF645, as 16-bit limbs (lowest first) in step(). */
const INV_LIMB = 1 / 65536;

/**
 * PCG64 (O'Neill (2014), "PCG: A Family of Simple Fast Space-Efficient Statistically Good
 * Algorithms for Random Number Generation"), XSL-RR 128/64, as NumPy's `default_rng(s)` runs it:
 * state ← state·M + inc (mod 2¹²⁸), then the output (hi64 ⊕ lo64) rotated right by the state's top
 * 6 bits. Seeding: SeedSequence(s).generate_state(4, uint64) = [s_hi, s_lo, i_hi, i_lo]; inc =
 * (i ≪ 1) | 1, state = 0, step, state += s, step. 32-bit draws use each 64-bit output twice, low
 * half first (NumPy's buffered next_uint32). The 128-bit state is kept as eight 16-bit limbs so
 * every product is exact in float64.
 */
export class Pcg64 {
  private readonly s = new Float64Array(8);
  private readonly inc = new Float64Array(8);
  /** the high word of the last 64-bit output, when a 32-bit draw left it for the next */
  private buffered = -1;
  /** the last 64-bit output: hi and lo 32-bit words */
  hi = 0;
  lo = 0;

  constructor(seed: number | bigint) {
    const w = generateState(seed, 8);
    // uint64 k is words 2k (low) and 2k + 1 (high); s = (u64[0] ≪ 64) | u64[1], inc likewise
    const limbs = (hiWord: number, loWord: number) => [loWord & 0xffff, loWord >>> 16, hiWord & 0xffff, hiWord >>> 16];
    const seedLimbs = [...limbs(w[3], w[2]), ...limbs(w[1], w[0])];
    const incSeed = [...limbs(w[7], w[6]), ...limbs(w[5], w[4])];
    // inc = (initseq ≪ 1) | 1 (mod 2¹²⁸)
    let carry = 1;
    for (let k = 0; k < 8; k++) {
      const v = incSeed[k] * 2 + carry;
      this.inc[k] = v & 0xffff;
      carry = v >>> 16;
    }
    this.step();
    carry = 0;
    for (let k = 0; k < 8; k++) {
      const v = this.s[k] + seedLimbs[k] + carry;
      this.s[k] = v & 0xffff;
      carry = v >>> 16;
    }
    this.step();
  }

  private step(): void {
    const s = this.s;
    const inc = this.inc;
    const s0 = s[0],
      s1 = s[1],
      s2 = s[2],
      s3 = s[3],
      s4 = s[4],
      s5 = s[5],
      s6 = s[6],
      s7 = s[7];
    // column sums of the 16-bit limb products (each below 2³⁶, exact), carried limb by limb;
    // q = ⌊c/2¹⁶⌋ by a multiply by the exact power of two 2⁻¹⁶
    let c = s0 * 0xf645 + inc[0];
    let q = Math.floor(c * INV_LIMB);
    s[0] = c - q * 65536;
    c = q + s0 * 0x9fcc + s1 * 0xf645 + inc[1];
    q = Math.floor(c * INV_LIMB);
    s[1] = c - q * 65536;
    c = q + s0 * 0xdf64 + s1 * 0x9fcc + s2 * 0xf645 + inc[2];
    q = Math.floor(c * INV_LIMB);
    s[2] = c - q * 65536;
    c = q + s0 * 0x4385 + s1 * 0xdf64 + s2 * 0x9fcc + s3 * 0xf645 + inc[3];
    q = Math.floor(c * INV_LIMB);
    s[3] = c - q * 65536;
    c = q + s0 * 0x5da4 + s1 * 0x4385 + s2 * 0xdf64 + s3 * 0x9fcc + s4 * 0xf645 + inc[4];
    q = Math.floor(c * INV_LIMB);
    s[4] = c - q * 65536;
    c = q + s0 * 0x1fc6 + s1 * 0x5da4 + s2 * 0x4385 + s3 * 0xdf64 + s4 * 0x9fcc + s5 * 0xf645 + inc[5];
    q = Math.floor(c * INV_LIMB);
    s[5] = c - q * 65536;
    c = q + s0 * 0xed05 + s1 * 0x1fc6 + s2 * 0x5da4 + s3 * 0x4385 + s4 * 0xdf64 + s5 * 0x9fcc + s6 * 0xf645 + inc[6];
    q = Math.floor(c * INV_LIMB);
    s[6] = c - q * 65536;
    // the top limb keeps only its low 16 bits (mod 2¹²⁸): products past 2⁵³ would not be exact, but
    // only c mod 2¹⁶ is needed, and every term is below 2³², their sum below 2³⁶
    c =
      q +
      s0 * 0x2360 +
      s1 * 0xed05 +
      s2 * 0x1fc6 +
      s3 * 0x5da4 +
      s4 * 0x4385 +
      s5 * 0xdf64 +
      s6 * 0x9fcc +
      s7 * 0xf645 +
      inc[7];
    s[7] = c - Math.floor(c * INV_LIMB) * 65536;
  }

  /** Steps and sets {@link hi}, {@link lo} to the next 64-bit output. */
  next64(): void {
    this.step();
    const s = this.s;
    const xh = ((s[7] * 65536 + s[6]) ^ (s[3] * 65536 + s[2])) >>> 0;
    const xl = ((s[5] * 65536 + s[4]) ^ (s[1] * 65536 + s[0])) >>> 0;
    const rot = s[7] >>> 10;
    if (rot === 0) {
      this.hi = xh;
      this.lo = xl;
    } else if (rot < 32) {
      this.hi = ((xh >>> rot) | (xl << (32 - rot))) >>> 0;
      this.lo = ((xl >>> rot) | (xh << (32 - rot))) >>> 0;
    } else if (rot === 32) {
      this.hi = xl;
      this.lo = xh;
    } else {
      const r = rot - 32;
      this.hi = ((xl >>> r) | (xh << (32 - r))) >>> 0;
      this.lo = ((xh >>> r) | (xl << (32 - r))) >>> 0;
    }
  }

  /** U[0, 1) from the top 53 bits of a 64-bit output: NumPy's next_double. */
  nextDouble(): number {
    this.next64();
    return (this.hi * 2097152 + (this.lo >>> 11)) / 9007199254740992;
  }

  /** A 32-bit draw: the low half of a fresh 64-bit output, then its high half. */
  nextUint32(): number {
    if (this.buffered >= 0) {
      const v = this.buffered;
      this.buffered = -1;
      return v;
    }
    this.next64();
    this.buffered = this.hi;
    return this.lo;
  }

  /** U[0, 1) in float32 from the top 24 bits of a 32-bit draw: NumPy's next_float. */
  nextFloat(): number {
    return Math.fround((this.nextUint32() >>> 8) * (1 / 16777216));
  }
}
