import type { RankedTransformerScheme, TransformerSpec } from "../core/internal.js";
import {
  checkTransformer,
  DEFAULT_TRANSFORMER,
  recommendTransformer,
  stackRole,
  toJson,
  transformerSnippets,
} from "../core/internal.js";
import { formatTable } from "../report/table.js";
import type { CliIo } from "./io.js";
import { progressReporter } from "./progressReporter.js";

/** The flags `recommend --arch transformer` reads. */
export interface RecommendTransformerFlags {
  activation: string;
  depth: number;
  width: number;
  heads: number;
  seq: number;
  norm?: "none" | "layer" | "rms" | "batch";
  normPosition: "pre" | "post";
  init?: string;
  batch: number;
  seeds: number[];
  json?: boolean;
  crossAttention?: boolean;
}

const label = (s: RankedTransformerScheme) =>
  `${s.residualScale === "none" ? "no scaling" : s.residualScale} + ${s.init}`;

/** Ranks the residual schemes for the stack and prints the table, the reasons and the winner's snippets (or JSON). */
export function runRecommendTransformer(io: CliIo, flags: RecommendTransformerFlags): void {
  if (flags.norm === "batch") throw new Error("norm: a transformer takes layer, rms or none");
  const spec: TransformerSpec = checkTransformer({
    ...DEFAULT_TRANSFORMER,
    depth: flags.depth,
    width: flags.width,
    heads: flags.heads,
    seq: flags.seq,
    norm: flags.norm ?? "layer",
    normPosition: flags.normPosition,
    activation: flags.activation,
    init: flags.init ?? DEFAULT_TRANSFORMER.init,
    crossAttention: flags.crossAttention ? { memorySeq: flags.seq, encoderDepth: flags.depth } : null,
  });
  const progress = progressReporter(io);
  const ranked = recommendTransformer(spec, {
    seeds: flags.seeds,
    batch: flags.batch,
    onRun: (done, total) => progress.listener({ step: "runs", done, total }),
  });
  progress.done();
  const best = ranked[0];
  const snippets = transformerSnippets(best, spec.depth, stackRole(spec));
  if (flags.json) return io.stdout(`${toJson({ spec, seeds: flags.seeds, batch: flags.batch, ranked, snippets })}\n`);
  const band = (b: RankedTransformerScheme["streamGrowth"]) =>
    `${b.mean.toPrecision(3)} [${b.min.toPrecision(3)}, ${b.max.toPrecision(3)}]`;
  const rows = ranked.map((s, i) => [
    String(i + 1),
    label(s),
    band(s.streamGrowth),
    band(s.tokenCosine),
    band(s.gradientRatio),
    Number.isFinite(s.score) ? s.score.toFixed(3) : "inf",
    s.verdicts.map((v) => `${v.signal} ${v.kind}`).join(", "),
  ]);
  io.stdout(
    [
      `recommend: ${label(best)} for a ${spec.normPosition}-${spec.norm === "none" ? "no" : spec.norm} norm transformer${spec.crossAttention ? " decoder (cross-attention over an encoder of the same depth)" : ""}, ${spec.depth} blocks × width ${spec.width}, ${spec.heads} heads, ${spec.seq} tokens, ${spec.activation} MLP — ${best.why}`,
      `measured over ${flags.seeds.length} seeds, batch ${flags.batch}, float64; stream = std after the last block / input's; gradients = ‖∂L/∂W‖ last block / first (L = Σ out ⊙ T); mean [min, max]`,
      "",
      formatTable(["rank", "scheme", "stream ×", "token cosine", "grad last/first", "score", "verdicts"], rows),
      "",
      ...ranked.map((s, i) => `${i + 1}. ${label(s)}: ${s.why}`),
      "",
      `${label(best)} in each framework:`,
      `  PyTorch:  ${snippets.torch}`,
      `  Keras:    ${snippets.keras}`,
      `  JAX/Flax: ${snippets.jax}`,
    ].join("\n") + "\n",
  );
}
