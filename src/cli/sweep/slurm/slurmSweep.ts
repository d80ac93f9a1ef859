import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ExperimentSpec, Point } from "../../../experiment/experimentSpec.js";
import { expandGrid, pointKey, shardPoints } from "../../../experiment/experimentSpec.js";
import type { CliIo } from "../../io.js";
import { pointsBar } from "../pointsBar.js";
import { readResults } from "../resultsFile.js";
import { mergeSweeps, specText } from "../runSweep.js";
import type { JobRecord } from "./slurmJob.js";
import { latestJobOfTask, readJobRecord, recordSubmission } from "./slurmJob.js";
import type { SlurmClient, TaskState } from "./slurmClient.js";
import { slurmClient } from "./slurmClient.js";
import { DEFAULT_TASKS, sbatchScript, slurmPaths, taskLog } from "./sbatchScript.js";

export interface SlurmFlags {
  /** array tasks (shards); default min(points, 8), then whatever the first submission used */
  array?: number;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  sbatchArg: string[];
  dryRun: boolean;
  wait: boolean;
  /** seconds between looks while waiting */
  poll: number;
}

/** initlab's own entry point, beside this module in dist/ or src/: what the job script runs. */
const INITLAB_BIN = fileURLToPath(new URL("../../../../bin/initlab.js", import.meta.url));

/** One shard's progress: points finished (distinct, in DIR/shards/k/results.jsonl) of its share of the grid. */
interface ShardProgress {
  task: number;
  done: number;
  total: number;
}

/** Every shard's progress, read from the results files (only read: a task may be appending). */
function shardProgress(dir: string, spec: ExperimentSpec, tasks: number): ShardProgress[] {
  const points = expandGrid(spec);
  return Array.from({ length: tasks }, (_, i) => {
    const task = i + 1;
    const mine = new Set(shardPoints(points, { index: task, count: tasks }).map(pointKey));
    const path = `${slurmPaths(dir).shards}/${task}/results.jsonl`;
    const found = new Set(
      readResults(path, (p) => pointKey(p.point as Point), { repair: false })
        .map((r) => r.key)
        .filter((k) => mine.has(k)),
    );
    return { task, done: found.size, total: mine.size };
  });
}

/** The sweep folder's spec, checked against `spec` when given. @throws a one-line error when DIR holds another spec. */
function checkFolderSpec(dir: string, spec: ExperimentSpec): void {
  const path = `${dir}/spec.json`;
  if (existsSync(path) && readFileSync(path, "utf8") !== specText(spec))
    throw new Error(`out: ${dir} holds results of a different spec (spec.json differs); use another folder`);
}

/** One line-friendly word for a string: no spaces or line breaks (partition, time, mem go into #SBATCH lines). */
function oneWord(field: string, value: string | undefined): string | undefined {
  if (value !== undefined && !/^\S+$/.test(value))
    throw new Error(`${field}: must be one word, got ${JSON.stringify(value)}`);
  return value;
}

/** What each task of the folder's jobs is doing, by the scheduler (tasks it no longer knows are absent). */
function taskStates(
  record: JobRecord,
  client: SlurmClient,
): Map<number, { state: TaskState; slurmState: string; jobId: string }> {
  const latest = latestJobOfTask(record);
  const byJob = new Map<string, ReturnType<SlurmClient["tasks"]>>();
  const out = new Map<number, { state: TaskState; slurmState: string; jobId: string }>();
  for (const [task, jobId] of latest) {
    if (!byJob.has(jobId)) byJob.set(jobId, client.tasks(jobId));
    const s = byJob.get(jobId)!.get(task);
    if (s) out.set(task, { ...s, jobId });
  }
  return out;
}

/**
 * `initlab sweep SPEC --out DIR --slurm`: writes DIR/slurm/sweep.sbatch (an array job, task k =
 * shard k of N into DIR/shards/k) and submits the shards that still have unfinished points and are
 * not queued or running — all of them the first time — with `sbatch --parsable --array=…`,
 * recording the job in DIR/slurm/job.json. `--dry-run` prints the script and writes nothing. With
 * `--wait`, then watches the job (see {@link watchSlurmSweep}).
 */
export async function submitSlurmSweep(
  spec: ExperimentSpec,
  out: string,
  flags: SlurmFlags,
  io: CliIo,
  client: SlurmClient = slurmClient(),
): Promise<void> {
  const dir = resolve(out);
  const points = expandGrid(spec).length;
  checkFolderSpec(dir, spec);
  const record = readJobRecord(dir);
  if (record && flags.array !== undefined && flags.array !== record.array)
    throw new Error(
      `array: ${dir} was submitted as ${record.array} tasks (its shards are fixed); rerun with --array ${record.array} or without --array`,
    );
  const tasks = record?.array ?? flags.array ?? Math.min(points, DEFAULT_TASKS);
  if (tasks > points) throw new Error(`array: at most ${points} tasks (one per point of the grid), got ${tasks}`);
  const script = sbatchScript({
    name: spec.name,
    dir,
    tasks,
    node: process.execPath,
    bin: INITLAB_BIN,
    partition: oneWord("partition", flags.partition),
    time: oneWord("time", flags.time),
    cpusPerTask: flags.cpusPerTask,
    mem: oneWord("mem", flags.mem),
    extra: flags.sbatchArg,
  });
  if (flags.dryRun) {
    io.stdout(script);
    return;
  }
  const paths = slurmPaths(dir);
  for (const d of [paths.logs, paths.shards]) mkdirSync(d, { recursive: true });
  writeFileSync(`${dir}/spec.json`, specText(spec));
  writeFileSync(paths.script, script);
  const active = new Set<number>();
  if (record)
    for (const [task, s] of taskStates(record, client))
      if (s.state === "pending" || s.state === "running") active.add(task);
  const progress = shardProgress(dir, spec, tasks);
  const todo = progress.filter((p) => p.done < p.total && !active.has(p.task)).map((p) => p.task);
  if (todo.length > 0) {
    const jobId = client.submit(paths.script, todo);
    recordSubmission(dir, record, tasks, { jobId, tasks: todo, submitted: new Date().toISOString() });
    const left = progress.filter((p) => todo.includes(p.task)).reduce((a, p) => a + p.total - p.done, 0);
    io.stdout(
      `submitted job ${jobId}: ${todo.length === tasks ? `all ${tasks} tasks` : `tasks ${todo.join(",")} of ${tasks}`} (${left} unfinished points) → ${dir}\n`,
    );
  } else if (active.size > 0) {
    io.stdout(`nothing to submit: tasks ${[...active].sort((a, b) => a - b).join(",")} are still queued or running\n`);
  }
  // with --wait, or when there was nothing left to run: the status, and the merge once every task has ended
  if (flags.wait || (todo.length === 0 && active.size === 0))
    await watchSlurmSweep(dir, io, { poll: flags.poll, wait: flags.wait }, client);
}

/** The folder's status: points finished, each task's state, the failed ones with their logs' last lines. */
interface SlurmStatus {
  spec: ExperimentSpec;
  progress: ShardProgress[];
  finished: number;
  total: number;
  states: Map<number, { state: TaskState; slurmState: string; jobId: string }>;
  /** tasks still pending or running */
  active: number[];
  /** tasks that ended with points unfinished */
  failed: { task: number; why: string }[];
}

/** The last non-empty line of a task's log (progress redraws split on carriage returns), or a note that there is none. */
function lastLogLine(dir: string, task: number): string {
  const path = taskLog(dir, task);
  if (!existsSync(path)) return "no log";
  const lines = readFileSync(path, "utf8")
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length ? lines[lines.length - 1] : "empty log";
}

function readStatus(dir: string, client: SlurmClient): SlurmStatus {
  if (!existsSync(`${dir}/spec.json`)) throw new Error(`status: ${dir} has no spec.json (not a sweep folder)`);
  const record = readJobRecord(dir);
  if (!record)
    throw new Error(`status: ${dir} has no slurm/job.json (submit it with initlab sweep SPEC --out DIR --slurm)`);
  const spec = JSON.parse(readFileSync(`${dir}/spec.json`, "utf8")) as ExperimentSpec;
  const progress = shardProgress(dir, spec, record.array);
  const states = taskStates(record, client);
  const active = progress.map((p) => p.task).filter((k) => ["pending", "running"].includes(states.get(k)?.state ?? ""));
  const failed = progress
    .filter((p) => p.done < p.total && !active.includes(p.task))
    .map((p) => {
      const s = states.get(p.task);
      const state = s ? `${s.state} (${s.slurmState}, job ${s.jobId})` : "ended";
      return { task: p.task, why: `${state}, ${p.done}/${p.total} points; log: ${lastLogLine(dir, p.task)}` };
    });
  const finished = progress.reduce((a, p) => a + p.done, 0);
  const total = progress.reduce((a, p) => a + p.total, 0);
  return { spec, progress, finished, total, states, active, failed };
}

/** Task counts by state, e.g. "2 running, 1 pending, 1 completed". */
function stateCounts(st: SlurmStatus): string {
  const counts = new Map<string, number>();
  for (const p of st.progress) {
    const s = st.states.get(p.task)?.state ?? (p.done === p.total ? "completed" : "ended");
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
}

/**
 * `initlab sweep status DIR`, and `--wait`: finished points over all shards (from their results
 * files, not the queue), each task's state (squeue; sacct, or scontrol where accounting is off), the
 * failed tasks with their log's last line. Once no task is queued or running: every point finished
 * → merged into DIR/results.jsonl and the report written; otherwise the unfinished shards are named
 * (rerun the submit command to resubmit just those). With `wait`, looks again every `poll` seconds,
 * with a progress bar, until no task is queued or running.
 * @throws a one-line error naming the unfinished shards when every task has ended and points are missing.
 */
export async function watchSlurmSweep(
  out: string,
  io: CliIo,
  options: { poll: number; wait: boolean },
  client: SlurmClient = slurmClient(),
): Promise<void> {
  const dir = resolve(out);
  let st = readStatus(dir, client);
  if (options.wait && st.active.length > 0) {
    const bar = pointsBar(io, "initlab slurm");
    bar.start(st.total, st.finished);
    const reported = new Set<number>();
    try {
      while (st.active.length > 0) {
        await sleep(options.poll * 1000);
        st = readStatus(dir, client);
        bar.update(st.finished);
        for (const f of st.failed)
          if (!reported.has(f.task)) {
            reported.add(f.task);
            io.stderr(`\ninitlab: task ${f.task} ${f.why}\n`);
          }
      }
    } finally {
      bar.stop();
    }
  }
  io.stdout(
    `sweep "${st.spec.name}": ${st.finished}/${st.total} points finished in ${st.progress.length} shards; tasks: ${stateCounts(st)}\n`,
  );
  for (const f of st.failed) io.stdout(`task ${f.task} ${f.why}\n`);
  if (st.active.length > 0) return;
  if (st.finished < st.total)
    throw new Error(
      `${st.total - st.finished} points unfinished in shards ${st.failed.map((f) => f.task).join(",")}: rerun the same initlab sweep --slurm command to resubmit just those`,
    );
  const shards = st.progress.map((p) => `${slurmPaths(dir).shards}/${p.task}`);
  const merged = mergeSweeps(dir, shards);
  const { writeSweepReport } = await import("../writeSweepReport.js");
  const report = await writeSweepReport(dir);
  io.stdout(
    `merged ${merged.points} points${merged.duplicates ? ` (${merged.duplicates} duplicate lines of identical points dropped)` : ""} → ${dir}/results.jsonl; report ${report.html}\n`,
  );
}
