/** Progress of a long computation: `done` of `total` units of the named step. */
export interface Progress {
  step: string;
  done: number;
  total: number;
}

/** Receives {@link Progress} reports; core code never reads a clock, the caller decides what to show. */
export type ProgressListener = (progress: Progress) => void;
