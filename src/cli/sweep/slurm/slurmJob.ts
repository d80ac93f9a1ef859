import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { slurmPaths } from "./sbatchScript.js";

/** One sbatch submission: the array job's id, the tasks (shards) it ran, when. */
export interface Submission {
  jobId: string;
  tasks: number[];
  submitted: string;
}

/** DIR/slurm/job.json: the latest submission's fields, the array size (shards), and every submission in order. */
export interface JobRecord extends Submission {
  array: number;
  history: Submission[];
}

/** The job record of a Slurm sweep folder, or null when nothing was submitted yet. @throws a one-line error when the file is damaged. */
export function readJobRecord(dir: string): JobRecord | null {
  const path = slurmPaths(dir).job;
  if (!existsSync(path)) return null;
  let r: JobRecord;
  try {
    r = JSON.parse(readFileSync(path, "utf8")) as JobRecord;
  } catch {
    throw new Error(`slurm: ${path} is not valid JSON; remove it to start the Slurm sweep afresh`);
  }
  const ok =
    r !== null &&
    typeof r === "object" &&
    Number.isInteger(r.array) &&
    r.array >= 1 &&
    Array.isArray(r.history) &&
    r.history.every((h) => typeof h?.jobId === "string" && Array.isArray(h.tasks));
  if (!ok) throw new Error(`slurm: ${path} is not a job record; remove it to start the Slurm sweep afresh`);
  return r;
}

/** Adds a submission to the record (creating it) and writes DIR/slurm/job.json. */
export function recordSubmission(dir: string, previous: JobRecord | null, array: number, s: Submission): JobRecord {
  const record: JobRecord = { ...s, array, history: [...(previous?.history ?? []), s] };
  writeFileSync(slurmPaths(dir).job, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** The submission that last ran each task (shard): task → job id. */
export function latestJobOfTask(record: JobRecord): Map<number, string> {
  const latest = new Map<number, string>();
  for (const s of record.history) for (const k of s.tasks) latest.set(k, s.jobId);
  return latest;
}
