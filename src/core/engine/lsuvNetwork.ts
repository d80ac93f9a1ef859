import type { LsuvLayerReport, LsuvOptions } from "../init/lsuv.js";
import { lsuv } from "../init/lsuv.js";
import type { Dtype } from "../numeric/dtype.js";
import { defaultAccumulate, rounder } from "../numeric/dtype.js";
import { referenceBackend } from "./backend.js";
import type { BuiltNetwork } from "./buildNetwork.js";
import { denseForward, layerOutput } from "./denseForward.js";

/**
 * Runs LSUV (Mishkin & Matas (2016), see {@link lsuv}) on a built network, in place: layer by
 * layer, the pre-activation on the batch `x` is brought to variance 1 (within `tol`) by rescaling
 * that layer's weights (kept rounded to `dtype`), the earlier layers already rescaled. The paper
 * starts from an orthonormal init: build the network with init "orthogonal" to reproduce it.
 */
export async function lsuvNetwork(
  net: BuiltNetwork,
  x: Float64Array,
  batch: number,
  dtype: Dtype,
  options: LsuvOptions = {},
): Promise<LsuvLayerReport[]> {
  const round = rounder(dtype);
  const acc = defaultAccumulate(dtype);
  const inputs: Float64Array[] = [x];
  let blockInput = x;
  const layers = net.layers.map((layer, l) => ({
    scale(factor: number) {
      for (let i = 0; i < layer.weights.length; i++) layer.weights[i] = round(layer.weights[i] * factor);
    },
    async output() {
      if (layer.blockPosition === 0) blockInput = inputs[l];
      const f = await denseForward(net, l, inputs[l], batch, dtype, acc, referenceBackend);
      // the next layer's input follows this layer's current weights
      inputs[l + 1] = layerOutput(net, l, f.post, blockInput, dtype).out;
      return f.pre;
    },
  }));
  return lsuv(layers, options);
}
