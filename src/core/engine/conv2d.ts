/** Geometry of a 2-D convolution on NHWC activations. */
export interface ConvGeometry {
  kernel: number;
  stride: number;
  hIn: number;
  wIn: number;
  hOut: number;
  wOut: number;
  /** zero rows/columns added before the first input row/column */
  padTop: number;
  padLeft: number;
}

/**
 * Output size and padding of a k×k convolution with stride s (TensorFlow's conventions):
 * "same": out = ⌈in/s⌉, total padding max((out − 1)·s + k − in, 0), the smaller half before;
 * "valid": out = ⌊(in − k)/s⌋ + 1, no padding.
 * @throws a one-line error if the kernel does not fit ("valid" with k > in).
 */
export function convGeometry(
  hIn: number,
  wIn: number,
  kernel: number,
  stride: number,
  padding: "same" | "valid",
): ConvGeometry {
  const dim = (n: number) => {
    if (padding === "same") {
      const out = Math.ceil(n / stride);
      const total = Math.max((out - 1) * stride + kernel - n, 0);
      return { out, before: Math.floor(total / 2) };
    }
    if (kernel > n) throw new RangeError(`kernel: ${kernel} does not fit a ${n}-pixel input with padding valid`);
    return { out: Math.floor((n - kernel) / stride) + 1, before: 0 };
  };
  const h = dim(hIn);
  const w = dim(wIn);
  return { kernel, stride, hIn, wIn, hOut: h.out, wOut: w.out, padTop: h.before, padLeft: w.before };
}

/**
 * im2col: the [B·H_out·W_out, k·k·C] matrix whose row (b, y, x) holds the input patch under the
 * kernel at output pixel (y, x), in the kernel's keras order (ky, kx, c), zeros where the patch
 * leaves the padded input. Then conv(a) = im2col(a)·W with W the keras kernel [k, k, C, out]
 * flattened to [k·k·C, out].
 */
export function im2col(a: ArrayLike<number>, batch: number, channels: number, g: ConvGeometry): Float64Array {
  const k = g.kernel;
  const cols = k * k * channels;
  const out = new Float64Array(batch * g.hOut * g.wOut * cols);
  let row = 0;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < g.hOut; y++) {
      for (let x = 0; x < g.wOut; x++, row++) {
        const o = row * cols;
        for (let ky = 0; ky < k; ky++) {
          const iy = y * g.stride + ky - g.padTop;
          if (iy < 0 || iy >= g.hIn) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = x * g.stride + kx - g.padLeft;
            if (ix < 0 || ix >= g.wIn) continue;
            const src = ((b * g.hIn + iy) * g.wIn + ix) * channels;
            const dst = o + (ky * k + kx) * channels;
            for (let c = 0; c < channels; c++) out[dst + c] = a[src + c];
          }
        }
      }
    }
  }
  return out;
}

/** col2im: the adjoint of {@link im2col} — scatter-adds patch gradients back onto the NHWC input. */
export function col2im(cols: ArrayLike<number>, batch: number, channels: number, g: ConvGeometry): Float64Array {
  const k = g.kernel;
  const width = k * k * channels;
  const out = new Float64Array(batch * g.hIn * g.wIn * channels);
  let row = 0;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < g.hOut; y++) {
      for (let x = 0; x < g.wOut; x++, row++) {
        const o = row * width;
        for (let ky = 0; ky < k; ky++) {
          const iy = y * g.stride + ky - g.padTop;
          if (iy < 0 || iy >= g.hIn) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = x * g.stride + kx - g.padLeft;
            if (ix < 0 || ix >= g.wIn) continue;
            const dst = ((b * g.hIn + iy) * g.wIn + ix) * channels;
            const src = o + (ky * k + kx) * channels;
            for (let c = 0; c < channels; c++) out[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
  return out;
}
