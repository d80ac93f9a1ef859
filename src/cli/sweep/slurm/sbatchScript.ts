/** The default number of array tasks: one per point, up to this many. */
export const DEFAULT_TASKS = 8;

/** What the array job script needs: where things are and what to ask Slurm for. */
export interface SbatchOptions {
  /** the sweep's name (the job name is initlab-<name>, shell-safe) */
  name: string;
  /** the sweep folder, absolute */
  dir: string;
  /** array tasks = shards */
  tasks: number;
  /** the node binary and initlab's bin/initlab.js that the user ran, absolute */
  node: string;
  bin: string;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  /** more `#SBATCH` lines, one argument each (e.g. "--account=ml", "--qos=short") */
  extra: readonly string[];
}

/** `value` quoted for a POSIX shell: single quotes, each ' written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The job name Slurm shows: initlab- and the sweep's name reduced to letters, digits, '-', '_' and '.'. */
export function jobName(name: string): string {
  return `initlab-${name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 40)}`;
}

/** The folders and files of a Slurm sweep inside its folder. */
export function slurmPaths(dir: string): { slurm: string; script: string; job: string; logs: string; shards: string } {
  return {
    slurm: `${dir}/slurm`,
    script: `${dir}/slurm/sweep.sbatch`,
    job: `${dir}/slurm/job.json`,
    logs: `${dir}/slurm/logs`,
    shards: `${dir}/shards`,
  };
}

/** The log of array task k (Slurm writes it; %a is the task index). */
export function taskLog(dir: string, task: number): string {
  return `${slurmPaths(dir).logs}/task-${task}.log`;
}

/**
 * The array job script: `#SBATCH` directives (array 1-N, a log per task, the resources asked
 * for), then task k runs the same initlab the user ran on the sweep's own spec.json, shard k of N,
 * into DIR/shards/k, with as many worker threads as Slurm gave it CPUs. A resubmission passes
 * `--array=<the unfinished tasks>` to sbatch, which overrides the directive.
 */
export function sbatchScript(o: SbatchOptions): string {
  const p = slurmPaths(o.dir);
  const directive = (arg: string) => {
    if (/[\n\r]/.test(arg)) throw new Error(`sbatch-arg: ${JSON.stringify(arg)} must be one line`);
    return `#SBATCH ${arg}`;
  };
  const lines = [
    "#!/bin/bash",
    `# initlab sweep "${o.name.replace(/[\n\r]/g, " ")}" as a Slurm array job: task k runs shard k of ${o.tasks}.`,
    "# Written by initlab sweep --slurm; rerun that command to resubmit only unfinished shards.",
    directive(`--job-name=${jobName(o.name)}`),
    directive(`--array=1-${o.tasks}`),
    directive(`--output=${p.logs}/task-%a.log`),
    ...(o.partition !== undefined ? [directive(`--partition=${o.partition}`)] : []),
    ...(o.time !== undefined ? [directive(`--time=${o.time}`)] : []),
    ...(o.cpusPerTask !== undefined ? [directive(`--cpus-per-task=${o.cpusPerTask}`)] : []),
    ...(o.mem !== undefined ? [directive(`--mem=${o.mem}`)] : []),
    ...o.extra.map(directive),
    "set -euo pipefail",
    `exec ${shellQuote(o.node)} ${shellQuote(o.bin)} sweep ${shellQuote(`${o.dir}/spec.json`)} \\`,
    `  --out ${shellQuote(p.shards)}/"$SLURM_ARRAY_TASK_ID" --shard "$SLURM_ARRAY_TASK_ID/${o.tasks}" \\`,
    `  --workers "\${SLURM_CPUS_PER_TASK:-1}"`,
    "",
  ];
  return lines.join("\n");
}
