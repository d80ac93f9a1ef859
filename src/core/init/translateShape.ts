import type { KernelContext, Layout } from "./kernel.js";
import { kernelAxes } from "./kernel.js";

/**
 * The same layer's kernel shape in another layout: dense [out, in] ↔ [in, out]; conv
 * [out, in/g, k…] ↔ [k…, in/g, out]; transposed conv [in, out/g, k…] ↔ [k…, out, in];
 * a keras depthwise kernel [k…, in, mult] becomes a grouped kernel with groups = in — torch's
 * [in·mult, 1, k…], or [k…, 1, in·mult] in keras layout when `depthwiseAsGroups` (as jax/flax
 * express depthwise convs, with feature_group_count).
 * @returns the shape and the groups to pass with it.
 */
export function translateShape(
  ctx: KernelContext,
  to: Layout,
  depthwiseAsGroups = false,
): { shape: number[]; groups: number; depthwise: boolean } {
  const s = [...ctx.shape];
  if (to === ctx.layout && !(ctx.depthwise && depthwiseAsGroups))
    return { shape: s, groups: ctx.groups, depthwise: ctx.depthwise };
  if (s.length === 1) return { shape: s, groups: 1, depthwise: false };
  if (s.length === 2) return { shape: [s[1], s[0]], groups: 1, depthwise: false };
  const a = kernelAxes(ctx);
  const spatial = ctx.layout === "torch" ? s.slice(2) : s.slice(0, -2);
  if (to === "torch") {
    return ctx.transposed
      ? { shape: [a.inChannels, a.outChannels / a.groups, ...spatial], groups: a.groups, depthwise: false }
      : { shape: [a.outChannels, a.inChannels / a.groups, ...spatial], groups: a.groups, depthwise: false };
  }
  return ctx.transposed
    ? { shape: [...spatial, a.outChannels / a.groups, a.inChannels], groups: a.groups, depthwise: false }
    : { shape: [...spatial, a.inChannels / a.groups, a.outChannels], groups: a.groups, depthwise: false };
}
