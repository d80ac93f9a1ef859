/**
 * A 32-bit integer finaliser with full avalanche ("lowbias32", Wellons (2018),
 * "Prospecting for Hash Functions"): x ^= x >>> 16; x *= 0x21f0aaad; x ^= x >>> 15;
 * x *= 0x735a2d97; x ^= x >>> 15. Used only to derive generator states from seeds and
 * stream labels, never as a generator itself.
 *
 * @param x any number; its low 32 bits are mixed.
 * @returns an unsigned 32-bit integer.
 */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x21f0aaad) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x735a2d97) >>> 0;
  return (x ^ (x >>> 15)) >>> 0;
}

/**
 * FNV-1a (Fowler, Noll, Vo) hash of a string's UTF-16 code units, 32 bits: h = 2166136261;
 * for each unit c: h = (h ^ c) · 16777619 mod 2³². Turns stream labels such as "exploding"
 * into words for {@link mix32}.
 */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h >>> 0;
}
