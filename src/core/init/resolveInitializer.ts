import type { Built, InitializerDef } from "./catalog.js";
import { INITIALIZERS } from "./catalog.js";
import type { DistributionKind, InitDistribution } from "./distribution.js";
import { distributionMoments } from "./distribution.js";
import type { Fans } from "./fans.js";
import { fanQuirks, frameworkFans, initlabFans } from "./fans.js";
import type { InitSpec } from "./initSpec.js";
import { formatInitSpec, parseInitSpec } from "./initSpec.js";
import type { Framework, KernelContext, Layout } from "./kernel.js";
import { frameworkLayout, kernelContext } from "./kernel.js";
import type { ParamValues } from "./params.js";
import { bindParams } from "./params.js";

/** Where and how to resolve an initializer: the kernel's shape, and either a framework preset or a layout. */
export interface ResolveOptions {
  shape: readonly number[];
  /** a framework preset (its layout, fans, defaults and quirks); null or absent = initlab's own semantics */
  framework?: Framework | null;
  /** default: the framework's layout, else keras ([in, out], [k…, in, out]) */
  layout?: Layout;
  groups?: number;
  transposed?: boolean;
  depthwise?: boolean;
}

/** An initializer fully resolved for one kernel: what it draws, with which fans, and its analytic moments. */
export interface ResolvedInitializer {
  /** canonical name */
  initializer: string;
  /** canonical spec, parameters filled in */
  spec: string;
  framework: Framework | null;
  /** the framework's own name for it, e.g. "nn.init.kaiming_uniform_" */
  frameworkName: string | null;
  ctx: KernelContext;
  fanIn: number;
  fanOut: number;
  fanRule: string;
  distribution: DistributionKind;
  params: InitDistribution;
  mean: number;
  /** analytic variance of the values this produces */
  variance: number;
  /** the variance the scheme intends, where the produced one differs (quirks), else null */
  targetVariance: number | null;
  /** the bound of a uniform distribution (symmetric: high), else null */
  bound: number | null;
  quirks: string[];
  bias: Built["bias"] | null;
  /** how a framework spelling was read (its own name, the framework it implies, its seed), else null */
  reading: { native: string; implied: Framework; seed: number | null } | null;
}

const BY_NAME = new Map<string, InitializerDef>();
for (const def of INITIALIZERS) for (const n of [def.name, ...def.aliases]) BY_NAME.set(n, def);

/** Looks up a catalog entry by name or alias. @throws a one-line error listing the valid names. */
export function findInitializer(name: string): InitializerDef {
  const def = BY_NAME.get(name.toLowerCase());
  if (!def)
    throw new RangeError(
      `init: unknown initializer ${JSON.stringify(name)}; valid: ${INITIALIZERS.map((d) => d.name).join(", ")} (aliases: ${INITIALIZERS.flatMap((d) => d.aliases).join(", ")})`,
    );
  return def;
}

function bind(def: InitializerDef, spec: InitSpec, framework: Framework | null): ParamValues {
  if (framework === null) return bindParams(spec, def.params, def.name);
  const variant = def.frameworks[framework];
  if (!variant) {
    const has = INITIALIZERS.filter((d) => d.frameworks[framework]).map((d) => d.name);
    throw new RangeError(`${def.name}: not in ${framework}; ${framework} has: ${has.join(", ")}`);
  }
  const own = bindParams(spec, variant.params ?? def.params, `${def.name} (${framework})`);
  const out: ParamValues = {};
  for (const [key, pd] of Object.entries(def.params)) out[key] = key in own ? own[key] : pd.default;
  return out;
}

function shownParams(def: InitializerDef, framework: Framework | null): object {
  return framework === null ? def.params : (def.frameworks[framework]?.params ?? def.params);
}

/**
 * Resolves an initializer spec for one kernel: parses the spec, binds its parameters (the
 * framework's defaults under a preset), computes the fans (the framework's rule under a preset,
 * initlab's otherwise), builds the distribution and its analytic moments, and collects the quirks —
 * including where the framework's fans differ from initlab's, in which case `targetVariance` is
 * the variance the same scheme gives with initlab's fans.
 * @throws one-line errors for bad specs, parameters, shapes or combinations.
 */
export function resolveInitializer(specText: string | InitSpec, options: ResolveOptions): ResolvedInitializer {
  const spec = typeof specText === "string" ? parseInitSpec(specText) : specText;
  const def = findInitializer(spec.name);
  // a framework spelling implies its framework unless the options name one
  const framework = options.framework ?? spec.framework ?? null;
  if (framework !== null && options.layout !== undefined && options.layout !== frameworkLayout(framework)) {
    throw new RangeError(
      `layout: ${framework} stores kernels in ${frameworkLayout(framework)} layout; drop --layout or pass ${frameworkLayout(framework)}`,
    );
  }
  const layout = options.layout ?? (framework ? frameworkLayout(framework) : "keras");
  const ctx = kernelContext(options.shape, {
    layout,
    groups: options.groups,
    transposed: options.transposed,
    depthwise: options.depthwise,
  });
  const p = bind(def, spec, framework);
  const ours = initlabFans(ctx);
  const fans: Fans = framework === null ? ours : frameworkFans(framework, ctx);
  const built = def.build(p, { ctx, fans, framework });
  const quirks = [...(built.quirks ?? [])];
  let targetVariance = built.targetVariance ?? null;
  if (framework !== null) {
    const fq = fanQuirks(framework, ctx, fans, ours);
    if (fq.length > 0) {
      quirks.unshift(...fq);
      const intended = def.build(p, { ctx, fans: ours, framework });
      const iv = distributionMoments(intended.distribution, ctx).variance;
      const target = intended.targetVariance ?? iv;
      const got = distributionMoments(built.distribution, ctx).variance;
      if (Math.abs(target - got) > 1e-12 * Math.max(target, got)) targetVariance = target;
    }
  }
  const m = distributionMoments(built.distribution, ctx);
  const d = built.distribution;
  return {
    initializer: def.name,
    // the parameters this framework's version takes (keras HeNormal has none to show)
    spec: formatInitSpec({
      name: def.name,
      params: Object.fromEntries(
        Object.entries(p).filter(([k, v]) => v !== null && k in shownParams(def, framework)),
      ) as Record<string, number | string>,
    }),
    framework,
    frameworkName: framework ? (def.frameworks[framework]?.name ?? null) : null,
    ctx,
    fanIn: fans.fanIn,
    fanOut: fans.fanOut,
    fanRule: fans.rule,
    distribution: d.kind,
    params: d,
    mean: m.mean,
    variance: m.variance,
    targetVariance,
    bound: d.kind === "uniform" ? Math.max(Math.abs(d.low), Math.abs(d.high)) : null,
    quirks,
    bias: built.bias ?? null,
    reading:
      spec.native && spec.framework ? { native: spec.native, implied: spec.framework, seed: spec.seed ?? null } : null,
  };
}
