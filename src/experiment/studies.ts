import type { Dataset, EpochRecord } from "../core/internal.js";
import { meanField, parseActivation, plainNetwork, propagate, teacher, train } from "../core/internal.js";
import type { ProgressListener } from "../core/internal.js";

export const STUDIES = ["seed", "he2015", "schoenholz2017", "selu2017", "transformer"] as const;
export type StudyName = (typeof STUDIES)[number];

export interface He2015Options {
  dataset: Dataset;
  depth?: number;
  width?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  onProgress?: ProgressListener;
}

/**
 * He, Zhang, Ren & Sun (2015), "Delving Deep into Rectifiers", §2.3/Fig. 3: a 30-layer plain ReLU
 * network trains with He init (Var = 2/fan_in) and stalls with Xavier/Glorot (Var = 2/(fan_in +
 * fan_out) = 1/n for square layers: the signal halves each layer, 2⁻³⁰ after 30). Same data,
 * seeds, optimizer (plain SGD) and schedule for both.
 */
export async function he2015(
  o: He2015Options,
): Promise<{ settings: Record<string, unknown>; runs: { init: string; history: EpochRecord[] }[] }> {
  const settings = {
    dataset: o.dataset.name,
    trainSize: o.dataset.yTrain.length,
    depth: o.depth ?? 30,
    width: o.width ?? 64,
    activation: "relu",
    optimizer: "sgd",
    lr: o.lr ?? 0.01,
    batchSize: o.batchSize ?? 32,
    epochs: o.epochs ?? 5,
    seed: o.seed ?? 0,
  };
  const runs = [];
  for (const init of ["he_normal", "glorot_normal"]) {
    const r = await train({
      dataset: o.dataset,
      depth: settings.depth,
      width: settings.width,
      activation: "relu",
      init,
      optimizer: "sgd",
      lr: settings.lr,
      batchSize: settings.batchSize,
      epochs: settings.epochs,
      seed: settings.seed,
      onProgress: o.onProgress,
    });
    runs.push({ init, history: r.history });
  }
  return { settings, runs };
}

/**
 * Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), "Deep Information Propagation", Fig. 5: for
 * tanh with σ_b² = 0.05, networks train only up to a depth ≈ 6ξ_c, and ξ_c diverges at the
 * critical σ_w² ≈ 1.76. For each σ_w² and depth: weights N(0, σ_w²/n), biases N(0, σ_b²), a short
 * SGD run on the teacher task; "trained" = test accuracy ≥ 0.5 (chance is 0.25), compared with
 * depth ≤ 6ξ_c.
 */
export async function schoenholz2017(
  o: {
    sigmaW2?: number[];
    depths?: number[];
    width?: number;
    trainSize?: number;
    epochs?: number;
    lr?: number;
    seed?: number;
    onProgress?: ProgressListener;
  } = {},
) {
  const sigmaW2 = o.sigmaW2 ?? [1.2, 1.76, 3, 4.5];
  const depths = o.depths ?? [6, 12, 24, 48];
  const width = o.width ?? 32;
  const sb2 = 0.05;
  const data = teacher(o.trainSize ?? 1000, 400, o.seed ?? 0);
  const cells: {
    sigmaW2: number;
    depth: number;
    xiC: number;
    predicted: boolean;
    testAccuracy: number;
    trained: boolean;
  }[] = [];
  let done = 0;
  for (const w of sigmaW2) {
    const xiC = meanField({ activation: parseActivation("tanh"), sigmaW2: w, sigmaB2: sb2 }).xiC;
    for (const depth of depths) {
      const r = await train({
        dataset: data,
        depth,
        width,
        activation: "tanh",
        init: `normal(std=${Math.sqrt(w / width)})`,
        biasInit: `normal(std=${Math.sqrt(sb2)})`,
        optimizer: "sgd",
        lr: o.lr ?? 0.05,
        batchSize: 32,
        epochs: o.epochs ?? 4,
        seed: o.seed ?? 0,
      });
      const acc = r.history[r.history.length - 1].testAccuracy;
      cells.push({ sigmaW2: w, depth, xiC, predicted: depth <= 6 * xiC, testAccuracy: acc, trained: acc >= 0.5 });
      o.onProgress?.({ step: "schoenholz2017", done: ++done, total: sigmaW2.length * depths.length });
    }
  }
  const agree = cells.filter((c) => c.trained === c.predicted).length / cells.length;
  return {
    settings: { activation: "tanh", sigmaB2: sb2, width, sigmaW2, depths, dataset: "teacher" },
    cells,
    agreement: agree,
  };
}

/**
 * Klambauer, Unterthiner, Mayr & Hochreiter (2017), "Self-Normalizing Neural Networks": SELU with
 * LeCun-normal weights keeps activations at mean 0, variance 1 through depth (the fixed point of
 * the mean/variance map), where ReLU with Glorot shrinks and tanh with Glorot fades. Measured over
 * 64 layers of width 256 beside the mean-field q*.
 */
export async function selu2017(o: { depth?: number; width?: number; seed?: number } = {}) {
  const depth = o.depth ?? 64;
  const width = o.width ?? 256;
  const configs = [
    { activation: "selu", init: "lecun_normal" },
    { activation: "relu", init: "glorot_normal" },
    { activation: "tanh", init: "glorot_normal" },
  ];
  const runs = [];
  for (const c of configs) {
    const r = await propagate({
      network: plainNetwork({ width, depth, ...c }),
      batch: 128,
      dtype: "float32",
      seed: o.seed ?? 0,
    });
    runs.push({ ...c, mean: r.layers.map((l) => l.post.mean), variance: r.layers.map((l) => l.post.std ** 2) });
  }
  const theory = meanField({ activation: parseActivation("selu"), sigmaW2: 1, sigmaB2: 0 });
  return { settings: { depth, width, batch: 128 }, runs, theory };
}
