/** A Householder reflector H = I − τ·v·vᵀ acting on rows row … row + v.length − 1. */
export interface Reflector {
  row: number;
  v: Float64Array;
  tau: number;
}

/**
 * Applies reflectors, in the order given, to columns c0 ≤ j < c1 of a column-major matrix `a`
 * (leading dimension `ld`): for each H, w_j = vᵀ·a[row:, j]; a[row:, j] −= τ·w_j·v.
 * Loops go column block by column block (four columns, every reflector) so the columns stay in
 * cache while a whole panel of reflectors passes over them — the memory traffic of a blocked
 * (BLAS-3-like) QR without its extra flops.
 * `skipLeft`: skip column blocks entirely left of a reflector's row (their rows from `row` on are
 * known to be zero, so H would leave them unchanged).
 */
export function applyReflectors(
  a: Float64Array,
  ld: number,
  c0: number,
  c1: number,
  reflectors: readonly Reflector[],
  skipLeft = false,
): void {
  let j = c0;
  for (; j + 3 < c1; j += 4) {
    for (let r = 0; r < reflectors.length; r++) {
      const { row, v, tau } = reflectors[r];
      if (skipLeft && j + 3 < row) continue;
      const len = v.length;
      const o0 = j * ld + row;
      const o1 = o0 + ld;
      const o2 = o1 + ld;
      const o3 = o2 + ld;
      let w0 = 0;
      let w1 = 0;
      let w2 = 0;
      let w3 = 0;
      for (let i = 0; i < len; i++) {
        const vi = v[i];
        w0 += vi * a[o0 + i];
        w1 += vi * a[o1 + i];
        w2 += vi * a[o2 + i];
        w3 += vi * a[o3 + i];
      }
      w0 *= tau;
      w1 *= tau;
      w2 *= tau;
      w3 *= tau;
      for (let i = 0; i < len; i++) {
        const vi = v[i];
        a[o0 + i] -= w0 * vi;
        a[o1 + i] -= w1 * vi;
        a[o2 + i] -= w2 * vi;
        a[o3 + i] -= w3 * vi;
      }
    }
  }
  for (; j < c1; j++) {
    for (let r = 0; r < reflectors.length; r++) {
      const { row, v, tau } = reflectors[r];
      if (skipLeft && j < row) continue;
      const o = j * ld + row;
      let w = 0;
      for (let i = 0; i < v.length; i++) w += v[i] * a[o + i];
      w *= tau;
      for (let i = 0; i < v.length; i++) a[o + i] -= w * v[i];
    }
  }
}
