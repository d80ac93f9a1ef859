import { execFileSync } from "node:child_process";

/** The state of one array task as the scheduler reports it. */
export type TaskState = "pending" | "running" | "completed" | "failed" | "cancelled" | "timeout" | "ended";

/** What initlab asks of Slurm: submit an array job, and the state of its tasks. */
export interface SlurmClient {
  /** sbatch --parsable --array=<tasks> script → the job id. @throws one-line errors. */
  submit(script: string, tasks: readonly number[]): string;
  /** The tasks of `jobId` the scheduler still knows, with their states (squeue for queued ones, then sacct, or scontrol where accounting is off). */
  tasks(jobId: string): Map<number, { state: TaskState; slurmState: string }>;
}

/** Runs a Slurm command; its stdout, or a one-line error naming the command and its own last message. */
function slurm(command: string, args: readonly string[], env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; status?: number };
    if (err.code === "ENOENT")
      throw new Error(`slurm: ${command} is not on PATH (run this on a Slurm login node, or use --dry-run)`, {
        cause: e,
      });
    const last = (err.stderr ?? "").trim().split("\n").filter(Boolean).pop() ?? `exit code ${err.status}`;
    throw new Error(`slurm: ${command} failed: ${last}`, { cause: e });
  }
}

/** A Slurm state name (RUNNING, CANCELLED by 0, OUT_OF_MEMORY, …) in initlab's words. */
export function taskState(slurmState: string): TaskState {
  const s = slurmState.split(" ")[0].toUpperCase();
  if (s === "PENDING" || s === "REQUEUED" || s === "CONFIGURING" || s === "SUSPENDED") return "pending";
  if (s === "RUNNING" || s === "COMPLETING") return "running";
  if (s === "COMPLETED") return "completed";
  if (s === "CANCELLED") return "cancelled";
  if (s === "TIMEOUT" || s === "DEADLINE") return "timeout";
  if (s === "FAILED" || s === "NODE_FAIL" || s === "OUT_OF_MEMORY" || s === "BOOT_FAIL" || s === "PREEMPTED")
    return "failed";
  return "ended";
}

/** Array task ids in Slurm's notation: "3", "[1-4]", "[1,3-5%2]" (pending ranges) → their numbers. */
export function arrayTaskIds(text: string): number[] {
  const body = text.replace(/^\[|\]$/g, "").split("%")[0];
  const out: number[] = [];
  for (const part of body.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    for (let k = Number(m[1]); k <= Number(m[2] ?? m[1]); k++) out.push(k);
  }
  return out;
}

/** The Slurm on this machine's PATH (sbatch, squeue, sacct, scontrol), with `env` passed to each (SLURM_CONF and the like). */
export function slurmClient(env: NodeJS.ProcessEnv = process.env): SlurmClient {
  return {
    submit(script, tasks) {
      const out = slurm("sbatch", ["--parsable", `--array=${tasks.join(",")}`, script], env).trim();
      const id = out.split(";")[0].trim();
      if (!/^\d+$/.test(id)) throw new Error(`slurm: sbatch printed no job id (got ${JSON.stringify(out)})`);
      return id;
    },
    tasks(jobId) {
      const states = new Map<number, { state: TaskState; slurmState: string }>();
      // ended tasks: sacct where accounting runs, else scontrol (which forgets a job MinJobAge after it ends)
      let ended: string;
      try {
        ended = slurm("sacct", ["-n", "-P", "-X", "-j", jobId, "-o", "JobID,State"], env);
      } catch {
        ended = ""; // accounting is off ("Slurm accounting storage is disabled")
      }
      for (const line of ended.split("\n")) {
        const [id, state] = line.split("|");
        const m = /^\d+_(\d+|\[[^\]]*\])$/.exec(id ?? "");
        if (m && state)
          for (const k of arrayTaskIds(m[1])) states.set(k, { state: taskState(state), slurmState: state });
      }
      if (states.size === 0) {
        let shown: string;
        try {
          shown = slurm("scontrol", ["-o", "show", "job", jobId], env);
        } catch {
          shown = ""; // the job is gone from the controller's memory
        }
        for (const line of shown.split("\n")) {
          const task = /\bArrayTaskId=(\S+)/.exec(line)?.[1];
          const state = /\bJobState=(\S+)/.exec(line)?.[1];
          if (task && state)
            for (const k of arrayTaskIds(task)) states.set(k, { state: taskState(state), slurmState: state });
        }
      }
      // queued tasks last: squeue is the authority on what is still pending or running
      let queued = "";
      try {
        queued = slurm("squeue", ["-h", "-r", "-j", jobId, "-o", "%K|%T"], env);
      } catch (e) {
        // a job the controller has forgotten is "Invalid job id": nothing of it is queued
        if (!/invalid job id/i.test((e as Error).message)) throw e;
      }
      for (const line of queued.split("\n")) {
        const [task, state] = line.split("|");
        if (task && state)
          for (const k of arrayTaskIds(task.trim())) states.set(k, { state: taskState(state), slurmState: state });
      }
      return states;
    },
  };
}
