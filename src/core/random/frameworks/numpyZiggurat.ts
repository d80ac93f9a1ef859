import { glibcLog1p } from "./glibcLog1p.js";
import { glibcLog1pf } from "./glibcLog1pf.js";
import { roundHalfEven } from "../../numeric/roundHalfEven.js";
import { correctExp } from "./correctExp.js";
import { correctLog } from "./correctLog.js";
import type { Pcg64 } from "./pcg64.js";

/** The right edge of the base layer of NumPy's 256-layer normal ziggurat. */
export const ZIGGURAT_R = 3.6541528853610088;
/** Every layer's area, as NumPy's tables were made with it (r·f(r) + ∫_r^∞ f to 19 digits). */
export const ZIGGURAT_V = 0.0049286732339746519;

/**
 * The ziggurat tables of NumPy's Generator normals (Marsaglia & Tsang (2000), "The Ziggurat Method
 * for Generating Random Variables", 256 layers, f(x) = e^(−x²/2)), made the way NumPy's were made,
 * in float64 from r = 3.6541528853610088 and v = 0.0049286732339746519:
 * x_0 = r, x_i = √(−2·ln(f(x_{i−1}) + v/x_{i−1})) for i = 1 … 254, x_255 = 0, then reversed so that
 * layer 0 is the base (x = r at layer 255, 0 at layer 0); with M the magnitude's range (2⁵² for
 * float64 draws, 2²³ for float32): k_i = round(x_{i−1}/x_i·M) (half to even), k_0 = round(r·f(r)/v·M),
 * w_i = x_i/M, w_0 = v/f(r)/M, f_i = f(x_i). exp and ln are correctly rounded ({@link correctExp},
 * {@link correctLog}), with one exception measured against NumPy's output: at the step that makes
 * layer 37, e^(−x²/2) lies 0.4983 units in the last place above a float64, 0.0017 from the rounding
 * midpoint, and NumPy's tables have it rounded up — the libm they were generated with rounded that
 * hard case the other way; initlab rounds it up too. With that one ulp, every w_i agrees with what
 * NumPy's draws show (all 255 layers a fast path reaches, inferred from 6·10⁵ draws).
 * The float32 tables round w and f to float32.
 */
export function numpyZigguratTables(m: number): { k: Float64Array; w: Float64Array; f: Float64Array } {
  // the recursion's step that makes layer 255 − 218 = 37: its e^(−x²/2) rounded up (see above)
  const HARD_CASE_STEP = 218;
  const r = ZIGGURAT_R;
  const v = ZIGGURAT_V;
  const pdf = (x: number) => correctExp(-0.5 * x * x);
  const up = (x: number) => x + ulpOf(x);
  const edge = new Float64Array(256);
  edge[0] = r;
  for (let i = 1; i < 255; i++) {
    const e = i === HARD_CASE_STEP ? up(pdf(edge[i - 1])) : pdf(edge[i - 1]);
    edge[i] = Math.sqrt(-2 * correctLog(e + v / edge[i - 1]));
  }
  const x = edge.reverse();
  const k = new Float64Array(256);
  const w = new Float64Array(256);
  const f = new Float64Array(256);
  for (let i = 1; i < 256; i++) k[i] = roundHalfEven((x[i - 1] / x[i]) * m);
  k[0] = roundHalfEven(((r * pdf(r)) / v) * m);
  for (let i = 0; i < 256; i++) {
    w[i] = x[i] / m;
    f[i] = pdf(x[i]);
  }
  w[0] = v / pdf(r) / m;
  return { k, w, f };
}

/** The distance from a positive float64 to the next one up. */
function ulpOf(x: number): number {
  const b = new Float64Array([x]);
  const u = new BigInt64Array(b.buffer);
  u[0] += 1n;
  return b[0] - x;
}

type Tables = { k: Float64Array; w: Float64Array | Float32Array; f: Float64Array | Float32Array };

/**
 * NumPy's `standard_normal` for one precision: makes that precision's tables (about 15 ms) and
 * returns the draw, {@link numpyNormal} (float64) or {@link numpyNormalF32} (float32), bound to them.
 */
export function numpyNormals(precision: "float64" | "float32"): (g: Pcg64) => number {
  if (precision === "float64") {
    const t = numpyZigguratTables(2 ** 52);
    return (g) => numpyNormal(g, t);
  }
  const t = numpyZigguratTables(2 ** 23);
  const f32: Tables = { k: t.k, w: Float32Array.from(t.w), f: Float32Array.from(t.f) };
  return (g) => numpyNormalF32(g, f32);
}
const R_F = Math.fround(ZIGGURAT_R);
const INV_R_F = Math.fround(1 / ZIGGURAT_R);

/**
 * `Generator.standard_normal()` in float64: one 64-bit draw r; layer i = r & 255, sign = bit 8,
 * magnitude j = bits 9–60 (52 bits); x = j·w_i, accepted at once when j < k_i; the base layer's
 * tail by Marsaglia's method (x = −ln(1 − U)/r until 2y > x², y = −ln(1 − U′), with log1p); other
 * layers accept when (f_{i−1} − f_i)·U + f_i < e^(−x²/2).
 */
export function numpyNormal(g: Pcg64, D: Tables): number {
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
        const xx = -(1 / ZIGGURAT_R) * glibcLog1p(-g.nextDouble());
        const yy = -glibcLog1p(-g.nextDouble());
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
export function numpyNormalF32(g: Pcg64, F: Tables): number {
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
        const xx = fr(-INV_R_F * glibcLog1pf(-g.nextFloat()));
        const yy = fr(-glibcLog1pf(-g.nextFloat()));
        if (fr(yy + yy) > fr(xx * xx)) return (rabs >>> 8) & 1 ? -fr(R_F + xx) : fr(R_F + xx);
      }
    } else if (fr(fr(fr(F.f[idx - 1] - F.f[idx]) * g.nextFloat()) + F.f[idx]) < Math.exp(-0.5 * x * x)) return x;
  }
}
