import { fmaF32 } from "../../numeric/fmaF32.js";

/**
 * The float32 `log256_ps` and `sincos256_ps` of PyTorch's `avx_mathfun.h` (Garberoglio's (2012) AVX port
 * of Pommier's "sse_mathfun", the Cephes (Moshier (1989), "Methods and Programs for Mathematical
 * Functions") logf, sinf and cosf), one lane, as PyTorch's AVX2 kernels run them: `torch.randn` and
 * `normal_` on 16 float32 values or more take their Box–Muller through these, not through libm.
 * GCC compiles the AVX2 kernels with FMA and contracts a product whose only use is a sum into a fused
 * multiply-add; the fused steps below are those (measured against PyTorch 1.13: bit for bit).
 *
 * log: x = 2^e·m, m ∈ [½, 1), then m < √½ ? (e − 1, 2m − 1) : (e, m − 1) =: (e, x);
 *   ln = x − x²/2 + x³·P(x) + e·q₁ + e·q₂  (P the Cephes degree-8 polynomial, q₁ + q₂ = ln 2).
 * sincos: j = (⌊|x|·4/π⌋ + 1) with its last bit cleared, y = j; x − y·π/4 in three parts (DP1..DP3);
 *   cos-type 1 − z/2 + z²·C(z) and sin-type x + x·z·S(z) (z = x²), swapped and signed by j.
 * The constants are Cephes' (decimal literals rounded to float32), transcribed.
 */

const fr = Math.fround;
const bits = new Float32Array(1);
const ints = new Int32Array(bits.buffer);

const SQRTHF = fr(Math.SQRT1_2); // Cephes writes 0.707106781186547524
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(fr);
const LOG_Q1 = fr(-2.1219444e-4);
const LOG_Q2 = 0.693359375;
const MIN_NORMAL = 2 ** -126;

/** Cephes logf as `log256_ps` computes it (x > 0; NaN for x ≤ 0). */
export function avxLog(x: number): number {
  if (!(x > 0)) return NaN;
  bits[0] = Math.max(fr(x), MIN_NORMAL);
  const imm = ints[0] >>> 23;
  ints[0] = (ints[0] & ~0x7f800000) | 0x3f000000; // the significand, scaled into [½, 1)
  let m = bits[0];
  let e = fr(imm - 0x7f + 1);
  const below = m < SQRTHF;
  const tmp = below ? m : 0;
  m = fr(m - 1);
  e = fr(e - (below ? 1 : 0));
  m = fr(m + tmp);
  const z = fr(m * m);
  let y = LOG_P[0];
  for (let i = 1; i < 9; i++) y = fmaF32(y, m, LOG_P[i]);
  y = fr(y * m);
  y = fmaF32(y, z, fr(e * LOG_Q1));
  y = fmaF32(-z, 0.5, y);
  return fmaF32(e, LOG_Q2, fr(m + y));
}

const FOPI = fr(1.27323954473516);
const DP1 = -0.78515625;
const DP2 = -2029 * 2 ** -23; // -2.4187564849853515625e-4 exactly
const DP3 = fr(-3.774894977445941e-8); // Cephes: -3.77489497744594108e-8, the same double
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(fr);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(fr);

/** [sin x, cos x] as `sincos256_ps` computes them (float32; |x| below 8192 for full accuracy). */
export function avxSinCos(x: number): [number, number] {
  x = fr(x);
  const sinSign = x < 0 || Object.is(x, -0);
  let a = Math.abs(x);
  // j = (trunc(|x|·4/π) + 1) & ~1, as an int32 (cvttps)
  const j = ((Math.trunc(fr(a * FOPI)) | 0) + 1) & ~1;
  const y = fr(j);
  const swapSin = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  const cosSign = (~(j - 2) & 4) !== 0;
  a = fmaF32(y, DP1, a);
  a = fmaF32(y, DP2, a);
  a = fmaF32(y, DP3, a);
  const z = fr(a * a);
  let c = fmaF32(COS_P[0], z, COS_P[1]);
  c = fmaF32(c, z, COS_P[2]);
  c = fr(c * z);
  c = fmaF32(c, z, -fr(z * 0.5));
  c = fr(c + 1);
  let s = fmaF32(SIN_P[0], z, SIN_P[1]);
  s = fmaF32(s, z, SIN_P[2]);
  s = fr(s * z);
  s = fmaF32(s, a, a);
  // each result is one polynomial plus a masked +0 (which turns −0 into +0)
  let sin = (polyMask ? s : c) + 0;
  let cos = (polyMask ? c : s) + 0;
  if (sinSign !== swapSin) sin = -sin;
  if (cosSign) cos = -cos;
  return [sin, cos];
}
