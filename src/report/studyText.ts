import type { ChainResult, Dtype, SeedStudyResult } from "../core/internal.js";
import { eventSentences, formatFloat, SEED_FAN, SEED_WIDTH } from "../core/internal.js";

function row(index: number, mean: number, std: number, dtype: Dtype): string {
  return `(${index}, ${formatFloat(mean, dtype)}, ${formatFloat(std, dtype)})`;
}

/** The value events after the std's (overflow, all zero) in the one wording of {@link eventSentences}. */
function laterEvents(run: ChainResult): string {
  const e = run.events;
  const parts = eventSentences({
    stdNonFinite: null,
    valueNonFinite: e.valueNonFinite,
    stdZero: null,
    allZero: e.allZero,
  });
  if (parts.length === 0) return `no value became non-finite or all zero within ${run.depth} layers`;
  return parts.join("; ");
}

/** [1] N(0, 1) weights: the rows until the std is non-finite, and why. */
function explodingText(r: SeedStudyResult): string[] {
  const d = r.dtype;
  const out: string[] = [];
  const growth = Math.sqrt(SEED_WIDTH);
  out.push(
    `[1] exploding: x ~ N(0,1) [1,${SEED_WIDTH}]; x = x·W with W ~ N(0,1) [${SEED_WIDTH},${SEED_WIDTH}]; stop at the first non-finite std`,
  );
  for (const l of r.exploding.layers) out.push(row(l.index, l.mean, l.std, d));
  out.push(
    r.exploding.stoppedAt === null
      ? `→ the std stayed finite for all ${r.exploding.depth} layers in ${d}; ${laterEvents(r.exploding)}.`
      : `→ std becomes ${formatFloat(r.exploding.layers[r.exploding.layers.length - 1].std, d)} at layer ${r.exploding.stoppedAt}: each layer multiplies the std by ≈ √${SEED_WIDTH} ≈ ${growth.toFixed(1)}, and reduce_std's ${d} sum of squares overflows; ${laterEvents(r.exploding)}.`,
    "",
  );
  return out;
}

/** [2] 0.01-scaled weights and input: the rows until the std is exactly 0, and why. */
function vanishingText(r: SeedStudyResult): string[] {
  const d = r.dtype;
  const out: string[] = [];
  const growth = Math.sqrt(SEED_WIDTH);
  out.push(`[2] vanishing: x ~ N(0,1)·0.01, W ~ N(0,1)·0.01; stop when std == 0.0 exactly`);
  for (const l of r.vanishing.layers) out.push(row(l.index, l.mean, l.std, d));
  out.push(
    r.vanishing.stoppedAt === null
      ? `→ the std never reached exactly 0 within ${r.vanishing.depth} layers in ${d}.`
      : `→ std is exactly 0 at layer ${r.vanishing.stoppedAt}: each layer multiplies the std by ≈ 0.01·√${SEED_WIDTH} ≈ ${(0.01 * growth).toFixed(3)}, and the variance rounds to 0 below half the smallest ${d} subnormal; ${laterEvents(r.vanishing)}.`,
    "",
  );
  return out;
}

/** [3] and [4]: Var(out) = n_in·Var(in)·Var(w), unscaled and with std 1/√n. */
function varianceLawText(r: SeedStudyResult): string[] {
  const out: string[] = [];
  const law = r.varianceLaw;
  out.push(`[3] variance law: in ~ N(0,1) [1,${law.fanIn}], W ~ N(0,1) [${law.fanIn},${law.fanOut}], out = in·W`);
  out.push(`The mean is ${law.unscaled.mean}, and the standard deviation is ${law.unscaled.std}`);
  out.push(
    `→ Var(out) = n_in·Var(in)·Var(w) = ${law.fanIn}: std ≈ √${law.fanIn} = ${law.unscaled.predictedStd}; each output sums ${law.fanIn} products of unit-variance terms.`,
    "",
  );
  out.push(`[4] 1/√n fix: the same with W ~ N(0, (1/${Math.sqrt(law.fanIn)})²)`);
  out.push(`The mean is ${law.scaled.mean}, and the standard deviation is ${law.scaled.std}`);
  out.push(`→ scaling Var(w) by 1/n_in (LeCun) keeps the std ≈ ${law.scaled.predictedStd}.`, "");
  return out;
}

/** [6] Xavier's 100-layer forward pass, a row every 10 layers. */
function xavierText(r: SeedStudyResult): string[] {
  const d = r.dtype;
  const out: string[] = [];
  const x = r.xavierForward;
  out.push(
    `[6] Xavier forward: x ~ N(0,1) [1,${SEED_FAN}]; 100 layers of W ~ U(−b, b), b = √6/√(${SEED_FAN}+${SEED_FAN}) = ${formatFloat(x.bound, "float64")}`,
  );
  for (const l of x.layers)
    if (l.index % 10 === 0 || l.index === x.layers.length - 1) out.push(row(l.index, l.mean, l.std, d));
  const stds = x.layers.map((l) => l.std);
  out.push(
    `→ Glorot & Bengio (2010): Var(w) = 2/(n_in+n_out) keeps the std between ${formatFloat(Math.min(...stds), d)} and ${formatFloat(Math.max(...stds), d)} over ${x.layers.length} layers (a random walk in log std with per-layer sd ≈ 1/√(2·${SEED_FAN}) = ${(1 / Math.sqrt(2 * SEED_FAN)).toFixed(4)}).`,
    "",
  );
  return out;
}

/** [5] and [7]: the 5-layer linear net's loss and mean gradient per layer, first and last epoch. */
function gradientsText(r: SeedStudyResult): string[] {
  const d = r.dtype;
  const out: string[] = [];
  for (const [key, label, num] of [
    ["lecun", "1/√n (LeCun normal, std 1/25)", 5],
    ["xavier", "Xavier uniform", 7],
  ] as const) {
    const g = r.gradients[key];
    const last = g.meanGradient[g.epochs - 1];
    const first = g.meanGradient[0];
    out.push(
      `[${num}] gradients, ${label}: 5-layer linear net [${SEED_FAN},${SEED_FAN}], loss = mean((y − x·W1⋯W5)²), gradient descent lr ${g.learningRate}, ${g.epochs} epochs${g.feedOutputBack ? ", output fed back as input (the notebook's literal loop)" : ", fixed x and y"}`,
    );
    out.push(
      `epoch 0:   loss ${formatFloat(g.loss[0], d)}; mean gradient per layer ${first.map((v) => formatFloat(v, d)).join(", ")}`,
    );
    out.push(
      `epoch ${g.epochs - 1}: loss ${formatFloat(g.loss[g.epochs - 1], d)}; mean gradient per layer ${last.map((v) => formatFloat(v, d)).join(", ")}`,
    );
    const norms = g.gradientNorm[0];
    out.push(
      `→ every layer gets a gradient of the same order (‖∇W‖ at epoch 0: ${norms.map((v) => v.toPrecision(3)).join(", ")}), so all five layers learn; loss ${formatFloat(g.loss[0], d)} → ${formatFloat(g.loss[g.epochs - 1], d)}.`,
      "",
    );
  }
  return out;
}

/**
 * The seed study in the notebook's own printed form — `(i, mean, std)` rows, the variance-law
 * sentences, Xavier rows every 10 layers — plus one line per experiment saying what it shows.
 */
export function studyText(r: SeedStudyResult): string {
  return [
    `initlab seed study — seed ${r.seed}, dtype ${r.dtype} (every array, matmul and reduction in ${r.dtype})`,
    "",
    ...explodingText(r),
    ...vanishingText(r),
    ...varianceLawText(r),
    ...xavierText(r),
    ...gradientsText(r),
  ].join("\n");
}
