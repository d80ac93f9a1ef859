import { initialize } from "../init/initialize.js";
import { rngStream } from "../random/Rng.js";
import type { BlockWeights } from "./transformerPass.js";
import type { StackRole, TransformerSpec } from "./transformerSpec.js";
import { residualScheme, stackRole } from "./transformerSpec.js";

/** Transposes a row-major [rows, cols] matrix (a torch [out, in] weight into keras [in, out]). */
function transpose(v: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(v.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = v[i * cols + j];
  return t;
}

/** The names of a block's weight tensors (x…: a decoder block's cross-attention; b…: the MLP's biases). */
export type BlockMatrix = "q" | "k" | "v" | "o" | "w1" | "w2" | "xq" | "xk" | "xv" | "xo" | "b1" | "b2";

/**
 * One tensor a block draws: its stream name, the catalog spec, its shape in the framework's layout,
 * and the matrices it makes ([in, out] each): "plain" (keras layout already, or one flat [in, out]),
 * "torch" ([out, in], transposed) or "packed" (torch's in_proj [3d, d], split into Q, K, V).
 */
export interface BlockDraw {
  name: string;
  init: string;
  shape: number[];
  layout: "plain" | "torch" | "packed";
  makes: BlockMatrix[];
}

/** Whose semantics a draw's spec follows: a bias (1-D, no fans) is drawn as written, a matrix in the spec's framework. */
export const drawFramework = (draw: BlockDraw, spec: TransformerSpec): TransformerSpec["framework"] =>
  draw.shape.length === 1 ? null : spec.framework;

/**
 * What {@link drawBlockWeights} draws for a block, before the residual scheme's factors:
 * - an initlab spec: Q, K, V, O [d, d], W_1 [d, f], W_2 [f, d] from `spec.init` (torch draws [out, in]);
 * - torch defaults (nn.TransformerEncoderLayer): nn.MultiheadAttention's packed in_proj_weight [3d, d]
 *   xavier_uniform_ (fan_in d, fan_out 3d: U(±√(3/(2d))), split into W_Q, W_K, W_V); out_proj and the
 *   MLP's nn.Linear layers keep Linear's kaiming_uniform_(a=√5): U(±1/√fan_in); the attention's
 *   biases are 0 and the MLP's Linear biases b_1 [f], b_2 [d] U(±1/√fan_in) (1/√d, 1/√f);
 * - keras defaults (layers.MultiHeadAttention + Dense): glorot_uniform on EinsumDense kernels
 *   [d, H, d_h] for Q, K, V — Keras's fan rule counts the heads, fan_in = H·d, fan_out = d_h·d, so
 *   Var = 2/(d(H + d_h)) — and [H, d_h, d] for the output (fan_in d, fan_out H·d); the MLP's Dense
 *   kernels glorot_uniform.
 * A decoder block (spec.crossAttention) also draws its cross-attention as its self-attention
 * (torch: nn.TransformerDecoderLayer's multihead_attn; keras: a second MultiHeadAttention), named x….
 */
export function blockDraws(spec: TransformerSpec, f: number): BlockDraw[] {
  const own = selfDraws(spec, f);
  if (!spec.crossAttention) return own;
  const crossName = (m: BlockMatrix) => ("x" + m) as BlockMatrix;
  const cross = own
    .filter((draw) => draw.makes.every((m) => m === "q" || m === "k" || m === "v" || m === "o"))
    .map((draw) => ({ ...draw, name: "x" + draw.name, makes: draw.makes.map(crossName) }));
  return [...own, ...cross];
}

function selfDraws(spec: TransformerSpec, f: number): BlockDraw[] {
  const d = spec.width;
  const fw = spec.framework;
  const dh = d / spec.heads;
  const isDefault = spec.init === "default" || spec.init === "layer_default";
  const one = (name: BlockMatrix, init: string, rows: number, cols: number): BlockDraw =>
    fw === "torch"
      ? { name, init, shape: [cols, rows], layout: "torch", makes: [name] }
      : { name, init, shape: [rows, cols], layout: "plain", makes: [name] };
  // nn.Linear's bias: U(±1/√fan_in); MultiheadAttention zeroes its own biases (in_proj, out_proj)
  const bias = (name: "b1" | "b2", fanIn: number, size: number): BlockDraw => ({
    name,
    init: `uniform(low=${-1 / Math.sqrt(fanIn)},high=${1 / Math.sqrt(fanIn)})`,
    shape: [size],
    layout: "plain",
    makes: [name],
  });
  if (isDefault && fw === "torch")
    return [
      { name: "qkv", init: "xavier_uniform", shape: [3 * d, d], layout: "packed", makes: ["q", "k", "v"] },
      one("o", "layer_default", d, d),
      one("w1", "layer_default", d, f),
      bias("b1", d, f),
      one("w2", "layer_default", f, d),
      bias("b2", f, d),
    ];
  if (isDefault)
    return [
      ...(["q", "k", "v"] as const).map((name): BlockDraw => ({
        name,
        init: "glorot_uniform",
        shape: [d, spec.heads, dh],
        layout: "plain",
        makes: [name],
      })),
      { name: "o", init: "glorot_uniform", shape: [spec.heads, dh, d], layout: "plain", makes: ["o"] },
      one("w1", "glorot_uniform", d, f),
      one("w2", "glorot_uniform", f, d),
    ];
  return [
    ...(["q", "k", "v", "o"] as const).map((name) => one(name, spec.init, d, d)),
    one("w1", spec.init, d, f),
    one("w2", spec.init, f, d),
  ];
}

/**
 * Draws one block's weights, each tensor of {@link blockDraws} from its own stream (seed, part,
 * block, name) — part "transformer" for the stack, "encoder" for a decoder's memory encoder — as
 * keras-layout [in, out] matrices, then scales them by the residual scheme for the stack's role
 * ({@link residualScheme}); μP's W_Q (and cross-attention's) is 0. With a framework, each tensor is
 * drawn in that framework's shape and layout, so its fan rule applies.
 */
export function drawBlockWeights(
  spec: TransformerSpec,
  seed: number,
  block: number,
  f: number,
  where: StackRole = stackRole(spec),
  part: "transformer" | "encoder" = "transformer",
): BlockWeights {
  const sc = residualScheme(spec.residualScale, spec.depth, where);
  const d = spec.width;
  const m: Partial<Record<BlockMatrix, Float64Array>> = {};
  for (const draw of blockDraws(spec, f)) {
    const v = initialize(
      draw.init,
      { shape: draw.shape, framework: drawFramework(draw, spec) },
      rngStream(seed, part, block, draw.name),
      "float64",
    ).values as Float64Array;
    if (draw.layout === "packed")
      draw.makes.forEach((name, p) => (m[name] = transpose(v.subarray(p * d * d, (p + 1) * d * d), d, d)));
    else m[draw.makes[0]] = draw.layout === "torch" ? transpose(v, draw.shape[0], draw.shape[1]) : v;
  }
  const scaled = (x: Float64Array, factor: number) => {
    if (factor !== 1) for (let i = 0; i < x.length; i++) x[i] *= factor;
    return x;
  };
  // μP initializes the queries to zero
  if (spec.parameterization === "mup") for (const q of [m.q, m.xq]) q?.fill(0);
  return {
    attn: { q: scaled(m.q!, sc.q), k: scaled(m.k!, sc.k), v: scaled(m.v!, sc.v), o: scaled(m.o!, sc.o) },
    cross: m.xq
      ? { q: scaled(m.xq, sc.xq), k: scaled(m.xk!, sc.xk), v: scaled(m.xv!, sc.xv), o: scaled(m.xo!, sc.xo) }
      : null,
    w1: spec.attentionOnly ? null : scaled(m.w1!, sc.w1),
    w2: spec.attentionOnly ? null : scaled(m.w2!, sc.w2),
    // biases are not scaled by the residual schemes, which scale weights
    b1: spec.attentionOnly ? null : (m.b1 ?? null),
    b2: spec.attentionOnly ? null : (m.b2 ?? null),
  };
}
