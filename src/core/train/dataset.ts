import { rngStream } from "../random/Rng.js";
import { fillNormal } from "../random/normal.js";

/** A classification dataset: row-major inputs [N, d] and integer labels in [0, classes). */
export interface Dataset {
  name: string;
  inputDim: number;
  classes: number;
  xTrain: Float64Array;
  yTrain: Int32Array;
  xTest: Float64Array;
  yTest: Int32Array;
}

/**
 * K interleaved noisy spirals in 2-D (the classic CS231n toy problem): class k, point i of n:
 * r = i/n, θ = 4k + 4r + 0.2·ε with ε ~ N(0,1), x = (r·sin θ, r·cos θ), scaled to unit variance.
 * Drawn from stream (seed, "spirals", split).
 */
export function spirals(trainSize: number, testSize: number, seed: number, classes = 3): Dataset {
  const make = (n: number, split: string) => {
    const rng = rngStream(seed, "spirals", split);
    const per = Math.ceil(n / classes);
    const x = new Float64Array(n * 2);
    const y = new Int32Array(n);
    const noise = fillNormal(rng, new Float64Array(n)) as Float64Array;
    for (let i = 0; i < n; i++) {
      const k = i % classes;
      const r = (Math.floor(i / classes) + 0.5) / per;
      const t = 4 * k + 4 * r + 0.2 * noise[i];
      x[2 * i] = 2.2 * r * Math.sin(t);
      x[2 * i + 1] = 2.2 * r * Math.cos(t);
      y[i] = k;
    }
    return { x, y };
  };
  const tr = make(trainSize, "train");
  const te = make(testSize, "test");
  return { name: "spirals", inputDim: 2, classes, xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y };
}

/**
 * A teacher–student task: inputs x ~ N(0, I_d); labels = argmax of a fixed random teacher
 * network tanh(x·A)·B with A ~ N(0, 1/d) [d, h], B ~ N(0, 1/h) [h, classes], all from stream
 * (seed, "teacher", …). The student can represent the teacher exactly.
 */
export function teacher(
  trainSize: number,
  testSize: number,
  seed: number,
  inputDim = 20,
  hidden = 32,
  classes = 4,
): Dataset {
  const A = fillNormal(
    rngStream(seed, "teacher", "A"),
    new Float64Array(inputDim * hidden),
    0,
    1 / Math.sqrt(inputDim),
  ) as Float64Array;
  const B = fillNormal(
    rngStream(seed, "teacher", "B"),
    new Float64Array(hidden * classes),
    0,
    1 / Math.sqrt(hidden),
  ) as Float64Array;
  const make = (n: number, split: string) => {
    const x = fillNormal(rngStream(seed, "teacher", split), new Float64Array(n * inputDim)) as Float64Array;
    const y = new Int32Array(n);
    const h = new Float64Array(hidden);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < hidden; j++) {
        let s = 0;
        for (let k = 0; k < inputDim; k++) s += x[i * inputDim + k] * A[k * hidden + j];
        h[j] = Math.tanh(s);
      }
      let best = 0;
      let bestV = -Infinity;
      for (let c = 0; c < classes; c++) {
        let s = 0;
        for (let j = 0; j < hidden; j++) s += h[j] * B[j * classes + c];
        if (s > bestV) {
          bestV = s;
          best = c;
        }
      }
      y[i] = best;
    }
    return { x, y };
  };
  const tr = make(trainSize, "train");
  const te = make(testSize, "test");
  return { name: "teacher", inputDim, classes, xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y };
}

/**
 * Splits labelled examples (e.g. MNIST digits loaded by an adapter) into train and test sets by a
 * seeded shuffle (stream (seed, "split")), standardising inputs by the training set's global mean
 * and std.
 */
export function splitDataset(
  name: string,
  x: Float64Array,
  y: Int32Array,
  inputDim: number,
  classes: number,
  trainSize: number,
  testSize: number,
  seed: number,
): Dataset {
  const n = y.length;
  if (trainSize + testSize > n)
    throw new RangeError(`train-size: ${trainSize} + ${testSize} test examples exceed the ${n} available in ${name}`);
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = rngStream(seed, "split");
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.nextDouble() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const take = (from: number, count: number) => {
    const xs = new Float64Array(count * inputDim);
    const ys = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      xs.set(x.subarray(order[from + i] * inputDim, (order[from + i] + 1) * inputDim), i * inputDim);
      ys[i] = y[order[from + i]];
    }
    return { xs, ys };
  };
  const tr = take(0, trainSize);
  const te = take(trainSize, testSize);
  let m = 0;
  for (const v of tr.xs) m += v;
  m /= tr.xs.length;
  let v2 = 0;
  for (const v of tr.xs) v2 += (v - m) ** 2;
  const s = Math.sqrt(v2 / tr.xs.length) || 1;
  for (const arr of [tr.xs, te.xs]) for (let i = 0; i < arr.length; i++) arr[i] = (arr[i] - m) / s;
  return { name, inputDim, classes, xTrain: tr.xs, yTrain: tr.ys, xTest: te.xs, yTest: te.ys };
}
