import { hashLabel, mix32 } from "./mix32.js";

/** A label that names an independent random stream: a string (purpose) or a non-negative integer (index). */
export type StreamLabel = string | number;

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;
const TWO_POW_MINUS_53 = 1 / 9007199254740992;

/**
 * xoshiro128** pseudo-random generator (Blackman & Vigna (2018), "Scrambled Linear
 * Pseudorandom Number Generators"): 128 bits of state, period 2¹²⁸ − 1, output
 * rotl(s1 · 5, 7) · 9. Pure 32-bit integer arithmetic, so it is bit-identical on every
 * JavaScript engine.
 *
 * Generators are explicit objects: nothing in initlab draws from global state. Build one with
 * {@link rngStream} so that each (seed, purpose, index…) gets its own reproducible stream.
 */
export class Rng {
  // Int32Array keeps the words unboxed (object fields holding values ≥ 2³⁰ would be heap numbers).
  private readonly s: Int32Array;

  /** @param state four 32-bit words, not all zero. */
  constructor(state: readonly [number, number, number, number]) {
    this.s = Int32Array.from(state, (w) => w | 0);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) {
      throw new Error("Rng state: must not be all zero");
    }
  }

  /** The next unsigned 32-bit integer, uniform on [0, 2³²). */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0];
    const s1 = s[1];
    const s2 = s[2];
    const s3 = s[3];
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return r;
  }

  /** A uniform double on [0, 1) with 32 random bits: u / 2³². */
  nextFloat32Bits(): number {
    return this.nextUint32() * TWO_POW_MINUS_32;
  }

  /** A uniform double on [0, 1) with 53 random bits (two draws): (a·2⁻⁵ · 2²⁶ + b·2⁻⁶) / 2⁵³. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * TWO_POW_MINUS_53;
  }

  /** The current state, e.g. to checkpoint a stream. */
  state(): [number, number, number, number] {
    return [this.s[0] >>> 0, this.s[1] >>> 0, this.s[2] >>> 0, this.s[3] >>> 0];
  }
}

/**
 * Validates a seed: a safe integer ≥ 0 (seed 0 is a seed like any other).
 * @throws a one-line error naming `field` otherwise.
 */
export function checkSeed(seed: number, field = "seed"): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${field}: must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got ${String(seed)}`);
  }
  return seed;
}

/**
 * The generator for one named stream: `rngStream(seed, "exploding", layer)`. The state is a hash
 * of the seed and every label, so a stream's numbers do not depend on which other streams were
 * drawn, in what order, or on which thread: results stay bit-identical whatever the evaluation
 * order or thread count.
 *
 * Derivation: the seed's low and high 32-bit words and each label (strings through FNV-1a,
 * integers as 32-bit words) are absorbed into four lanes a, b, c, d by
 * a ← mix32(a ⊕ w), b ← mix32(b + a), c ← mix32(c ⊕ b), d ← mix32(d + c), then each lane is
 * mixed once more with the others.
 *
 * @param seed integer ≥ 0.
 * @param labels purpose strings and/or integer indices ≥ 0 (< 2³²).
 */
export function rngStream(seed: number, ...labels: StreamLabel[]): Rng {
  checkSeed(seed);
  const words: number[] = [seed >>> 0, Math.floor(seed / TWO_POW_32) >>> 0, labels.length];
  for (const label of labels) {
    if (typeof label === "string") {
      words.push(hashLabel(label), label.length);
    } else {
      if (!Number.isInteger(label) || label < 0 || label >= TWO_POW_32) {
        throw new RangeError(`stream label: must be a string or an integer from 0 to 2^32-1, got ${String(label)}`);
      }
      words.push(label >>> 0, 0x5bd1e995);
    }
  }
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = 0x85a308d3;
  for (const w of words) {
    a = mix32(a ^ w);
    b = mix32((b + a) >>> 0);
    c = mix32(c ^ b);
    d = mix32((d + c) >>> 0);
  }
  const s: [number, number, number, number] = [mix32(a ^ d), mix32(b ^ a), mix32(c ^ b), mix32(d ^ c)];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return new Rng(s);
}
