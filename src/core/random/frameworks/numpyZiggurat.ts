import { gaussLegendre } from "../../theory/gaussLegendre.js";
import { zigguratTables } from "../zigguratTables.js";
import type { Pcg64 } from "./pcg64.js";

/**
 * The ziggurat tables of NumPy's Generator normals (Marsaglia & Tsang (2000), "The Ziggurat Method
 * for Generating Random Variables", with 256 layers): right edge of the base layer
 * r = 3.6541528853610088, and every layer's area v = r·f(r) + ∫_r^∞ f(x) dx (the base layer: its
 * rectangle and the tail; ≈ 4.928673233974658·10⁻³, the integral by Gauss–Legendre panels).
 * From the definitions, with M the
 * magnitude's range (2⁵² for float64 draws, 2²³ for float32): q = v/f(r), f(x) = e^(−x²/2);
 * k₀ = ⌊(r/q)·M⌋, k₁ = 0, w₀ = q/M, w₂₅₅ = r/M, f₀ = 1, f₂₅₅ = f(r), and down from i = 254:
 * x_i = √(−2 ln(v/x_{i+1} + f(x_{i+1}))), k_{i+1} = ⌊(x_i/x_{i+1})·M⌋, w_i = x_i/M, f_i = f(x_i).
 * The float32 tables are the float64 ones rounded to float32.
 */
export const ZIGGURAT_R = 3.6541528853610088;
/** ∫_r^∞ e^(−x²/2) dx: 16-point Gauss–Legendre on panels of width 1/4 up to r + 12 (the rest is below 1e−30). */
function tailArea(r: number): number {
  const { nodes, weights } = gaussLegendre(16);
  let sum = 0;
  for (let a = r; a < r + 12; a += 0.25) {
    const mid = a + 0.125;
    let p = 0;
    for (let i = 0; i < nodes.length; i++) {
      const x = mid + 0.125 * nodes[i];
      p += weights[i] * Math.exp(-0.5 * x * x);
    }
    sum += 0.125 * p;
  }
  return sum;
}
const V = ZIGGURAT_R * Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R) + tailArea(ZIGGURAT_R);

const tables = (m: number) => zigguratTables(256, ZIGGURAT_R, V, m);

const D = tables(2 ** 52);
const F = (() => {
  const t = tables(2 ** 23);
  return { k: t.k, w: Float32Array.from(t.w), f: Float32Array.from(t.f) };
})();
const R_F = Math.fround(ZIGGURAT_R);
const INV_R_F = Math.fround(1 / ZIGGURAT_R);

/**
 * `Generator.standard_normal()` in float64: one 64-bit draw r; layer i = r & 255, sign = bit 8,
 * magnitude j = bits 9–60 (52 bits); x = j·w_i, accepted at once when j < k_i; the base layer's
 * tail by Marsaglia's method (x = −ln(1 − U)/r until 2y > x², y = −ln(1 − U′), with log1p); other
 * layers accept when (f_{i−1} − f_i)·U + f_i < e^(−x²/2).
 */
export function numpyNormal(g: Pcg64): number {
  for (;;) {
    g.next64();
    const lo = g.lo;
    const hi = g.hi;
    const idx = lo & 0xff;
    const sign = (lo >>> 8) & 1;
    const rabs = (hi & 0x1fffffff) * 8388608 + (lo >>> 9);
    let x = rabs * D.w[idx];
    if (sign) x = -x;
    if (rabs < D.k[idx]) return x;
    if (idx === 0) {
      for (;;) {
        const xx = -(1 / ZIGGURAT_R) * Math.log1p(-g.nextDouble());
        const yy = -Math.log1p(-g.nextDouble());
        if (yy + yy > xx * xx) return Math.floor(rabs / 256) % 2 ? -(ZIGGURAT_R + xx) : ZIGGURAT_R + xx;
      }
    } else if ((D.f[idx - 1] - D.f[idx]) * g.nextDouble() + D.f[idx] < Math.exp(-0.5 * x * x)) return x;
  }
}

const fr = Math.fround;

/**
 * `Generator.standard_normal(dtype=np.float32)`: one 32-bit draw; layer = bits 0–7, sign = bit 8,
 * magnitude = bits 9–31 (23 bits), the float32 tables, and float32 arithmetic throughout (the
 * wedge's e^(−x²/2) in float64, as C promotes it; the tail's logarithm as log1pf).
 */
export function numpyNormalF32(g: Pcg64): number {
  for (;;) {
    const r = g.nextUint32();
    const idx = r & 0xff;
    const sign = (r >>> 8) & 1;
    const rabs = (r >>> 9) & 0x7fffff;
    let x = fr(rabs * F.w[idx]);
    if (sign) x = -x;
    if (rabs < F.k[idx]) return x;
    if (idx === 0) {
      for (;;) {
        const xx = fr(-INV_R_F * fr(Math.log1p(-g.nextFloat())));
        const yy = fr(-fr(Math.log1p(-g.nextFloat())));
        if (fr(yy + yy) > fr(xx * xx)) return (rabs >>> 8) & 1 ? -fr(R_F + xx) : fr(R_F + xx);
      }
    } else if (fr(fr(fr(F.f[idx - 1] - F.f[idx]) * g.nextFloat()) + F.f[idx]) < Math.exp(-0.5 * x * x)) return x;
  }
}
