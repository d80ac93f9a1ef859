import { Command } from "commander";
import type { Dtype } from "../core/internal.js";
import { seedStudy, toJson } from "../core/internal.js";
import { STUDIES } from "../experiment/studies.js";
import { studyText } from "../report/studyText.js";
import { dtypeArg, parseSeedArg, positiveIntArg } from "./argParsers.js";
import type { CliIo } from "./io.js";
import { progressReporter } from "./progressReporter.js";

interface StudyFlags {
  seed: number;
  dtype: Dtype;
  json?: boolean;
  out?: string;
  epochs?: number;
  feedOutputBack?: boolean;
}

/** `initlab study`: the seven experiments of the seed study, as text, JSON, and an HTML report. */
export function studyCommand(io: CliIo): Command {
  return new Command("study")
    .description("run a study: seed (the seed notebook's seven experiments, default), he2015, schoenholz2017, selu2017")
    .argument("[name]", "seed | he2015 | schoenholz2017 | selu2017", "seed")
    .option("--seed <n>", "random seed (0 is a seed)", parseSeedArg, 0)
    .option(
      "--dtype <dtype>",
      "float32 (the notebook's) or float64",
      dtypeArg(["float32", "float64"]),
      "float32" as Dtype,
    )
    .option("--json", "print one JSON document instead of the tables")
    .option("--out <dir>", "also write an HTML report with SVG/PNG charts to this folder")
    .option(
      "--epochs <n>",
      "epochs (seed study: gradient experiments, default 150; he2015: 5; schoenholz2017: 4)",
      positiveIntArg("epochs", 100000),
    )
    .option("--feed-output-back", "the notebook's literal gradient loop: each epoch's output becomes the next input")
    .action(async (name: string, flags: StudyFlags) => {
      if (!(STUDIES as readonly string[]).includes(name))
        throw new Error(`study: unknown ${JSON.stringify(name)}; valid: ${STUDIES.join(", ")}`);
      if (name !== "seed") {
        const { runNamedStudy } = await import("./namedStudies.js");
        return runNamedStudy(
          name as "he2015" | "schoenholz2017" | "selu2017" | "transformer",
          { seed: flags.seed, epochs: flags.epochs, json: flags.json, out: flags.out },
          io,
        );
      }
      const progress = progressReporter(io);
      const result = seedStudy({
        seed: flags.seed,
        dtype: flags.dtype,
        epochs: flags.epochs ?? 150,
        feedOutputBack: flags.feedOutputBack ?? false,
        onProgress: progress.listener,
      });
      progress.done();
      io.stdout(`${flags.json ? toJson(studyJson(result)) : studyText(result)}\n`);
      if (flags.out !== undefined) {
        const { writeStudyReport } = await import("../report/writeStudyReport.js");
        const written = await writeStudyReport(result, flags.out);
        io.stderr(`initlab: wrote ${written.html} (${written.files.length} files)\n`);
      }
    });
}

/** The `study --json` document: the contract's fields first, everything else measured kept beside them. */
export function studyJson(r: ReturnType<typeof seedStudy>) {
  const chain = (c: typeof r.exploding) => ({
    layers: c.layers,
    stoppedAt: c.stoppedAt,
    reason: c.reason,
    events: c.events,
    width: c.width,
  });
  return {
    seed: r.seed,
    dtype: r.dtype,
    exploding: chain(r.exploding),
    vanishing: chain(r.vanishing),
    varianceLaw: r.varianceLaw,
    xavierForward: { layers: r.xavierForward.layers, bound: r.xavierForward.bound, width: r.xavierForward.width },
    gradients: r.gradients,
  };
}
