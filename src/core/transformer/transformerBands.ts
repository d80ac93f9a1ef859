import { bandPoint } from "../verdict/seedBands.js";
import type { BandPoint } from "../verdict/seedBands.js";
import type { TransformerResult } from "./propagateTransformer.js";

/** Per-block bands over seeds of the signals a transformer run records. */
export interface TransformerBands {
  seeds: number[];
  streamStd: BandPoint[];
  tokenCosine: BandPoint[];
  effectiveRank: BandPoint[];
  entropy: BandPoint[];
  /** ‖∂L/∂W‖ of each block, with --backward */
  gradWeights: BandPoint[] | null;
}

/** The bands of the runs of one stack over seeds (mean, 90 % interval, range per block). */
export function transformerBands(seeds: readonly number[], runs: readonly TransformerResult[]): TransformerBands {
  const of = (pick: (l: TransformerResult["layers"][number]) => number) =>
    runs[0].layers.map((_, i) =>
      bandPoint(
        i,
        runs.map((r) => pick(r.layers[i])),
      ),
    );
  return {
    seeds: [...seeds],
    streamStd: of((l) => l.stream.std),
    tokenCosine: of((l) => l.tokenCosine),
    effectiveRank: of((l) => l.effectiveRank),
    entropy: of((l) => l.attention.entropy),
    gradWeights: runs[0].layers[0].grad ? of((l) => l.grad!.weights) : null,
  };
}
