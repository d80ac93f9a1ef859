import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import type { Backend } from "./backend.js";
import type { BuiltNetwork } from "./buildNetwork.js";
import { col2im } from "./conv2d.js";
import type { DenseForward } from "./denseForward.js";
import { layerInputMatrix, normShape } from "./denseForward.js";
import { normalizeBackward } from "./normalization.js";

/**
 * ∂L/∂pre of layer l from ∂L/∂post: ∂L/∂u = round(∂L/∂post ⊙ φ'(u)) with u the normalised
 * pre-activation (or pre without a norm), then through the norm's backward, rounded to `dtype`.
 * @param forward what {@link denseForward} kept for layer l (pre, and z, invStd with a norm)
 */
export function activationBackward(
  net: BuiltNetwork,
  l: number,
  forward: Pick<DenseForward, "pre" | "z" | "invStd">,
  gPost: Float64Array,
  batch: number,
  dtype: Dtype,
): Float64Array {
  const round = rounder(dtype);
  const phi = net.activation;
  const u = forward.z ?? forward.pre;
  const gU = new Float64Array(gPost.length);
  for (let i = 0; i < gPost.length; i++) gU[i] = round(gPost[i] * phi.df(u[i]));
  const norm = net.spec.norm;
  if (!norm) return gU;
  const [groups, size] = normShape(net, l, batch, norm);
  const gPre = normalizeBackward(gU, forward.z as Float64Array, forward.invStd as Float64Array, groups, size, norm);
  for (let i = 0; i < gPre.length; i++) gPre[i] = round(gPre[i]);
  return gPre;
}

/** Reusable storage for {@link linearBackward}'s ∂L/∂W: the backend's product, and its rounded float64 copy. */
export interface WeightGradientBuffers {
  product: Float32Array | Float64Array;
  rounded: Float64Array;
}

/**
 * The gradients of layer l's matmul pre = X·W (+ b) from ∂L/∂pre, each accumulated in `acc` and
 * rounded to `dtype`: ∂L/∂W = round(Xᵀ·∂L/∂pre) [k, n_out], and ∂L/∂a_{l−1} = round(∂L/∂pre·Wᵀ)
 * (folded back to [B, H, W, C] by col2im for a conv layer), with X the layer's input matrix
 * ({@link layerInputMatrix}).
 * @param input the layer's input activations a_{l−1}
 * @param withInputGradient compute ∂L/∂a_{l−1} (default true; the first layer of a training step needs none)
 * @param buffers where ∂L/∂W is written (default: a fresh array, so the caller may keep it)
 */
export async function linearBackward(
  net: BuiltNetwork,
  l: number,
  input: Float64Array,
  gPre: Float64Array,
  batch: number,
  dtype: Dtype,
  acc: Dtype,
  backend: Backend,
  withInputGradient = true,
  buffers?: WeightGradientBuffers,
): Promise<{ gW: Float64Array; gA: Float64Array | null }> {
  const layer = net.layers[l];
  const round = rounder(dtype);
  const { x: X, rows, k: K } = layerInputMatrix(net, l, input, batch);
  const size = K * layer.nOut;
  const product = await backend.gemm(
    X,
    gPre,
    K,
    rows,
    layer.nOut,
    true,
    false,
    acc,
    buffers?.product.subarray(0, size),
  );
  const gW = buffers ? buffers.rounded.subarray(0, size) : new Float64Array(size);
  for (let i = 0; i < size; i++) gW[i] = round(product[i]);
  if (!withInputGradient) return { gW, gA: null };
  const gX = await backend.gemm(gPre, layer.weights, rows, layer.nOut, K, false, true, acc);
  const gIn = layer.conv ? col2im(gX, batch, layer.nIn, layer.conv) : gX;
  const gA = new Float64Array(gIn.length);
  for (let i = 0; i < gIn.length; i++) gA[i] = round(gIn[i]);
  return { gW, gA };
}
