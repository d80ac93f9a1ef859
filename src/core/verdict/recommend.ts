import { parseActivation } from "../engine/activations.js";
import { exactBackend } from "../engine/exactBackend.js";
import type { NetworkSpec } from "../engine/networkSpec.js";
import type { PropagateResult } from "../engine/propagate.js";
import { runNetwork } from "../engine/propagate.js";
import { buildNetwork } from "../engine/buildNetwork.js";
import type { DrawCache } from "../init/standardDraws.js";
import { gaussianExpectation } from "../theory/gaussian.js";
import { brentRoot } from "../math/brent.js";
import { secondMomentGain } from "../init/gain.js";
import type { Framework } from "../init/kernel.js";
import { resolveInitializer } from "../init/resolveInitializer.js";
import type { Dtype } from "../numeric/dtype.js";
import { defaultAccumulate } from "../numeric/dtype.js";
import { networkWeightCount } from "../engine/networkSpec.js";
import type { ProgressListener } from "../study/progress.js";
import { formatStat } from "../text/formatStat.js";
import type { InitSnippets } from "../text/initSnippets.js";
import { initSnippets } from "../text/initSnippets.js";
import { criticalSigmaW2 } from "../theory/meanField.js";
import { hiddenMeanField, networkTheory } from "../theory/networkTheory.js";
import type { Verdict } from "./signalVerdicts.js";
import { bandVerdicts } from "./seedBands.js";
import { propagationProfile, signalVerdicts } from "./signalVerdicts.js";

/** A scheme to try: a spec under a framework's semantics (null: initlab's), and where it comes from. */
export interface Candidate {
  spec: string;
  framework: Framework | null;
  origin: "catalog" | "framework default" | "derived";
}

/** The catalog's schemes every dense network can use, in initlab's semantics. */
export const CATALOG_CANDIDATES = [
  "he_normal",
  "he_uniform",
  "lecun_normal",
  "lecun_uniform",
  "glorot_normal",
  "glorot_uniform",
  "orthogonal",
] as const;

/** A last/first ratio's spread over seeds. */
export interface RatioBand {
  mean: number;
  min: number;
  max: number;
}

/** One scheme's measured health, its theory and its snippets. */
export interface RankedScheme extends Candidate {
  /** verdicts over the seeds (see {@link bandVerdicts}) */
  verdicts: Verdict[];
  /** mean over seeds of |ln(std_last/std_first)| + |ln(‖∂L/∂a‖_first/‖∂L/∂a‖_last)| (0 = perfectly flat; ∞ when a value is not finite) */
  score: number;
  /** seeds whose last-layer std is within 2× of the first layer's and whose every verdict is stable */
  healthySeeds: number;
  /** std of the last layer over that of the first */
  stdRatio: RatioBand;
  /** ‖∂L/∂a‖ at the first layer over that at the last */
  gradRatio: RatioBand;
  /** σ_w² = fan_in·E[w²] of a hidden layer, and the mean-field χ₁ there */
  sigmaW2: number;
  chi1: number;
  /** the ranking's reason in one line */
  why: string;
  /** code for each framework drawing a hidden layer's distribution, or null when it has no common spelling */
  snippets: InitSnippets | null;
}

export interface RecommendOptions {
  /** the network, its init ignored (each candidate's is used) */
  network: NetworkSpec;
  seeds: readonly number[];
  batch: number;
  /** default float32; every run on the exact backend ({@link exactBackend}) */
  dtype?: Dtype;
  /** where each seed's runs happen (e.g. a worker pool); default {@link runSeedTask} in this thread, seeds in turn */
  runSeed?: SeedRunner;
  onProgress?: ProgressListener;
}

export interface Recommendation {
  ranked: RankedScheme[];
  /** true when no catalog scheme kept every seed healthy and derived schemes were added */
  derived: boolean;
  /** what was derived and why, or null */
  note: string | null;
}

/** The frameworks whose layer defaults stand for "default" when no framework is named: the two most used. */
export const DEFAULT_FRAMEWORKS = ["torch", "keras"] as const satisfies readonly Framework[];

/** The candidates for a network: the catalog's schemes, and the framework's default (torch's and keras's when none is named). */
export function recommendCandidates(framework: Framework | null): Candidate[] {
  const catalog: Candidate[] = CATALOG_CANDIDATES.map((spec) => ({ spec, framework, origin: "catalog" }));
  const defaults: Framework[] = framework === null ? [...DEFAULT_FRAMEWORKS] : framework === "jax" ? [] : [framework];
  return [
    ...catalog,
    ...defaults.map((fw) => ({ spec: "default", framework: fw, origin: "framework default" as const })),
  ];
}

/** Var(w) = s/fan_in from a normal, as a spec (scale to 6 significant digits unless `exact`). */
const varianceScaling = (s: number, exact = false) =>
  `variance_scaling(scale=${exact ? s : Number(s.toPrecision(6))},mode=fan_in,distribution=untruncated_normal)`;

/**
 * The σ_w² at which the mean-field prediction of the post-activation std is the same at the last
 * layer as at the first, over this network's depth (x ~ N(0, 1), no bias): the root of
 * ln(std_L/std_1)(σ_w²) by Brent's method on [0.05, 20], each std √(E[φ(u)²] − E[φ(u)]²) at the
 * layer's q from {@link networkTheory}. Null where the theory does not apply or no root is bracketed.
 */
export function depthMatchedSigmaW2(network: NetworkSpec): number | null {
  const phi = parseActivation(network.activation);
  const logRatio = (s: number): number => {
    const spec = {
      ...withInit(network, { spec: varianceScaling(s, true), framework: null, origin: "derived" }),
      biasInit: null,
    };
    const t = networkTheory(spec, 1);
    if (t.unsupported !== null) return Number.NaN;
    const std = (q: number) => {
      const m = gaussianExpectation(phi.f, q, phi.kinks);
      return Math.sqrt(Math.max(0, gaussianExpectation((u) => phi.f(u) ** 2, q, phi.kinks) - m * m));
    };
    return Math.log(std(t.q[t.q.length - 1]) / std(t.q[0]));
  };
  const [lo, hi] = [0.05, 20];
  const fl = logRatio(lo);
  const fh = logRatio(hi);
  if (!(Number.isFinite(fl) && Number.isFinite(fh) && fl < 0 && fh > 0)) return null;
  return brentRoot(logRatio, lo, hi, 1e-9);
}

/**
 * Schemes derived from the activation when the catalog fails: Var(w) = g²/fan_in with the
 * second-moment gain g = 1/√E[φ(z)²] (q = 1 a fixed point of the length map); the critical σ_w²
 * (χ₁ = 1 at σ_b² = 0) where one exists; and the depth-matched σ_w² ({@link depthMatchedSigmaW2}).
 */
export function derivedCandidates(network: NetworkSpec): { candidates: Candidate[]; note: string } {
  const g = secondMomentGain(network.activation);
  const out: Candidate[] = [{ spec: varianceScaling(g * g), framework: null, origin: "derived" }];
  const parts = [`Var(w) = g²/fan_in with g = 1/√E[φ(z)²] = ${formatStat(g, 5)} (keeps q = 1)`];
  const crit = criticalSigmaW2(parseActivation(network.activation), 0);
  if (crit.kind === "critical" && Number.isFinite(crit.sigmaW2) && Math.abs(crit.sigmaW2 - g * g) > 1e-3 * g * g) {
    out.push({ spec: varianceScaling(crit.sigmaW2), framework: null, origin: "derived" });
    parts.push(`σ_w² = ${formatStat(crit.sigmaW2, 5)}, the critical point χ₁ = 1 at σ_b² = 0`);
  }
  const matched = depthMatchedSigmaW2(network);
  if (matched !== null && out.every((c) => c.spec !== varianceScaling(matched))) {
    out.push({ spec: varianceScaling(matched), framework: null, origin: "derived" });
    parts.push(
      `σ_w² = ${formatStat(matched, 5)}, where the mean field keeps the last layer's std equal to the first's over ${network.widths.length} layers`,
    );
  }
  return { candidates: out, note: `derived: ${parts.join("; ")}` };
}

/** last/first of a per-layer series, per run. */
const ratios = (runs: readonly PropagateResult[], pick: (r: PropagateResult) => number[]) =>
  runs.map((r) => {
    const v = pick(r);
    return v[v.length - 1] / v[0];
  });

const band = (xs: number[]): RatioBand => ({
  mean: xs.reduce((s, x) => s + x, 0) / xs.length,
  min: Math.min(...xs),
  max: Math.max(...xs),
});

/** The network a candidate initializes. */
const withInit = (base: NetworkSpec, c: Candidate): NetworkSpec => ({ ...base, init: c.spec, framework: c.framework });

/** One seed's work: every candidate's network run forward and backward at that seed. */
export interface SeedTask {
  network: NetworkSpec;
  candidates: Candidate[];
  seed: number;
  batch: number;
  dtype: Dtype;
}

/** Runs a {@link SeedTask} (in this thread, or elsewhere: every run depends only on the task). */
export type SeedRunner = (task: SeedTask) => Promise<PropagateResult[]>;

/**
 * Every candidate's run at one seed: the candidates share the seed's standard draws (a normal or
 * uniform init of another scale is an affine pass over them, bit-identical to drawing anew; see
 * buildNetwork), so the seed draws each family once.
 */
export async function runSeedTask(task: SeedTask): Promise<PropagateResult[]> {
  const draws: DrawCache = new Map();
  const runs: PropagateResult[] = [];
  for (const c of task.candidates) {
    const network = withInit(task.network, c);
    const net = buildNetwork(network, task.seed, task.dtype, { draws });
    // a fresh backend a run: it holds a copy of the weights it multiplies by
    const backend = exactBackend(defaultAccumulate(task.dtype), networkWeightCount(network));
    const { seed, batch, dtype } = task;
    runs.push(await runNetwork(net, { network, batch, seed, dtype, backend, backward: true, stats: "basic" }));
  }
  return runs;
}

/** Every candidate's runs over the seeds (indexed [candidate][seed]), the seeds run by `o.runSeed` (default: here, one after another). */
async function runCandidates(
  candidates: readonly Candidate[],
  o: RecommendOptions,
  done: () => void,
): Promise<PropagateResult[][]> {
  const task = (seed: number): SeedTask => ({
    network: o.network,
    candidates: [...candidates],
    seed,
    batch: o.batch,
    dtype: o.dtype ?? "float32",
  });
  const ticks = (r: PropagateResult[]) => {
    for (let i = 0; i < r.length; i++) done();
    return r;
  };
  let perSeed: PropagateResult[][];
  if (o.runSeed) {
    const run = o.runSeed;
    perSeed = await Promise.all(o.seeds.map(async (seed) => ticks(await run(task(seed)))));
  } else {
    // one seed at a time: each holds its standard draws while it runs
    perSeed = [];
    for (const seed of o.seeds) perSeed.push(ticks(await runSeedTask(task(seed))));
  }
  return candidates.map((_, i) => perSeed.map((runs) => runs[i]));
}

/** Judges one candidate from its runs over the seeds. */
function judge(c: Candidate, o: RecommendOptions, runs: PropagateResult[]): RankedScheme {
  const network = withInit(o.network, c);
  const theory = networkTheory(network, 1);
  const mf = hiddenMeanField(network, theory);
  const verdicts = bandVerdicts(runs, mf);
  const std = ratios(runs, (r) => r.layers.map((l) => (l.block ?? l.post).std));
  // toward the input: first over last
  const grad = ratios(runs, (r) => r.layers.map((l) => l.grad?.activationNorm ?? Number.NaN)).map((x) => 1 / x);
  const perSeed = std.map((s, i) => Math.abs(Math.log(s)) + Math.abs(Math.log(grad[i])));
  const score = perSeed.every(Number.isFinite) ? perSeed.reduce((a, b) => a + b, 0) / perSeed.length : Infinity;
  const stable = runs.map((r) => signalVerdicts(propagationProfile(r), mf).every((v) => v.kind === "stable"));
  const healthySeeds = std.filter((s, i) => s >= 0.5 && s <= 2 && stable[i]).length;
  const hidden = Math.min(1, network.widths.length - 1);
  const fanIn = hidden === 0 ? network.inputWidth : network.widths[hidden - 1];
  const shape = c.framework === "torch" ? [network.widths[hidden], fanIn] : [fanIn, network.widths[hidden]];
  const resolved = resolveInitializer(c.spec, { shape, framework: c.framework });
  const sigmaW2 = theory.unsupported === null ? theory.sigmaW2[hidden] : resolved.fanIn * resolved.variance;
  const chi1 = mf?.chi1 ?? Number.NaN;
  const stdBand = band(std);
  const gradBand = band(grad);
  const phase = !Number.isFinite(chi1) ? "" : `, χ₁ = ${formatStat(chi1, 3)}`;
  const why =
    `std ×${formatStat(stdBand.mean, 3)} first → last layer (${formatStat(stdBand.min, 3)}–${formatStat(stdBand.max, 3)} over ${runs.length} seeds), ` +
    `‖∂L/∂a‖ ×${formatStat(gradBand.mean, 3)} output → input; healthy in ${healthySeeds} of ${runs.length} seeds; σ_w² = ${formatStat(sigmaW2, 4)}${phase}`;
  return {
    ...c,
    verdicts,
    score,
    healthySeeds,
    stdRatio: stdBand,
    gradRatio: gradBand,
    sigmaW2,
    chi1,
    why,
    snippets: initSnippets(resolved.params),
  };
}

/** Most healthy seeds first, then the flattest signal (lowest score). */
function byHealth(a: RankedScheme, b: RankedScheme): number {
  if (a.healthySeeds !== b.healthySeeds) return b.healthySeeds - a.healthySeeds;
  if (a.score === b.score) return 0;
  return a.score < b.score ? -1 : 1;
}

/**
 * Ranks initializers for a network by measured signal health over seeds: each candidate
 * ({@link recommendCandidates}) is propagated forward and backward (L = ½‖out‖²) once per seed
 * and judged by how many seeds keep the last layer's std within 2× of the first layer's with every
 * verdict stable, then by the mean |ln(std ratio)| + |ln(gradient ratio)|. When no catalog scheme
 * keeps every seed healthy, schemes derived from the activation ({@link derivedCandidates}) are
 * tried and ranked with them.
 */
export async function recommend(o: RecommendOptions): Promise<Recommendation> {
  if (o.seeds.length === 0) throw new RangeError("seeds: need at least one seed");
  const candidates = recommendCandidates(o.network.framework);
  let total = candidates.length * o.seeds.length;
  let done = 0;
  const tick = () => o.onProgress?.({ step: "recommend", done: ++done, total });
  const judged = async (cs: readonly Candidate[]) => {
    const runs = await runCandidates(cs, o, tick);
    return cs.map((c, i) => judge(c, o, runs[i]));
  };
  const ranked = (await judged(candidates)).sort(byHealth);
  if (ranked[0].healthySeeds === o.seeds.length) return { ranked, derived: false, note: null };
  // only now: finding a critical point can take seconds
  const derived = derivedCandidates(o.network);
  total += derived.candidates.length * o.seeds.length;
  ranked.push(...(await judged(derived.candidates)));
  ranked.sort(byHealth);
  return { ranked, derived: true, note: `no catalog scheme kept all ${o.seeds.length} seeds healthy; ${derived.note}` };
}
