/** Where a kernel keeps its axes. torch: dense [out, in], conv [out, in/groups, k…], transposed conv [in, out/groups, k…]. keras: dense [in, out], conv [k…, in/groups, out], transposed conv [k…, out, in], depthwise [k…, in, multiplier]. */
export const LAYOUTS = ["torch", "keras"] as const;
export type Layout = (typeof LAYOUTS)[number];

/** The frameworks whose semantics initlab reproduces as presets. */
export const FRAMEWORKS = ["torch", "keras", "tfjs", "jax", "flax"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** A weight tensor and the layer it belongs to. */
export interface KernelContext {
  shape: readonly number[];
  layout: Layout;
  /** grouped convolution: input and output channels split into `groups` independent groups; default 1 */
  groups: number;
  /** a transposed convolution's kernel (layouts above) */
  transposed: boolean;
  /** keras layout only: a DepthwiseConv kernel [k…, in, multiplier] (groups = in) */
  depthwise: boolean;
}

/** A dense or conv layer's real channel counts and receptive field. */
export interface KernelAxes {
  inChannels: number;
  outChannels: number;
  groups: number;
  /** ∏ kernel spatial sizes; 1 for dense */
  receptiveField: number;
}

/** Parses a layout. @throws a one-line error listing the allowed values. */
export function parseLayout(value: string): Layout {
  if ((LAYOUTS as readonly string[]).includes(value)) return value as Layout;
  throw new RangeError(`layout: must be one of ${LAYOUTS.join(", ")}, got ${JSON.stringify(value)}`);
}

/** Parses a framework name. @throws a one-line error listing the allowed values. */
export function parseFramework(value: string): Framework {
  if ((FRAMEWORKS as readonly string[]).includes(value)) return value as Framework;
  throw new RangeError(`framework: must be one of ${FRAMEWORKS.join(", ")}, got ${JSON.stringify(value)}`);
}

/** The layout a framework stores kernels in. */
export function frameworkLayout(framework: Framework): Layout {
  return framework === "torch" ? "torch" : "keras";
}

/** Validates a shape: a non-empty list of positive integers. */
export function checkShape(shape: readonly number[]): readonly number[] {
  if (shape.length === 0 || shape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new RangeError(`shape: must be a non-empty list of positive integers, got [${shape.join(",")}]`);
  }
  return shape;
}

/** Builds a context with defaults (layout keras, groups 1, not transposed, not depthwise) and validates it. */
export function kernelContext(
  shape: readonly number[],
  options: Partial<Omit<KernelContext, "shape">> = {},
): KernelContext {
  const ctx: KernelContext = {
    shape: checkShape(shape),
    layout: options.layout ?? "keras",
    groups: options.groups ?? 1,
    transposed: options.transposed ?? false,
    depthwise: options.depthwise ?? false,
  };
  if (!Number.isSafeInteger(ctx.groups) || ctx.groups < 1)
    throw new RangeError(`groups: must be a positive integer, got ${ctx.groups}`);
  if (ctx.depthwise && ctx.layout !== "keras")
    throw new RangeError(
      "depthwise: the [k…, in, multiplier] kernel is keras layout; in torch layout pass groups = in channels",
    );
  if (ctx.depthwise && ctx.groups !== 1)
    throw new RangeError("depthwise: implies groups = in channels; do not pass groups too");
  if (ctx.depthwise && shape.length < 3)
    throw new RangeError("depthwise: needs a conv kernel [k…, in, multiplier] of 3 or more dims");
  if (ctx.transposed && shape.length < 3) throw new RangeError("transposed: needs a conv kernel of 3 or more dims");
  if (ctx.groups > 1 && shape.length < 3)
    throw new RangeError("groups: only conv kernels (3 or more dims) have groups");
  return ctx;
}

/**
 * The real channel counts of a kernel in its layout: for groups g the kernel holds in/g
 * (torch conv size(1), keras conv shape[−2]) or out/g (transposed) channels per group.
 */
export function kernelAxes(ctx: KernelContext): KernelAxes {
  const s = ctx.shape;
  const g = ctx.groups;
  if (s.length === 1) return { inChannels: s[0], outChannels: s[0], groups: 1, receptiveField: 1 };
  if (s.length === 2) {
    return ctx.layout === "torch"
      ? { inChannels: s[1], outChannels: s[0], groups: 1, receptiveField: 1 }
      : { inChannels: s[0], outChannels: s[1], groups: 1, receptiveField: 1 };
  }
  if (ctx.layout === "torch") {
    const rf = s.slice(2).reduce((a, b) => a * b, 1);
    return ctx.transposed
      ? { inChannels: s[0], outChannels: s[1] * g, groups: g, receptiveField: rf }
      : { inChannels: s[1] * g, outChannels: s[0], groups: g, receptiveField: rf };
  }
  const rf = s.slice(0, -2).reduce((a, b) => a * b, 1);
  const a = s[s.length - 2];
  const b = s[s.length - 1];
  if (ctx.depthwise) return { inChannels: a, outChannels: a * b, groups: a, receptiveField: rf };
  return ctx.transposed
    ? { inChannels: b, outChannels: a, groups: g, receptiveField: rf }
    : { inChannels: a * g, outChannels: b, groups: g, receptiveField: rf };
}
