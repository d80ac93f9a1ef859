import type { Verdict } from "../core/internal.js";
import type { NetworkSpec, PhaseDiagram, SeedStudyResult, TransformerResult } from "../core/internal.js";
import type { LabState } from "./labState.js";

/** Messages between the page and the lab's Web Worker. */
export type LabRequest =
  | { id: number; kind: "propagate"; state: LabState; backward: boolean }
  | { id: number; kind: "phase"; activation: string; sigmaW2: number[]; sigmaB2: number[] }
  | { id: number; kind: "study"; seed: number }
  | { id: number; kind: "transformer"; state: LabState }
  /** hands each worker one end of a channel: the network worker asks the other to draw half the layers */
  | { id: number; kind: "connect"; port: MessagePort };

/** A request as the page sends it (the id is added on the way): Omit distributed over the union's members. */
export type LabQuery = LabRequest extends infer R ? (R extends LabRequest ? Omit<R, "id"> : never) : never;

/** Over the workers' channel: draw these layers' standard draws (job ties the answers to the request). */
export interface DrawJob {
  job: number;
  spec: NetworkSpec;
  seed: number;
  layers: number[];
  /** arrays to recycle (transferred), one a layer where there is one of its size, else null */
  recycle: (Float64Array | null)[];
}

/** One layer's draws, transferred back ([cache key, draws], or null when its init has none). */
export interface DrawnLayer {
  job: number;
  layer: number;
  entry: [string, Float64Array] | null;
}

export interface LayerView {
  index: number;
  std: number;
  mean: number;
  q: number;
  gradWeightNorm: number | null;
  gradActivationNorm: number | null;
  /** log-magnitude histogram of the layer's outputs */
  logHist: { lowDecade: number; counts: number[]; zeros: number; nonFinite: number } | null;
  /** log-magnitude histogram of ∂L/∂(layer output), after a backward pass with full statistics */
  gradLogHist: { lowDecade: number; counts: number[]; zeros: number; nonFinite: number } | null;
}

export interface PropagateView {
  dtype: string;
  accumulate: string;
  layers: LayerView[];
  events: {
    stdNonFinite: number | null;
    valueNonFinite: number | null;
    stdZero: number | null;
    allZero: number | null;
  };
  theoryQ: number[] | null;
  theoryNote: string | null;
  sigmaW2: number | null;
  /** time in the worker: the whole request, the network run and the mean-field theory */
  computeMs: number;
  runMs: number;
  theoryMs: number;
  /** the weights: those of the previous run, rescaled from its cached standard draws, or drawn */
  weights: "reused" | "rescaled" | "drawn";
  /** the verdicts of `initlab propagate` (forward; backward after a backward pass) */
  verdicts: Verdict[];
}

export type LabResponse =
  | { id: number; kind: "propagate"; result: PropagateView }
  | { id: number; kind: "phase"; result: PhaseDiagram }
  | { id: number; kind: "study"; result: SeedStudyResult }
  | { id: number; kind: "transformer"; result: TransformerResult & { computeMs: number } }
  | { id: number; kind: "error"; message: string }
  /** sent before slow work (drawing weights), while the request is still running */
  | { id: number; kind: "progress"; message: string };

/** A request's final answer (everything but progress). */
export type LabAnswer = Exclude<LabResponse, { kind: "progress" }>;

/** The answer to a request of kind K: its result, or an error. */
export type AnswerTo<K extends LabQuery["kind"]> = Extract<LabAnswer, { kind: K | "error" }>;
