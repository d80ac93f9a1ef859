import { initialize } from "../core/init/initialize.js";
import type { Framework } from "../core/init/kernel.js";
import { frameworkLayout } from "../core/init/kernel.js";
import { translateShape } from "../core/init/translateShape.js";
import { rngStream } from "../core/random/Rng.js";
import type { AuditModel } from "../model/modelTypes.js";
import { layerContext } from "./auditWeights.js";

/** One line of a re-initialization plan: layers whose name (or weight name) matches `pattern` get `spec`. */
export interface ReinitRule {
  pattern: string;
  spec: string;
}

/** A glob as a whole-string regular expression: `*` any run of characters, `?` one character, everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/**
 * Which spec each layer gets: with a single spec every dense/conv weight (not embedding tables);
 * with rules, the first rule whose glob matches the layer's name or its weight's name.
 * @returns layer index → spec
 */
export function planReinit(
  model: AuditModel,
  what: { spec: string } | { rules: readonly ReinitRule[] },
): Map<number, string> {
  const plan = new Map<number, string>();
  model.layers.forEach((l, i) => {
    if ("spec" in what) {
      if (!l.embedding) plan.set(i, what.spec);
      return;
    }
    const rule = what.rules.find((r) => globToRegExp(r.pattern).test(l.name) || globToRegExp(r.pattern).test(l.weight));
    if (rule) plan.set(i, rule.spec);
  });
  return plan;
}

/**
 * The permutation between a kernel's torch layout [A, B, k…] and keras layout [k…, B, A] (dense:
 * a transpose; conv [out, in/g, k…] ↔ [k…, in/g, out]; transposed [in, out/g, k…] ↔ [k…, out/g, in];
 * a depthwise [k…, in, mult] has the same memory order as [k…, 1, in·mult]).
 * @param from the layout `values` are in; `shape` is their shape in that layout
 */
export function permuteKernel(
  values: ArrayLike<number>,
  shape: readonly number[],
  from: "torch" | "keras",
): Float64Array {
  const out = new Float64Array(values.length);
  if (shape.length < 2) {
    out.set(Array.from(values));
    return out;
  }
  const d = shape.length;
  // torch dims: A = shape[0], B = shape[1], k = shape[2:]; keras dims: k = shape[:-2], B = shape[-2], A = shape[-1]
  const A = from === "torch" ? shape[0] : shape[d - 1];
  const B = from === "torch" ? shape[1] : shape[d - 2];
  const K = values.length / (A * B);
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) {
        const torchIndex = (a * B + b) * K + k;
        const kerasIndex = (k * B + b) * A + a;
        if (from === "torch") out[kerasIndex] = values[torchIndex];
        else out[torchIndex] = values[kerasIndex];
      }
    }
  }
  return out;
}

/**
 * Draws the new weights of a plan: each layer's spec resolved for the layer's real fans (initlab's
 * semantics) or, with `framework`, as that framework would for this layer (drawn in its layout
 * and permuted back to the file's). Layer i draws from the stream (seed, "reinit", i).
 * @returns weight tensor name → values in the file's layout
 */
export function drawReinit(
  model: AuditModel,
  plan: ReadonlyMap<number, string>,
  options: { seed: number; framework: Framework | null },
): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [i, spec] of plan) {
    const layer = model.layers[i];
    const t = model.tensors.get(layer.weight)!;
    const ctx = layerContext(layer, t.shape);
    const rng = rngStream(options.seed, "reinit", i);
    const target = options.framework ? frameworkLayout(options.framework) : ctx.layout;
    if (target === ctx.layout) {
      const v = initialize(
        spec,
        {
          shape: ctx.shape,
          layout: options.framework ? undefined : ctx.layout,
          framework: options.framework,
          groups: ctx.groups,
          transposed: ctx.transposed,
          depthwise: ctx.depthwise,
        },
        rng,
      );
      out.set(layer.weight, v.values);
    } else {
      const tr = translateShape(ctx, target);
      const v = initialize(
        spec,
        {
          shape: tr.shape,
          framework: options.framework,
          groups: tr.groups,
          transposed: ctx.transposed,
          depthwise: tr.depthwise,
        },
        rng,
      );
      out.set(layer.weight, permuteKernel(v.values, tr.shape, target));
    }
  }
  return out;
}
