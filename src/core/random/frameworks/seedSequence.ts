/**
 * NumPy's SeedSequence (`np.random.SeedSequence(s)`, what `np.random.default_rng(s)` seeds with),
 * for an integer entropy s ≥ 0 and no spawn key: s as little-endian 32-bit words is hashed into a
 * pool of 4 words (each word through hashmix, then every pool word mixed with every other), and
 * `generate_state` hashes the pool, cycled, into as many words as asked. Constants: INIT_A =
 * 0x43b0d7e5, MULT_A = 0x931e8875, INIT_B = 0x8b51f9dd, MULT_B = 0x58f38ded, MIX_MULT_L =
 * 0xca01f9dd, MIX_MULT_R = 0x4973f715, shift 16 (O'Neill's seed_seq_fe design, as NumPy specifies it).
 * All arithmetic is on unsigned 32-bit words.
 */
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** An integer as little-endian 32-bit words ([0] for 0). */
function uint32Words(seed: bigint): number[] {
  if (seed === 0n) return [0];
  const words: number[] = [];
  for (let n = seed; n > 0n; n >>= 32n) words.push(Number(n & 0xffffffffn));
  return words;
}

/** The pool of 4 words a SeedSequence holds for this entropy. */
export function seedSequencePool(entropy: number | bigint): Uint32Array {
  const seed = BigInt(entropy);
  if (seed < 0n) throw new RangeError(`seed: must be an integer >= 0, got ${entropy}`);
  const words = uint32Words(seed);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Uint32Array(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < words.length ? words[i] : 0);
  for (let src = 0; src < POOL_SIZE; src++)
    for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  for (let src = POOL_SIZE; src < words.length; src++)
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(words[src]));
  return pool;
}

/** `SeedSequence(entropy).generate_state(n)` as 32-bit words (n uint64 words are 2n of these, low word first). */
export function generateState(entropy: number | bigint, nWords: number): Uint32Array {
  const pool = seedSequencePool(entropy);
  let hashConst = INIT_B;
  const out = new Uint32Array(nWords);
  for (let i = 0; i < nWords; i++) {
    let v = (pool[i % POOL_SIZE] ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_B) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}
