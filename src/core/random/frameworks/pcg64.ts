import { generateState } from "./seedSequence.js";

const LIMB = 16777216; // 2^24
const INV_LIMB = 1 / LIMB;

/** A 128-bit value given as four 32-bit words (lowest first) as six 24-bit limbs (the last holds 8 bits). */
function limbsOf(w0: number, w1: number, w2: number, w3: number): number[] {
  return [
    w0 & 0xffffff,
    (w0 >>> 24) | ((w1 & 0xffff) << 8),
    (w1 >>> 16) | ((w2 & 0xff) << 16),
    w2 >>> 8,
    w3 & 0xffffff,
    w3 >>> 24,
  ];
}

/** PCG's 128-bit LCG multiplier 0x2360ED051FC65DA44385DF649FCCF645 in 24-bit limbs. */
const [M0, M1, M2, M3, M4, M5] = limbsOf(0x9fccf645, 0x4385df64, 0x1fc65da4, 0x2360ed05);

/**
 * PCG64 (O'Neill (2014), "PCG: A Family of Simple Fast Space-Efficient Statistically Good
 * Algorithms for Random Number Generation"), XSL-RR 128/64, as NumPy's `default_rng(s)` runs it:
 * state ← state·M + inc (mod 2¹²⁸), then the output (hi64 ⊕ lo64) rotated right by the state's top
 * 6 bits. Seeding: SeedSequence(s).generate_state(4, uint64) = [s_hi, s_lo, i_hi, i_lo]; inc =
 * (i ≪ 1) | 1, state = 0, step, state += s, step. 32-bit draws use each 64-bit output twice, low
 * half first (NumPy's buffered next_uint32). The 128-bit state is kept as six 24-bit limbs in float64:
 * every limb product is below 2⁴⁸ and a column of six below 2⁵¹, so all of it is exact (21 products
 * a step; 16-bit limbs took 36, measured 1.3× slower).
 */
export class Pcg64 {
  private readonly s = new Float64Array(6);
  private readonly inc = new Float64Array(6);
  /** the high word of the last 64-bit output, when a 32-bit draw left it for the next */
  private buffered = 0;
  private hasBuffered = false;
  /**
   * The last 64-bit output: its hi and lo 32-bit words as int32 bit patterns (V8 keeps int32 fields
   * unboxed; words above 2³¹ − 1 would be allocated on every draw, measured 1.2× slower).
   */
  hi = 0;
  lo = 0;

  constructor(seed: number | bigint) {
    const w = generateState(seed, 8);
    // uint64 k is words 2k (low) and 2k + 1 (high); s = (u64[0] ≪ 64) | u64[1], inc likewise
    const seedLimbs = limbsOf(w[2], w[3], w[0], w[1]);
    // inc = (initseq ≪ 1) | 1 (mod 2¹²⁸)
    const incSeed = limbsOf(w[6], w[7], w[4], w[5]);
    let carry = 1;
    for (let k = 0; k < 6; k++) {
      const v = incSeed[k] * 2 + carry;
      carry = Math.floor(v * INV_LIMB);
      this.inc[k] = v - carry * LIMB;
    }
    this.inc[5] %= 256;
    this.step();
    carry = 0;
    for (let k = 0; k < 6; k++) {
      const v = this.s[k] + seedLimbs[k] + carry;
      carry = Math.floor(v * INV_LIMB);
      this.s[k] = v - carry * LIMB;
    }
    this.s[5] %= 256;
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
      s5 = s[5];
    // column sums of the 24-bit limb products, carried limb by limb; q = ⌊c/2²⁴⌋ by the exact 2⁻²⁴
    let c = s0 * M0 + inc[0];
    let q = Math.floor(c * INV_LIMB);
    s[0] = c - q * LIMB;
    c = q + s0 * M1 + s1 * M0 + inc[1];
    q = Math.floor(c * INV_LIMB);
    s[1] = c - q * LIMB;
    c = q + s0 * M2 + s1 * M1 + s2 * M0 + inc[2];
    q = Math.floor(c * INV_LIMB);
    s[2] = c - q * LIMB;
    c = q + s0 * M3 + s1 * M2 + s2 * M1 + s3 * M0 + inc[3];
    q = Math.floor(c * INV_LIMB);
    s[3] = c - q * LIMB;
    c = q + s0 * M4 + s1 * M3 + s2 * M2 + s3 * M1 + s4 * M0 + inc[4];
    q = Math.floor(c * INV_LIMB);
    s[4] = c - q * LIMB;
    // the top limb keeps its low 8 bits (bits 120–127 of the state, mod 2¹²⁸)
    c = q + s0 * M5 + s1 * M4 + s2 * M3 + s3 * M2 + s4 * M1 + s5 * M0 + inc[5];
    s[5] = c - Math.floor(c / 256) * 256;
  }

  /** Steps and sets {@link hi}, {@link lo} to the next 64-bit output. */
  next64(): void {
    this.step();
    const s = this.s;
    const l1 = s[1];
    const l2 = s[2];
    // the state's 32-bit words w0 … w3 from the limbs, then (hi64 ⊕ lo64) = (w3 ⊕ w1, w2 ⊕ w0)
    const w0 = s[0] | ((l1 & 0xff) << 24);
    const w1 = (l1 >>> 8) | ((l2 & 0xffff) << 16);
    const w2 = (l2 >>> 16) | (s[3] << 8);
    const w3 = s[4] | (s[5] << 24);
    const xh = w3 ^ w1;
    const xl = w2 ^ w0;
    // rotate (xh:xl) right by the state's top 6 bits without branching on them (they are random):
    // past 32 the words swap; (w << 1) << (31 − r) is w << (32 − r), and 0 when r = 0
    const rot = s[5] >>> 2;
    const r = rot & 31;
    const a = rot & 32 ? xl : xh;
    const b = rot & 32 ? xh : xl;
    this.hi = (a >>> r) | ((b << 1) << (31 - r));
    this.lo = (b >>> r) | ((a << 1) << (31 - r));
  }

  /** U[0, 1) from the top 53 bits of a 64-bit output: NumPy's next_double. */
  nextDouble(): number {
    this.next64();
    return ((this.hi >>> 0) * 2097152 + (this.lo >>> 11)) / 9007199254740992;
  }

  /** A 32-bit draw (unsigned): the low half of a fresh 64-bit output, then its high half. */
  nextUint32(): number {
    if (this.hasBuffered) {
      this.hasBuffered = false;
      return this.buffered >>> 0;
    }
    this.next64();
    this.buffered = this.hi;
    this.hasBuffered = true;
    return this.lo >>> 0;
  }

  /** U[0, 1) in float32 from the top 24 bits of a 32-bit draw: NumPy's next_float. */
  nextFloat(): number {
    return Math.fround((this.nextUint32() >>> 8) * (1 / 16777216));
  }
}
