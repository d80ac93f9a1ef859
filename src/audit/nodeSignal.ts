/** What a random batch looks like at one node of the real graph. */
export interface NodeSignal {
  name: string;
  op: string;
  /** index into the audit's layers, null when the node is not a layer's output or its activation */
  layer: number | null;
  shape: number[];
  mean: number;
  std: number;
  rms: number;
  zeroFraction: number;
  /** fraction with |φ′| < 0.05 for tanh/sigmoid outputs (|y| > 0.9747; y ∉ [0.0528, 0.9472]), else null */
  saturatedFraction: number | null;
  nonFinite: number;
  /** rms(out)/rms(in) for a layer's output node, and the mean-field prediction √(fan_in·E[w²] + E[b²]/E[x²]) */
  gain: number | null;
  predictedGain: number | null;
}

/** Saturation thresholds on an activation's output y where |φ′| < 0.05: tanh 1 − y² < 0.05; sigmoid y(1 − y) < 0.05. */
const TANH_SAT = Math.sqrt(0.95);
const SIGMOID_SAT = (1 - Math.sqrt(1 - 0.2)) / 2;

/**
 * Statistics of one node's output in float64: mean, population std, rms, the fraction exactly 0,
 * the saturated fraction for tanh/sigmoid outputs, and the count of non-finite values (left out
 * of the moments; a node with any is an event).
 */
export function nodeSignal(
  values: ArrayLike<number>,
  info: { name: string; op: string; layer: number | null; shape: number[] },
): NodeSignal {
  const n = values.length;
  let sum = 0;
  let sq = 0;
  let zeros = 0;
  let sat = 0;
  let bad = 0;
  const op = info.op;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      bad++;
      continue;
    }
    sum += v;
    sq += v * v;
    if (v === 0) zeros++;
    if (op === "Tanh" ? Math.abs(v) > TANH_SAT : op === "Sigmoid" ? v < SIGMOID_SAT || v > 1 - SIGMOID_SAT : false)
      sat++;
  }
  const count = n - bad;
  const mean = count > 0 ? sum / count : NaN;
  const ms = count > 0 ? sq / count : NaN;
  // a sum of squares that overflowed float64 is itself a finding: report it as Infinity
  const variance = Math.max(0, ms - mean * mean);
  return {
    ...info,
    mean,
    std: Number.isFinite(ms) ? Math.sqrt(variance) : ms,
    rms: Math.sqrt(ms),
    zeroFraction: n > 0 ? zeros / n : NaN,
    saturatedFraction: op === "Tanh" || op === "Sigmoid" ? (count > 0 ? sat / count : NaN) : null,
    nonFinite: bad,
    gain: null,
    predictedGain: null,
  };
}

/** The first node where each event happens (as an index into the nodes), and the layer it belongs to. */
export interface SignalEvents {
  valueNonFinite: number | null;
  allZero: number | null;
  exploding: number | null;
  vanishing: number | null;
}

/**
 * Factor of std growth (or shrinkage) from the input at which the signal is called exploding
 * (vanishing): 1000 — looser than propagate's verdict factor (10 over a plain stack), since a real
 * graph's nodes (softmax, pooling, embeddings) legitimately change the scale.
 */
export const EVENT_FACTOR = 1000;

/**
 * Events along the graph, in node order: the first node with a non-finite value, the first whose
 * values (two or more) are all exactly 0, and the first layer output (a node attributed to a
 * layer, with two or more values) whose std is more than 1000× (less than 1/1000 of) the input's
 * std — internal nodes such as a norm's per-sample mean are not the signal.
 */
export function signalEvents(nodes: readonly NodeSignal[], inputStd: number): SignalEvents {
  const ev: SignalEvents = { valueNonFinite: null, allZero: null, exploding: null, vanishing: null };
  for (const [i, s] of nodes.entries()) {
    if (ev.valueNonFinite === null && s.nonFinite > 0) ev.valueNonFinite = i;
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (size < 2) continue;
    if (ev.allZero === null && s.zeroFraction === 1) ev.allZero = i;
    if (s.layer === null) continue;
    if (ev.exploding === null && inputStd > 0 && s.std > EVENT_FACTOR * inputStd) ev.exploding = i;
    if (ev.vanishing === null && inputStd > 0 && s.zeroFraction < 1 && s.std < inputStd / EVENT_FACTOR)
      ev.vanishing = i;
  }
  return ev;
}
