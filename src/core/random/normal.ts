import type { Rng } from "./Rng.js";
import { zigguratTables } from "./zigguratTables.js";

/*
 * Ziggurat method for the standard normal (Marsaglia & Tsang (2000), "The Ziggurat Method for
 * Generating Random Variables"), 128 layers, r = 3.442619855899 (right edge of the base layer),
 * v = 9.91256303526217e-3 (area of each layer). Each draw uses one 32-bit word with disjoint
 * bits: bits 0–6 pick the layer, bit 7 the sign, bits 8–31 a 24-bit magnitude, avoiding the
 * layer/value correlation of the original (Doornik (2005), "An Improved Ziggurat Method to
 * Generate Normal Random Samples"). Resolution: x_i·2⁻²⁴ inside layer i, finer than float32's
 * 24-bit significand near the layer edges; the tail beyond r uses Marsaglia's (1964) method.
 */
const LAYERS = 128;
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const M = 16777216; // 2^24 magnitudes
const { k: knTable, w: wn, f: fn } = zigguratTables(LAYERS, R, V, M);
const kn = Uint32Array.from(knTable);
/**
 * wn with the sign folded in, indexed by the word's low 8 bits (layer and sign bit): signedWn[u & 255]
 * = ±wn[u & 127]. j·(−w) = −(j·w) exactly, so the draws are the same numbers as a sign branch gives;
 * without the branch (a coin flip the CPU cannot predict) the fast path runs about twice as fast.
 */
const signedWn = new Float64Array(2 * LAYERS);
{
  for (let i = 0; i < LAYERS; i++) {
    signedWn[i] = wn[i];
    signedWn[i + LAYERS] = -wn[i];
  }
}

/** Slow path of {@link standardNormal}: the wedge and tail rejection steps. */
function normalSlow(rng: Rng, u: number): number {
  for (;;) {
    const iz = u & 127;
    const j = u >>> 8;
    const sign = u & 128 ? -1 : 1;
    if (j < kn[iz]) return sign * j * wn[iz];
    if (iz === 0) {
      // Tail beyond R (Marsaglia 1964): x = −ln(U₁)/R, y = −ln(U₂), accept if 2y > x².
      let x: number;
      let y: number;
      do {
        x = -Math.log(1 - rng.nextDouble()) / R;
        y = -Math.log(1 - rng.nextDouble());
      } while (y + y < x * x);
      return sign * (R + x);
    }
    const x = j * wn[iz];
    if (fn[iz] + rng.nextDouble() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return sign * x;
    u = rng.nextUint32();
  }
}

/** One draw from N(0, 1) using `rng` (ziggurat; see the module comment). */
export function standardNormal(rng: Rng): number {
  const u = rng.nextUint32();
  const iz = u & 127;
  const j = u >>> 8;
  return j < kn[iz] ? j * signedWn[u & 255] : normalSlow(rng, u);
}

/**
 * Fills `out` with independent N(mean, std²) draws: out[i] = mean + std·z_i, z_i ~ N(0, 1).
 * @param rng the stream to draw from (explicit; there is no default generator).
 * @param out the array to fill (a Float32Array rounds each value to float32 on store).
 * @param mean default 0.
 * @param std default 1; must be finite and ≥ 0.
 */
export function fillNormal(rng: Rng, out: Float64Array | Float32Array, mean = 0, std = 1): typeof out {
  if (!Number.isFinite(mean)) throw new RangeError(`mean: must be a finite number, got ${mean}`);
  if (!Number.isFinite(std) || std < 0) throw new RangeError(`std: must be a finite number >= 0, got ${std}`);
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const u = rng.nextUint32();
    const iz = u & 127;
    const j = u >>> 8;
    out[i] = mean + std * (j < kn[iz] ? j * signedWn[u & 255] : normalSlow(rng, u));
  }
  return out;
}
