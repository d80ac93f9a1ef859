import { existsSync, readFileSync } from "node:fs";
import { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { ExperimentSpec } from "../experiment/experimentSpec.js";
import { parseExperimentSpec, parseShard } from "../experiment/experimentSpec.js";
import { positiveIntArg, positiveNumberArg } from "./argParsers.js";
import type { CliIo } from "./io.js";
import type { SlurmFlags } from "./sweep/slurm/slurmSweep.js";
import { DEFAULT_TASKS } from "./sweep/slurm/sbatchScript.js";

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

type SweepFlags = Partial<Omit<SlurmFlags, "sbatchArg" | "poll">> & {
  out?: string;
  workers?: number;
  shard?: string;
  slurm?: boolean;
  sbatchArg: string[];
  poll: number;
};

/** The flags that mean something only with --slurm (poll has a default, so it is not checked). */
const SLURM_ONLY = ["array", "partition", "time", "cpusPerTask", "mem", "sbatchArg", "dryRun", "wait"] as const;

const kebab = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const collect = (value: string, previous: string[]) => [...previous, value];

/** `initlab sweep SPEC`: the grid here, or with --slurm as an array job. */
async function runSweepCommand(io: CliIo, file: string, flags: SweepFlags): Promise<void> {
  if (flags.out === undefined) throw new Error("required option '--out <dir>' not specified");
  const spec = readSpecFile(file);
  if (flags.slurm) {
    if (flags.shard !== undefined) throw new Error("shard: --slurm makes the shards itself; leave --shard out");
    const { submitSlurmSweep } = await import("./sweep/slurm/slurmSweep.js");
    await submitSlurmSweep(spec, flags.out, { ...flags, dryRun: flags.dryRun ?? false, wait: flags.wait ?? false }, io);
    return;
  }
  for (const name of SLURM_ONLY)
    if (flags[name] !== undefined && flags[name] !== false && !(Array.isArray(flags[name]) && flags[name].length === 0))
      throw new Error(`${kebab(name)}: only with --slurm`);
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  const { runSweep } = await import("./sweep/runSweep.js");
  const r = await runSweep(spec, { out: flags.out, workers: flags.workers, shard }, io);
  io.stdout(
    `sweep "${spec.name}": ${r.total} points${shard ? ` in shard ${shard.index}/${shard.count}` : ""}, ${r.skipped} already done, ${r.ran} run now → ${flags.out}/results.jsonl\n`,
  );
}

/** `initlab sweep` (here, or as a Slurm array job) and `initlab sweep status`. */
function sweepCommand(io: CliIo): Command {
  const sweep = new Command("sweep")
    // `sweep status DIR --wait`: options after the subcommand are the subcommand's
    .enablePositionalOptions()
    .description(
      "run every point of a grid (YAML/JSON spec) on a worker pool, or as a Slurm array job; resumable; shardable",
    )
    .argument("<spec>", "sweep file (YAML or JSON)")
    // not requiredOption: commander would then require it of `sweep status` too
    .option("--out <dir>", "folder for spec.json and results.jsonl (rerun the same command to resume); required")
    .option("--workers <n>", "worker threads (default: the machine's cores)", positiveIntArg("workers", 256))
    .option("--shard <K/N>", "run only shard K of N (points whose grid position ≡ K−1 mod N)")
    .option("--slurm", "submit the sweep as a Slurm array job (task k = shard k) instead of running it here")
    .option(
      "--array <n>",
      `Slurm: array tasks, i.e. shards (default: one per point, at most ${DEFAULT_TASKS})`,
      positiveIntArg("array", 10000),
    )
    .option("--partition <p>", "Slurm: partition")
    .option("--time <t>", "Slurm: time limit per task (e.g. 1:00:00)")
    .option("--cpus-per-task <c>", "Slurm: CPUs per task (its worker threads)", positiveIntArg("cpus-per-task", 1024))
    .option("--mem <m>", "Slurm: memory per task (e.g. 4G)")
    .option(
      "--sbatch-arg <arg>",
      "Slurm: another #SBATCH argument, e.g. --sbatch-arg=--account=ml (repeatable)",
      collect,
      [],
    )
    .option("--dry-run", "Slurm: print the job script, submit nothing")
    .option("--wait", "Slurm: watch the job until every task ends, then merge and report")
    .option(
      "--poll <seconds>",
      "Slurm: seconds between looks at the queue with --wait (default: 10)",
      positiveNumberArg("poll"),
      10,
    )
    .action((file: string, flags: SweepFlags) => runSweepCommand(io, file, flags));
  sweep
    .command("status")
    .description("a Slurm sweep's progress and tasks; merges and reports once every task has ended")
    .argument("<dir>", "the sweep folder given to --out")
    .option("--wait", "watch until every task ends")
    .option("--poll <seconds>", "seconds between looks with --wait (default: 10)", positiveNumberArg("poll"), 10)
    .action(async (dir: string, flags: { wait?: boolean; poll: number }) => {
      const { watchSlurmSweep } = await import("./sweep/slurm/slurmSweep.js");
      await watchSlurmSweep(dir, io, { poll: flags.poll, wait: flags.wait ?? false });
    });
  return sweep;
}

/** `initlab sweep` (and `sweep status`), `initlab merge`, `initlab report`. */
export function sweepCommands(io: CliIo): Command[] {
  const sweep = sweepCommand(io);
  const merge = new Command("merge")
    .description("join sweep folders (e.g. shards) into one, every point once")
    .argument("<out>", "folder to write")
    .argument("<dirs...>", "sweep folders to join")
    .action(async (out: string, dirs: string[]) => {
      const { mergeSweeps } = await import("./sweep/runSweep.js");
      const r = mergeSweeps(out, dirs);
      io.stdout(
        `merged ${dirs.length} folders: ${r.points} points${r.missing ? `, ${r.missing} of the grid still missing` : ""}${r.duplicates ? ` (${r.duplicates} duplicate lines of identical points dropped)` : ""} → ${out}/results.jsonl\n`,
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
