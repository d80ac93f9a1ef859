import type { Dtype } from "../numeric/dtype.js";
import { rounder } from "../numeric/dtype.js";
import type { Arena } from "./arena.js";
import { freshArrays } from "./arena.js";
import type { Backend } from "./backend.js";
import type { BuiltNetwork } from "./buildNetwork.js";
import { im2col } from "./conv2d.js";
import { normalize } from "./normalization.js";

/** One dense layer's forward pass on a batch, with what the backward pass and the statistics need. */
export interface DenseForward {
  /** a·W + b, rounded to the dtype */
  pre: Float64Array;
  /** the normalised pre-activation (LayerNorm/BatchNorm), or null without a norm */
  z: Float64Array | null;
  invStd: Float64Array | null;
  /** φ(z or pre), rounded to the dtype */
  post: Float64Array;
  /** φ'(z or pre), float64 (null when not asked for) */
  deriv: Float64Array | null;
}

/**
 * pre = round(round(a·W accumulated in `acc`) + b); z = round(norm(pre)); post = round(φ(z)).
 * Shared by {@link propagate}, the correlation map and the Jacobian.
 * @param withDeriv compute φ' (default true)
 * @param arrays where pre, post and φ' are taken from (default: fresh arrays)
 */
export async function denseForward(
  net: BuiltNetwork,
  l: number,
  a: Float64Array,
  batch: number,
  dtype: Dtype,
  acc: Dtype,
  backend: Backend,
  withDeriv = true,
  arrays: Arena = freshArrays,
): Promise<DenseForward> {
  const layer = net.layers[l];
  const round = rounder(dtype);
  const { x, rows, k } = layerInputMatrix(net, l, a, batch);
  const pre = arrays.take(rows * layer.nOut);
  const prod = await backend.gemm(x, layer.weights, rows, k, layer.nOut, false, false, acc, pre);
  if (prod !== pre) pre.set(prod);
  const bias = layer.bias;
  if (bias) {
    for (let b = 0; b < rows; b++) {
      for (let j = 0, i = b * layer.nOut; j < layer.nOut; j++, i++) pre[i] = round(round(pre[i]) + bias[j]);
    }
  } else {
    for (let i = 0; i < pre.length; i++) pre[i] = round(pre[i]);
  }
  let u: Float64Array = pre;
  let z: Float64Array | null = null;
  let invStd: Float64Array | null = null;
  if (net.spec.norm) {
    const [groups, size] = normShape(net, l, batch, net.spec.norm);
    const n = normalize(pre, groups, size, net.spec.norm);
    for (let i = 0; i < n.z.length; i++) n.z[i] = round(n.z[i]);
    z = n.z;
    invStd = n.invStd;
    u = z;
  }
  const post = arrays.take(u.length);
  const phi = net.activation;
  for (let i = 0; i < u.length; i++) post[i] = round(phi.f(u[i]));
  const deriv = withDeriv ? arrays.take(u.length) : null;
  if (deriv) for (let i = 0; i < u.length; i++) deriv[i] = phi.df(u[i]);
  return { pre, z, invStd, post, deriv };
}

/**
 * The matrix a layer multiplies by its weights: the activations [B, n_in] for a dense layer, the
 * im2col patches [B·H_out·W_out, k²·n_in] for a conv layer.
 */
export function layerInputMatrix(
  net: BuiltNetwork,
  l: number,
  a: Float64Array,
  batch: number,
): { x: Float64Array; rows: number; k: number } {
  const layer = net.layers[l];
  const g = layer.conv;
  if (!g) return { x: a, rows: batch, k: layer.nIn };
  return { x: im2col(a, batch, layer.nIn, g), rows: batch * g.hOut * g.wOut, k: g.kernel * g.kernel * layer.nIn };
}

/** The [groups, size] view a norm works on: LayerNorm per sample (H·W·C values), BatchNorm per channel (B·H·W values). */
export function normShape(net: BuiltNetwork, l: number, batch: number, kind: "layer" | "batch"): [number, number] {
  const layer = net.layers[l];
  const pixels = layer.conv ? layer.conv.hOut * layer.conv.wOut : 1;
  return kind === "layer" ? [batch, pixels * layer.nOut] : [batch * pixels, layer.nOut];
}

/** The signal a layer passes on: post, or at a residual block's end h_in + round(scale·post), rounded. */
export function layerOutput(
  net: BuiltNetwork,
  l: number,
  post: Float64Array,
  blockInput: Float64Array,
  dtype: Dtype,
): { out: Float64Array; branch: Float64Array | null } {
  if (!net.layers[l].blockEnd) return { out: post, branch: null };
  const round = rounder(dtype);
  const out = new Float64Array(post.length);
  const branch = new Float64Array(post.length);
  for (let i = 0; i < post.length; i++) {
    branch[i] = round(net.branchScale * post[i]);
    out[i] = round(blockInput[i] + branch[i]);
  }
  return { out, branch };
}
