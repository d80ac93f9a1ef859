import { existsSync, readFileSync } from "node:fs";
import { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { ExperimentSpec } from "../experiment/experimentSpec.js";
import { parseExperimentSpec, parseShard } from "../experiment/experimentSpec.js";
import { positiveIntArg } from "./argParsers.js";
import type { CliIo } from "./io.js";

/** Reads a sweep file (YAML or JSON) and validates it. @throws one-line errors. */
export function readSpecFile(path: string): ExperimentSpec {
  if (!existsSync(path)) throw new Error(`spec: no such file ${path}`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`spec: ${path} is not valid YAML or JSON: ${(e as Error).message.split("\n")[0]}`, { cause: e });
  }
  return parseExperimentSpec(raw);
}

/** `initlab sweep`, `initlab merge`, `initlab report`. */
export function sweepCommands(io: CliIo): Command[] {
  const sweep = new Command("sweep")
    .description("run every point of a grid (YAML/JSON spec) on a worker pool; resumable; shardable")
    .argument("<spec>", "sweep file (YAML or JSON)")
    .requiredOption("--out <dir>", "folder for spec.json and results.jsonl (rerun the same command to resume)")
    .option("--workers <n>", "worker threads (default: the machine's cores)", positiveIntArg("workers", 256))
    .option("--shard <K/N>", "run only shard K of N (points whose grid position ≡ K−1 mod N)")
    .action(async (file: string, flags: { out: string; workers?: number; shard?: string }) => {
      const spec = readSpecFile(file);
      const shard = flags.shard === undefined ? null : parseShard(flags.shard);
      const { runSweep } = await import("./sweep/runSweep.js");
      const r = await runSweep(spec, { out: flags.out, workers: flags.workers, shard }, io);
      io.stdout(
        `sweep "${spec.name}": ${r.total} points${shard ? ` in shard ${shard.index}/${shard.count}` : ""}, ${r.skipped} already done, ${r.ran} run now → ${flags.out}/results.jsonl\n`,
      );
    });

  const merge = new Command("merge")
    .description("join sweep folders (e.g. shards) into one, every point once")
    .argument("<out>", "folder to write")
    .argument("<dirs...>", "sweep folders to join")
    .action(async (out: string, dirs: string[]) => {
      const { mergeSweeps } = await import("./sweep/runSweep.js");
      const r = mergeSweeps(out, dirs);
      io.stdout(
        `merged ${dirs.length} folders: ${r.points} points${r.missing ? `, ${r.missing} of the grid still missing` : ""} → ${out}/results.jsonl\n`,
      );
    });

  const report = new Command("report")
    .description("DIR/report.html with charts (SVG/PNG), summary table and results.csv")
    .argument("<dir>", "sweep folder")
    .option("--free-y", "give each panel its own y axis (default: one axis per chart, so panels compare)")
    .action(async (dir: string, flags: { freeY?: boolean }) => {
      if (!existsSync(`${dir}/spec.json`)) throw new Error(`report: ${dir} has no spec.json (not a sweep folder)`);
      const { writeSweepReport } = await import("./sweep/writeSweepReport.js");
      const r = await writeSweepReport(dir, { freeY: flags.freeY ?? false });
      io.stdout(`report of ${r.points} points: ${r.html} and ${r.csv}\n`);
    });
  const schema = new Command("schema")
    .description("print the JSON Schema of sweep files (ExperimentSpec)")
    .action(async () => {
      const { experimentJsonSchema } = await import("../experiment/experimentSpec.js");
      io.stdout(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
    });
  return [sweep, merge, report, schema];
}
