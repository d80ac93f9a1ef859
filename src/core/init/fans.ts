import type { Framework, KernelContext } from "./kernel.js";
import { kernelAxes } from "./kernel.js";

/** Fan-in and fan-out of a kernel, and how they were computed. */
export interface Fans {
  fanIn: number;
  fanOut: number;
  /** what the fans count, in words */
  rule: string;
}

/**
 * initlab's fans: the number of inputs each output unit sums over, and the number of outputs each
 * input feeds, in the layer's forward direction —
 *   fan_in = (in/groups)·∏k,   fan_out = (out/groups)·∏k.
 * Depthwise (groups = in): fan_in = ∏k, fan_out = multiplier·∏k. Transposed conv: the same
 * formulas with its own in/out channels (its stride s makes each output see ∏k/sᵈ taps on
 * average; initlab does not know the stride). 1-D shapes (biases, gains): fan_in = fan_out = n.
 */
export function initlabFans(ctx: KernelContext): Fans {
  const a = kernelAxes(ctx);
  return {
    fanIn: (a.inChannels / a.groups) * a.receptiveField,
    fanOut: (a.outChannels / a.groups) * a.receptiveField,
    rule:
      a.receptiveField === 1 && ctx.shape.length <= 2
        ? "dense: fan_in = in, fan_out = out"
        : "conv: fan_in = (in/groups)·∏k, fan_out = (out/groups)·∏k",
  };
}

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * A framework's own fans, computed as its source does on the stored shape:
 * - torch `_calculate_fan_in_and_fan_out`: fan_in = size(1)·∏size[2:], fan_out = size(0)·∏size[2:];
 *   fewer than 2 dims is an error. Groups are ignored (pytorch#23854), and a transposed kernel
 *   [in, out/g, k…] gets fan_in and fan_out swapped.
 * - keras `compute_fans` (and jax/flax `_compute_fans` with in_axis −2, out_axis −1):
 *   rf = ∏shape[:−2], fan_in = shape[−2]·rf, fan_out = shape[−1]·rf; keras 1-D: fan_in = fan_out
 *   = shape[0]; jax needs 2 dims. Groups ignored in fan_out, DepthwiseConv's [k…, in, mult]
 *   counts every input channel in fan_in, Conv2DTranspose's [k…, out, in] swaps the fans.
 *   (jax's conv_transpose and flax's ConvTranspose use [k…, in, out]; initlab does not model them and refuses.)
 * - tfjs `computeFans` (channelsLast): as keras for 2 to 5 dims; 1-D or ≥ 6-D use √∏shape for both.
 * @throws a one-line error where the framework itself raises one.
 */
export function frameworkFans(framework: Framework, ctx: KernelContext): Fans {
  const s = ctx.shape;
  if ((framework === "flax" || framework === "jax") && ctx.transposed) {
    throw new RangeError(
      `transposed: ${framework}'s transposed-conv kernel layout [k…, in, out] is not modelled; compare with --framework keras or torch`,
    );
  }
  if (framework === "torch") {
    if (s.length < 2)
      throw new RangeError("shape: torch cannot compute fans for a tensor with fewer than 2 dimensions");
    const rf = product(s.slice(2));
    return {
      fanIn: s[1] * rf,
      fanOut: s[0] * rf,
      rule: "torch: fan_in = size(1)·∏size[2:], fan_out = size(0)·∏size[2:]",
    };
  }
  if (framework === "tfjs" && (s.length === 1 || s.length >= 6)) {
    const f = Math.sqrt(product(s));
    return { fanIn: f, fanOut: f, rule: "tfjs: fan_in = fan_out = √∏shape for 1-D and ≥ 6-D shapes" };
  }
  if (s.length === 1) {
    if (framework === "jax" || framework === "flax")
      throw new RangeError(`shape: ${framework} cannot compute fans for a 1-D shape (in_axis=-2)`);
    return { fanIn: s[0], fanOut: s[0], rule: "keras: fan_in = fan_out = shape[0] for 1-D shapes" };
  }
  const rf = product(s.slice(0, -2));
  return {
    fanIn: s[s.length - 2] * rf,
    fanOut: s[s.length - 1] * rf,
    rule: `${framework}: rf = ∏shape[:-2], fan_in = shape[-2]·rf, fan_out = shape[-1]·rf`,
  };
}

/** Words for each way a framework's fans differ from initlab's for this kernel. */
export function fanQuirks(framework: Framework, ctx: KernelContext, theirs: Fans, ours: Fans): string[] {
  const quirks: string[] = [];
  const name = framework;
  if (theirs.fanIn !== ours.fanIn || theirs.fanOut !== ours.fanOut) {
    const why = ctx.transposed
      ? "a transposed conv's kernel is read with its in/out axes swapped"
      : ctx.depthwise
        ? "a depthwise kernel [k…, in, multiplier] counts every input channel in fan_in"
        : ctx.groups > 1
          ? framework === "torch"
            ? "groups are ignored in fan_out (pytorch#23854)"
            : "groups are ignored in fan_out"
          : framework === "tfjs"
            ? "tfjs uses √∏shape for 1-D and ≥ 6-D shapes"
            : "its fan rule differs here";
    quirks.push(
      `${name} fans: fan_in = ${fmt(theirs.fanIn)}, fan_out = ${fmt(theirs.fanOut)} (initlab: ${fmt(ours.fanIn)}, ${fmt(ours.fanOut)}) — ${why}`,
    );
  }
  return quirks;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}
