import type { Backend } from "../engine/backend.js";
import { referenceBackend } from "../engine/backend.js";
import type { BuiltNetwork } from "../engine/buildNetwork.js";
import { buildNetwork } from "../engine/buildNetwork.js";
import { activationBackward, linearBackward } from "../engine/denseBackward.js";
import type { DenseForward } from "../engine/denseForward.js";
import { denseForward } from "../engine/denseForward.js";
import type { Framework } from "../init/kernel.js";
import type { Dtype } from "../numeric/dtype.js";
import { rngStream } from "../random/Rng.js";
import type { ProgressListener } from "../study/progress.js";
import type { Dataset } from "./dataset.js";

export interface TrainOptions {
  dataset: Dataset;
  depth: number;
  width: number;
  activation: string;
  init: string;
  /** bias initializer spec; default zeros */
  biasInit?: string | null;
  framework?: Framework | null;
  optimizer: "sgd" | "momentum" | "adam";
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** default float64 (the reference backend's fast exact path) */
  dtype?: Dtype;
  backend?: Backend;
  onProgress?: ProgressListener;
}

export interface EpochRecord {
  /** 0 = before training */
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** ‖∂L/∂W_l‖ per layer on a fixed probe batch (the first ≤ 256 training examples) */
  gradNorms: number[];
}

export interface TrainResult {
  dtype: Dtype;
  history: EpochRecord[];
}

/** The trainable state: the network (its weights and biases trained in place, float64), the optimizer's moments, and the step count. */
interface TrainState {
  net: BuiltNetwork;
  backend: Backend;
  dtype: Dtype;
  classes: number;
  m1: Float64Array[];
  m2: Float64Array[];
  mb1: Float64Array[];
  mb2: Float64Array[];
  step: number;
}

/** One pass's outcome: mean loss, correct predictions, and the gradients when asked for. */
interface PassResult {
  loss: number;
  correct: number;
  gW: Float64Array[];
  gb: Float64Array[];
}

/** What the forward pass keeps: each layer's input and its {@link denseForward} result; the logits are the last layer's pre. */
interface TrainTape {
  inputs: Float64Array[];
  layers: DenseForward[];
  logits: Float64Array;
}

/** The engine's forward pass ({@link denseForward}) layer by layer; the last layer is linear (its pre are the logits). */
async function trainForward(
  st: TrainState,
  x: Float64Array,
  n: number,
  backend: Backend,
  dtype: Dtype,
): Promise<TrainTape> {
  const tape: TrainTape = { inputs: [], layers: [], logits: x };
  let a = x;
  for (let l = 0; l < st.net.layers.length; l++) {
    tape.inputs.push(a);
    const f = await denseForward(st.net, l, a, n, dtype, dtype, backend, false);
    tape.layers.push(f);
    a = f.post;
    tape.logits = f.pre;
  }
  return tape;
}

/** Mean softmax cross-entropy of logits against labels, the correct count, and ∂L/∂logits (numerically stable: max subtracted). */
function softmaxCrossEntropy(
  a: Float64Array,
  y: Int32Array,
  n: number,
  k: number,
): { loss: number; correct: number; g: Float64Array } {
  const g = new Float64Array(n * k);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < k; c++) if (a[i * k + c] > max) [max, arg] = [a[i * k + c], c];
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(a[i * k + c] - max);
    loss += Math.log(sum) + max - a[i * k + y[i]];
    if (arg === y[i]) correct++;
    for (let c = 0; c < k; c++) g[i * k + c] = (Math.exp(a[i * k + c] - max) / sum - (c === y[i] ? 1 : 0)) / n;
  }
  return { loss: loss / n, correct, g };
}

/** Σ over the rows of an [n, cols] matrix: ∂L/∂b = Σ_rows ∂L/∂pre. */
function columnSums(m: Float64Array, n: number, cols: number): Float64Array {
  const s = new Float64Array(cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) s[j] += m[i * cols + j];
  return s;
}

/**
 * The engine's backward pass from ∂L/∂logits: per layer {@link linearBackward} (∂L/∂W_l = a_{l−1}ᵀ·δ_l,
 * ∂L/∂a_{l−1} = δ_l·W_lᵀ), ∂L/∂b_l = Σ_rows δ_l, and δ_{l−1} = ∂L/∂a_{l−1} ⊙ φ'(pre_{l−1})
 * ({@link activationBackward}).
 */
async function trainBackward(
  st: TrainState,
  tape: TrainTape,
  g: Float64Array,
  n: number,
  backend: Backend,
  dtype: Dtype,
): Promise<{ gW: Float64Array[]; gb: Float64Array[] }> {
  const L = st.net.layers.length;
  const gW: Float64Array[] = new Array(L);
  const gb: Float64Array[] = new Array(L);
  let gPre: Float64Array = g;
  for (let l = L - 1; l >= 0; l--) {
    const step = await linearBackward(st.net, l, tape.inputs[l], gPre, n, dtype, dtype, backend, l > 0);
    gW[l] = step.gW;
    gb[l] = columnSums(gPre, n, st.net.layers[l].nOut);
    if (step.gA) gPre = activationBackward(st.net, l - 1, tape.layers[l - 1], step.gA, n, dtype);
  }
  return { gW, gb };
}

/** One optimizer step on a parameter array: sgd, momentum (v ← 0.9v + g) or adam (bias-corrected moments, ε 1e−8). */
function optimizerStep(
  o: TrainOptions,
  step: number,
  p: Float64Array,
  g: Float64Array,
  v: Float64Array,
  s: Float64Array,
): void {
  if (o.optimizer === "sgd") {
    for (let i = 0; i < p.length; i++) p[i] -= o.lr * g[i];
  } else if (o.optimizer === "momentum") {
    for (let i = 0; i < p.length; i++) {
      v[i] = 0.9 * v[i] + g[i];
      p[i] -= o.lr * v[i];
    }
  } else {
    const c1 = 1 - 0.9 ** step;
    const c2 = 1 - 0.999 ** step;
    for (let i = 0; i < p.length; i++) {
      v[i] = 0.9 * v[i] + 0.1 * g[i];
      s[i] = 0.999 * s[i] + 0.001 * g[i] * g[i];
      p[i] -= (o.lr * (v[i] / c1)) / (Math.sqrt(s[i] / c2) + 1e-8);
    }
  }
}

/** A seeded Fisher–Yates shuffle of 0…N−1 for one epoch (stream (seed, "shuffle", epoch)). */
function shuffledOrder(seed: number, epoch: number, N: number): number[] {
  const order = Array.from({ length: N }, (_, i) => i);
  const rng = rngStream(seed, "shuffle", epoch);
  for (let i = N - 1; i > 0; i--) {
    const j = Math.floor(rng.nextDouble() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Trains an MLP classifier — depth hidden layers of `width` with φ, then a linear layer to the
 * classes; biases from `biasInit` (zero by default) — by minibatch gradient descent on the mean softmax cross-entropy.
 * Weights come from the engine's {@link buildNetwork} (same streams as `propagate`), minibatches
 * from a seeded shuffle (stream (seed, "shuffle", epoch)). Optimizers: sgd (W ← W − lr·g),
 * momentum (v ← 0.9v + g, W ← W − lr·v; Sutskever et al. 2013), adam (β₁ 0.9, β₂ 0.999, ε 1e−8;
 * Kingma & Ba 2015). Non-finite losses are recorded, not thrown.
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const st = initialState(o);
  const history: EpochRecord[] = [await epochRecord(st, o.dataset, 0)];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    await trainEpoch(st, o, epoch);
    history.push(await epochRecord(st, o.dataset, epoch));
    o.onProgress?.({ step: "train", done: epoch, total: o.epochs });
  }
  return { dtype: st.dtype, history };
}

/** The network from {@link buildNetwork} (weights and biases trained in place in its float64 storage; a missing bias starts at zero) and zero optimizer moments. */
function initialState(o: TrainOptions): TrainState {
  const d = o.dataset;
  const dtype = o.dtype ?? "float64";
  const net = buildNetwork(
    {
      inputWidth: d.inputDim,
      widths: [...new Array(o.depth).fill(o.width), d.classes],
      init: o.init,
      biasInit: o.biasInit ?? null,
      activation: o.activation,
      residual: null,
      norm: null,
      framework: o.framework ?? null,
    },
    o.seed,
    dtype,
  );
  for (const layer of net.layers) layer.bias ??= new Float64Array(layer.nOut);
  const zeros = (a: { length: number }) => new Float64Array(a.length);
  return {
    net,
    backend: o.backend ?? referenceBackend,
    dtype,
    classes: d.classes,
    m1: net.layers.map((l) => zeros(l.weights)),
    m2: net.layers.map((l) => zeros(l.weights)),
    mb1: net.layers.map((l) => zeros(l.bias as Float64Array)),
    mb2: net.layers.map((l) => zeros(l.bias as Float64Array)),
    step: 0,
  };
}

/** Forward, loss and (with `wantGrad`) backward on n examples. */
async function pass(st: TrainState, x: Float64Array, y: Int32Array, n: number, wantGrad: boolean): Promise<PassResult> {
  const tape = await trainForward(st, x, n, st.backend, st.dtype);
  const ce = softmaxCrossEntropy(tape.logits, y, n, st.classes);
  if (!wantGrad) return { loss: ce.loss, correct: ce.correct, gW: [], gb: [] };
  return { loss: ce.loss, correct: ce.correct, ...(await trainBackward(st, tape, ce.g, n, st.backend, st.dtype)) };
}

/** Mean loss and accuracy over a whole split, in chunks of 512 examples. */
async function evaluate(st: TrainState, x: Float64Array, y: Int32Array, inputDim: number) {
  const n = y.length;
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < n; s += 512) {
    const e = Math.min(n, s + 512);
    const r = await pass(st, x.subarray(s * inputDim, e * inputDim), y.subarray(s, e), e - s, false);
    loss += r.loss * (e - s);
    correct += r.correct;
  }
  return { loss: loss / n, accuracy: correct / n };
}

/** An epoch's record: loss and accuracy on both splits, ‖∂L/∂W_l‖ on the probe batch (the first ≤ 256 training examples). */
async function epochRecord(st: TrainState, d: Dataset, epoch: number): Promise<EpochRecord> {
  const tr = await evaluate(st, d.xTrain, d.yTrain, d.inputDim);
  const te = await evaluate(st, d.xTest, d.yTest, d.inputDim);
  const probeN = Math.min(256, d.yTrain.length);
  const probe = await pass(st, d.xTrain.subarray(0, probeN * d.inputDim), d.yTrain.subarray(0, probeN), probeN, true);
  const gradNorms = probe.gW.map((g) => Math.sqrt(g.reduce((s, v) => s + v * v, 0)));
  return {
    epoch,
    trainLoss: tr.loss,
    trainAccuracy: tr.accuracy,
    testLoss: te.loss,
    testAccuracy: te.accuracy,
    gradNorms,
  };
}

/** One epoch: minibatches of the seeded shuffle, each a pass with gradients and an optimizer step on every weight and bias. */
async function trainEpoch(st: TrainState, o: TrainOptions, epoch: number): Promise<void> {
  const d = o.dataset;
  const N = d.yTrain.length;
  const xb = new Float64Array(o.batchSize * d.inputDim);
  const yb = new Int32Array(o.batchSize);
  const order = shuffledOrder(o.seed, epoch, N);
  for (let s = 0; s < N; s += o.batchSize) {
    const n = Math.min(o.batchSize, N - s);
    for (let i = 0; i < n; i++) {
      xb.set(d.xTrain.subarray(order[s + i] * d.inputDim, (order[s + i] + 1) * d.inputDim), i * d.inputDim);
      yb[i] = d.yTrain[order[s + i]];
    }
    const r = await pass(st, xb.subarray(0, n * d.inputDim), yb.subarray(0, n), n, true);
    st.step++;
    st.net.layers.forEach((layer, l) => {
      optimizerStep(o, st.step, layer.weights as Float64Array, r.gW[l], st.m1[l], st.m2[l]);
      optimizerStep(o, st.step, layer.bias as Float64Array, r.gb[l], st.mb1[l], st.mb2[l]);
    });
  }
}
