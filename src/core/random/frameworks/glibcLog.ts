import { productError } from "../../numeric/doubleDouble.js";
import { fma } from "../../numeric/fma.js";
import { hexFloat } from "../../numeric/hexFloat.js";
import { settledSum } from "../../numeric/settledSum.js";
import { correctLog, LN2 } from "./correctLog.js";

/**
 * The natural logarithm exactly as glibc (2.28 and later) computes it on x86-64 CPUs with FMA and on
 * AArch64: the algorithm of Szabolcs Nagy (Arm, 2018) that glibc adopted, in the build that uses
 * fused multiply-adds (GCC contracts every `a*b + c` in it). NumPy's legacy normals (`randn`) call
 * it, and it is not correctly rounded: for about 0.07 % of their arguments it differs by one unit in
 * the last place from the correctly rounded ln, which is why {@link correctLog} cannot stand in.
 *
 * Method. Near 1, x ∈ [1 − 2⁻⁴, 1 + 0x1.09p-4): r = x − 1 and
 *   ln x = r − r²/2 + r³·P(r), P a degree-9 polynomial (coefficients B₁…B₁₀),
 * with r²/2 split exactly (r = r_hi + r_lo, r_hi of 26 bits). Elsewhere x = 2^k·z, z ∈ [0x1.6p-1,
 * 0x1.6p0) cut into 128 subintervals; the i-th holds a double invc ≈ 1/c, c near its centre, and
 *   ln x = k·ln 2 + ln c + ln(1 + r),  r = fma(z, invc, −1) (one rounding),
 *   ln(1 + r) − r ≈ A₀r² + r³(A₁ + A₂r + r²(A₃ + A₄r)),  |r| < 2⁻⁸,
 * with ln 2 = Ln2hi + Ln2lo, Ln2hi = ln 2 rounded to a multiple of 2⁻⁴³, and ln c = −ln(invc)
 * rounded, itself a multiple of 2⁻⁴³, so k·Ln2hi + ln c is exact.
 *
 * What is derived here and what is transcribed: ln c (from invc, correctly rounded — the test checks
 * each is a multiple of 2⁻⁴³ within 2⁻⁶⁶ of the exact value, as glibc's table promises) and Ln2hi,
 * Ln2lo (from ln 2) are computed. The 128 invc are the outcome of a search over ±2²⁹ candidates
 * around each 1/centre and the A, B coefficients are minimax fits; neither can be re-derived from a
 * definition, so they are transcribed as published in glibc's `log_data.c` (ARM optimized-routines).
 * The evaluation order and the fused multiply-adds follow glibc's expressions as GCC contracts them;
 * measured against Python's `math.log` (glibc 2.36) on 4.4·10⁶ arguments, all equal; the committed
 * reference check holds 204 096 of them.
 */

/** invc for the 128 subintervals of [0x1.6p-1, 0x1.6p0), in order. */
// prettier-ignore
const INVC: readonly number[] = [
  "1.734f0c3e0de9fp+0", "1.713786a2ce91fp+0", "1.6f26008fab5a0p+0", "1.6d1a61f138c7dp+0",
  "1.6b1490bc5b4d1p+0", "1.69147332f0cbap+0", "1.6719f18224223p+0", "1.6524f99a51ed9p+0",
  "1.63356aa8f24c4p+0", "1.614b36b9ddc14p+0", "1.5f66452c65c4cp+0", "1.5d867b5912c4fp+0",
  "1.5babccb5b90dep+0", "1.59d61f2d91a78p+0", "1.5805612465687p+0", "1.56397cee76bd3p+0",
  "1.54725e2a77f93p+0", "1.52aff42064583p+0", "1.50f22dbb2bddfp+0", "1.4f38f4734ded7p+0",
  "1.4d843cfde2840p+0", "1.4bd3ec078a3c8p+0", "1.4a27fc3e0258ap+0", "1.4880524d48434p+0",
  "1.46dce1b192d0bp+0", "1.453d9d3391854p+0", "1.43a2744b4845ap+0", "1.420b54115f8fbp+0",
  "1.40782da3ef4b1p+0", "1.3ee8f5d57fe8fp+0", "1.3d5d9a00b4ce9p+0", "1.3bd60c010c12bp+0",
  "1.3a5242b75dab8p+0", "1.38d22cd9fd002p+0", "1.3755bc5847a1cp+0", "1.35dce49ad36e2p+0",
  "1.34679984dd440p+0", "1.32f5cceffcb24p+0", "1.3187775a10d49p+0", "1.301c8373e3990p+0",
  "1.2eb4ebb95f841p+0", "1.2d50a0219a9d1p+0", "1.2bef9a8b7fd2ap+0", "1.2a91c7a0c1babp+0",
  "1.293726014b530p+0", "1.27dfa5757a1f5p+0", "1.268b39b1d3bbfp+0", "1.2539d838ff5bdp+0",
  "1.23eb7aac9083bp+0", "1.22a012ba940b6p+0", "1.2157996cc4132p+0", "1.201201dd2fc9bp+0",
  "1.1ecf4494d480bp+0", "1.1d8f5528f6569p+0", "1.1c52311577e7cp+0", "1.1b17c74cb26e9p+0",
  "1.19e010c2c1ab6p+0", "1.18ab07bb670bdp+0", "1.1778a25efbcb6p+0", "1.1648d354c31dap+0",
  "1.151b990275fddp+0", "1.13f0ea432d24cp+0", "1.12c8b7210f9dap+0", "1.11a3028ecb531p+0",
  "1.107fbda8434afp+0", "1.0f5ee0f4e6bb3p+0", "1.0e4065d2a9fcep+0", "1.0d244632ca521p+0",
  "1.0c0a77ce2981ap+0", "1.0af2f83c636d1p+0", "1.09ddb98a01339p+0", "1.08cabaf52e7dfp+0",
  "1.07b9f2f4e28fbp+0", "1.06ab58c358f19p+0", "1.059eea5ecf92cp+0", "1.04949cdd12c90p+0",
  "1.038c6c6f0ada9p+0", "1.02865137932a9p+0", "1.0182427ea7348p+0", "1.008040614b195p+0",
  "1.fe01ff726fa1ap-1", "1.fa11cc261ea74p-1", "1.f6310b081992ep-1", "1.f25f63ceeadcdp-1",
  "1.ee9c8039113e7p-1", "1.eae8078cbb1abp-1", "1.e741aa29d0c9bp-1", "1.e3a91830a99b5p-1",
  "1.e01e009609a56p-1", "1.dca01e577bb98p-1", "1.d92f20b7c9103p-1", "1.d5cac66fb5ccep-1",
  "1.d272caa5ede9dp-1", "1.cf26e3e6b2ccdp-1", "1.cbe6da2a77902p-1", "1.c8b266d37086dp-1",
  "1.c5894bd5d5804p-1", "1.c26b533bb9f8cp-1", "1.bf583eeece73fp-1", "1.bc4fd75db96c1p-1",
  "1.b951e0c864a28p-1", "1.b65e2c5ef3e2cp-1", "1.b374867c9888bp-1", "1.b094b211d304ap-1",
  "1.adbe885f2ef7ep-1", "1.aaf1d31603da2p-1", "1.a82e63fd358a7p-1", "1.a5740ef09738bp-1",
  "1.a2c2a90ab4b27p-1", "1.a01a01393f2d1p-1", "1.9d79f24db3c1bp-1", "1.9ae2505c7b190p-1",
  "1.9852ef297ce2fp-1", "1.95cbaeea44b75p-1", "1.934c69de74838p-1", "1.90d4f2f6752e6p-1",
  "1.8e6528effd79dp-1", "1.8bfce9fcc007cp-1", "1.899c0dabec30ep-1", "1.87427aa2317fbp-1",
  "1.84f00acb39a08p-1", "1.82a49e8653e55p-1", "1.8060195f40260p-1", "1.7e22563e0a329p-1",
  "1.7beb377dcb5adp-1", "1.79baa679725c2p-1", "1.77907f2170657p-1", "1.756cadbd6130cp-1",
].map(hexFloat);

/** ln c = −ln(invc), correctly rounded: exactly glibc's table (each a multiple of 2⁻⁴³). */
const LOGC: readonly number[] = INVC.map((invc) => -correctLog(invc));

/** The table as glibc's `__log_data.tab` holds it: per subinterval, invc ≈ 1/c and logc = ln c. */
export const GLIBC_LOG_TABLE: readonly { invc: number; logc: number }[] = INVC.map((invc, i) => ({
  invc,
  logc: LOGC[i],
}));

/** ln 2 = Ln2hi + Ln2lo, Ln2hi a multiple of 2⁻⁴³ (so k·Ln2hi is exact for |k| < 2¹⁰). */
const LN2_HI = Math.round(LN2[0] * 2 ** 43) / 2 ** 43;
const LN2_LO = LN2[0] - LN2_HI + LN2[1];
/** glibc's `ln2hi`, `ln2lo`. */
export const GLIBC_LOG_LN2 = { hi: LN2_HI, lo: LN2_LO } as const;

/** ln(1 + r) − r ≈ A₀r² + A₁r³ + … + A₄r⁶ on |r| ≤ 0x1.fp-9. */
const A = [
  "-0x1.0000000000001p-1",
  "0x1.555555551305bp-2",
  "-0x1.fffffffeb459p-3",
  "0x1.999b324f10111p-3",
  "-0x1.55575e506c89fp-3",
].map(hexFloat);

/** ln(1 + r) ≈ r + B₀r² + … + B₁₀r¹² on [−2⁻⁴, 0x1.09p-4] (B₀ = −½). */
const B = [
  "-0x1p-1",
  "0x1.5555555555577p-2",
  "-0x1.ffffffffffdcbp-3",
  "0x1.999999995dd0cp-3",
  "-0x1.55555556745a7p-3",
  "0x1.24924a344de3p-3",
  "-0x1.fffffa4423d65p-4",
  "0x1.c7184282ad6cap-4",
  "-0x1.999eb43b068ffp-4",
  "0x1.78182f7afd085p-4",
  "-0x1.5521375d145cdp-4",
].map(hexFloat);

const NEAR_ONE_LO = 1 - 2 ** -4;
const NEAR_ONE_HI = 1 + hexFloat("0x1.09p-4");
const SMALLEST_NORMAL = 2 ** -1022;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer); // little-endian: [low, high]

/**
 * ln x near 1: r − r²/2 (split exactly) + r³·P(r), in glibc's fused evaluation order.
 * @param fused false: evaluate P without fused multiply-adds and return the result only when no value
 *   within the bound on the difference could round otherwise; NaN when one could (then call again fused).
 */
function logNearOne(x: number, fused: boolean): number {
  const r = x - 1;
  const r2 = r * r;
  const r3 = r * r2;
  const w = r * 134217728; // r·2^27
  const rhi = r + w - w;
  const rlo = r - rhi;
  const half = rhi * rhi * B[0]; // exact: r_hi has 26 bits
  const hi = r + half;
  const lo = r - hi + half;
  if (!fused) {
    // Unfused, P differs from glibc's by under 2⁻⁵² (its terms' roundings), so the sum below differs
    // by under |r³|·2⁻⁵⁰ + |r|·2⁻¹⁰²; the bound takes 4× that
    const p =
      B[1] +
      r * B[2] +
      r2 * B[3] +
      r3 * (B[4] + r * B[5] + r2 * B[6] + r3 * (B[7] + r * B[8] + r2 * B[9] + r3 * B[10]));
    const s = lo + B[0] * rlo * (rhi + r) + r3 * p;
    return settledSum(hi, s, Math.abs(r3) * 2 ** -48 + Math.abs(r) * 2 ** -100);
  }
  const p3 = fma(r3, B[10], fma(r2, B[9], fma(r, B[8], B[7])));
  const p2 = fma(r3, p3, fma(r2, B[6], fma(r, B[5], B[4])));
  const p1 = fma(r3, p2, fma(r2, B[3], fma(r, B[2], B[1])));
  return fma(r3, p1, fma(B[0] * rlo, rhi + r, lo)) + hi;
}

/**
 * ln x away from 1: k·ln 2 + ln c + ln(1 + r), in glibc's fused evaluation order.
 * @param fused false: as for {@link logNearOne}, with the bound 2⁻⁶⁴ on the difference (the unfused
 *   sum differs from glibc's by under 2⁻⁶⁸: its largest term, A₀r², is below 2⁻¹⁷).
 */
function logTable(x: number, fused: boolean): number {
  let shift = 0;
  bits[0] = x;
  if (x < SMALLEST_NORMAL) {
    bits[0] = x * 2 ** 52; // a subnormal is scaled into the normal range
    shift = 52;
  }
  const high = words[1];
  // x = 2^k·z with z ∈ [0x1.6p-1, 0x1.6p0): the offset bits of (x − 0x1.6p-1) give i and k
  const tmp = (high - 0x3fe60000) | 0;
  const i = (tmp >>> 13) & 127;
  const k = (tmp >> 20) - shift;
  words[1] = high - (tmp & 0xfff00000);
  const z = bits[0];
  const invc = INVC[i];
  // r = fma(z, invc, −1): z·invc = p + e exactly; p ∈ [½, 2], so p − 1 is exact (Sterbenz)
  const p = z * invc;
  const r = p - 1 + productError(z, invc, p);
  const w = k * LN2_HI + LOGC[i]; // exact
  const hi = w + r;
  const r2 = r * r;
  if (!fused) {
    const s = w - hi + r + k * LN2_LO + r2 * A[0] + r * r2 * (A[1] + r * A[2] + r2 * (A[3] + r * A[4]));
    return settledSum(hi, s, 2 ** -64);
  }
  const lo = fma(k, LN2_LO, w - hi + r);
  const q = fma(r2, fma(r, A[4], A[3]), fma(r, A[2], A[1]));
  return fma(r * r2, q, fma(r2, A[0], lo)) + hi;
}

/**
 * ln x, bit for bit as glibc's `log`; 0 → −∞, negative or NaN → NaN, ∞ → ∞. Evaluates without fused
 * multiply-adds first and falls back to the emulated fused evaluation only when the result could
 * differ (measured: under 0.2 % of calls).
 */
export function glibcLog(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  if (x === 1) return 0;
  const nearOne = x >= NEAR_ONE_LO && x < NEAR_ONE_HI;
  const y = nearOne ? logNearOne(x, false) : logTable(x, false);
  if (y === y) return y;
  return nearOne ? logNearOne(x, true) : logTable(x, true);
}

/** ln x by glibc's fused evaluation alone, without the unfused first try: what {@link glibcLog} must always equal. */
export function glibcLogFused(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  if (x === 1) return 0;
  return x >= NEAR_ONE_LO && x < NEAR_ONE_HI ? logNearOne(x, true) : logTable(x, true);
}
