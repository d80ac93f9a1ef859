import { glibcLog } from "./glibcLog.js";
import { glibcSinCos } from "./glibcSinCos.js";
import { avxLog, avxSinCos } from "./torchAvxMathfun.js";
import { fma } from "../../numeric/fma.js";
import { fmaF32 } from "../../numeric/fmaF32.js";
import { Mt19937 } from "./mt19937.js";

const fr = Math.fround;

/**
 * PyTorch's CPU generator after `torch.manual_seed(s)`: MT19937 seeded by init_genrand with the
 * seed's low 32 bits, and the sampling kernels of `Tensor.uniform_` and `Tensor.normal_` on a
 * contiguous tensor (ATen's CPU kernels, default CPU capability):
 * - uniform_(a, b), float32: one 32-bit draw per value, u = (w & (2²⁴ − 1))·2⁻²⁴, then
 *   u·(b − a) + a in float32 (a and b rounded to float32 first; fused, see the constructor).
 * - uniform_ in float64: one 64-bit draw (hi ≪ 32 | lo) per value, 53 bits.
 * - normal_(μ, σ), float32, 16 values or more: every value first a float32 uniform, then each block
 *   of 16 by Box–Muller, j < 8: u₁ = 1 − d_j, u₂ = d_{j+8}, ρ = √(−2 ln u₁), θ = 2π·u₂,
 *   d_j = ρ·cos θ·σ + μ and d_{j+8} = ρ·sin θ·σ + μ, all in float32 (the functions correctly
 *   rounded); a size not a multiple of 16 redraws the last 16 uniforms and transforms them again.
 * - normal_ with fewer than 16 values (or float64): the scalar Box–Muller of
 *   at::normal_distribution<double> — u₁, u₂ as float64 uniforms, r = √(−2 ln(1 − u₂)),
 *   θ = 2π·u₁, returns r·cos θ and keeps r·sin θ for the next call.
 */
export class TorchCpuRng {
  private readonly mt: Mt19937;
  private nextNormal: number | null = null;

  /**
   * @param fma whether the float32 kernels fuse u·(b − a) + a into one rounding, as PyTorch's AVX2
   *   and AVX-512 kernels do (what x86-64 CPUs with AVX2 run by default); false for its default
   *   (non-vectorized) capability, ATEN_CPU_CAPABILITY=default.
   */
  constructor(
    seed: number,
    private readonly fma = true,
  ) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError(`seed: must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got ${seed}`);
    this.mt = new Mt19937(seed % 2 ** 32);
  }

  /** A 64-bit draw as a float64 in [0, 1): (hi ≪ 32 | lo) & (2⁵³ − 1), times 2⁻⁵³. */
  private double53(): number {
    const hi = this.mt.nextUint32();
    const lo = this.mt.nextUint32();
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  /** `tensor.uniform_(a, b)` on `out` (float32 semantics for a Float32Array, float64 for a Float64Array). */
  uniform(out: Float32Array | Float64Array, a: number, b: number): void {
    if (out instanceof Float32Array) {
      const from = fr(a);
      const range = fr(fr(b) - from);
      if (this.fma)
        for (let i = 0; i < out.length; i++) out[i] = fmaF32((this.mt.nextUint32() & 0xffffff) / 16777216, range, from);
      else
        for (let i = 0; i < out.length; i++)
          out[i] = fr(fr(((this.mt.nextUint32() & 0xffffff) / 16777216) * range) + from);
    } else {
      const range = b - a;
      for (let i = 0; i < out.length; i++) out[i] = this.double53() * range + a;
    }
  }

  /** One float64 normal of at::normal_distribution<double> (mean 0, std 1). */
  private scalarNormal(): number {
    if (this.nextNormal !== null) {
      const v = this.nextNormal;
      this.nextNormal = null;
      return v;
    }
    const u1 = this.double53();
    const u2 = this.double53();
    const r = Math.sqrt(-2 * glibcLog(1 - u2));
    const theta = 2 * Math.PI * u1;
    const [sin, cos] = glibcSinCos(theta);
    this.nextNormal = r * sin;
    return r * cos;
  }

  /** `tensor.normal_(mean, std)` on `out`. */
  normal(out: Float32Array | Float64Array, mean: number, std: number): void {
    if (out instanceof Float32Array && out.length >= 16) return this.normalFill(out, fr(mean), fr(std));
    if (out instanceof Float64Array && out.length >= 16) return this.normalFill64(out, mean, std);
    for (let i = 0; i < out.length; i++) out[i] = this.scalarNormal() * std + mean;
  }

  /**
   * PyTorch's normal_fill: every uniform first, then Box–Muller over the pairs (j, j + 8) of each 16
   * values, a last partial 16 redrawn and transformed again. `pair(j)` turns out[j], out[j + 8] into
   * two normals.
   */
  private fillBlocks(out: Float32Array | Float64Array, uniform: () => number, pair: (j: number) => void): void {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = uniform();
    for (let o = 0; o + 16 <= n; o += 16) for (let j = o; j < o + 8; j++) pair(j);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = uniform();
      for (let j = n - 16; j < n - 8; j++) pair(j);
    }
  }

  /**
   * normal_fill for float64 (no vectorized kernel): 53-bit uniforms and libm's log, cos and sin (glibc's,
   * bit for bit), radius·cos(θ)·std + mean fused as GCC contracts it.
   */
  private normalFill64(out: Float64Array, mean: number, std: number): void {
    this.fillBlocks(
      out,
      () => this.double53(),
      (j) => {
        const radius = Math.sqrt(-2 * glibcLog(1 - out[j]));
        const [sin, cos] = glibcSinCos(2 * Math.PI * out[j + 8]);
        out[j] = fma(radius * cos, std, mean);
        out[j + 8] = fma(radius * sin, std, mean);
      },
    );
  }

  /** normal_fill_16_AVX2 for float32: 24-bit uniforms, avx_mathfun's log and sincos, fma(n, std, mean). */
  private normalFill(out: Float32Array, mean: number, std: number): void {
    const twoPi = fr(2 * Math.PI);
    this.fillBlocks(
      out,
      () => (this.mt.nextUint32() & 0xffffff) / 16777216,
      (j) => {
        const radius = fr(Math.sqrt(fr(-2 * avxLog(fr(1 - out[j])))));
        const [sin, cos] = avxSinCos(fr(twoPi * out[j + 8]));
        out[j] = fmaF32(fr(radius * cos), std, mean);
        out[j + 8] = fmaF32(fr(radius * sin), std, mean);
      },
    );
  }
}
