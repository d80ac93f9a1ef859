import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

/** A single-node Slurm cluster started for the tests, or why none could start. */
export interface LocalSlurm {
  /** the environment for Slurm commands and initlab (SLURM_CONF set) */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

const which = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

function waitFor(check: () => boolean, ms: number): boolean {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    spawnSync("sleep", ["0.2"]);
  }
  return false;
}

function pidOf(file: string): number | null {
  try {
    return Number(readFileSync(file, "utf8").trim()) || null;
  } catch {
    return null;
  }
}

/**
 * Starts munge (unless one runs), slurmctld and slurmd as root with a config in a temp folder
 * (SLURM_CONF), on ports of their own so an existing cluster on this machine is left alone: the
 * recipe of ../shared/NOTES.md (proctrack/linuxproc, task/none, no accounting). Returns the
 * reason instead when this machine cannot (not root, packages missing, daemons not coming up).
 */
export function startLocalSlurm(): LocalSlurm | string {
  if (process.getuid?.() !== 0) return "not root (the daemons run as root)";
  for (const bin of ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged"])
    if (!existsSync(bin)) return `${bin} is missing (apt-get install slurmctld slurmd slurm-client munge)`;
  if (!which("sbatch")) return "sbatch is not on PATH (apt-get install slurm-client)";
  const dir = mkdtempSync(join(tmpdir(), "initlab-slurm-"));
  for (const d of ["state", "spool", "log"]) mkdirSync(join(dir, d));
  const host = hostname().split(".")[0];
  const port = 16817 + (process.pid % 500) * 2;
  writeFileSync(
    join(dir, "slurm.conf"),
    [
      "ClusterName=initlabtest",
      `SlurmctldHost=${host}`,
      `SlurmctldPort=${port}`,
      `SlurmdPort=${port + 1}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "JobAcctGatherType=jobacct_gather/none",
      "SchedulerType=sched/backfill",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "ReturnToService=2",
      "MinJobAge=600",
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      `NodeName=${host} CPUs=2 State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  const env = { ...process.env, SLURM_CONF: join(dir, "slurm.conf") };
  let ourMunge: number | null = null;
  if (spawnSync("munge", ["-n"], { stdio: "ignore" }).status !== 0) {
    mkdirSync("/run/munge", { recursive: true });
    execFileSync("chown", ["munge:munge", "/run/munge"]);
    const r = spawnSync("su", ["-s", "/bin/sh", "munge", "-c", "/usr/sbin/munged"], { encoding: "utf8" });
    if (r.status !== 0) return `munged did not start: ${(r.stderr || "").trim().split("\n").pop()}`;
    ourMunge = pidOf("/run/munge/munged.pid");
  }
  const alive = (pid: number) => spawnSync("kill", ["-0", String(pid)], { stdio: "ignore" }).status === 0;
  const stop = () => {
    const pids = ["slurmd.pid", "slurmctld.pid"].map((f) => pidOf(join(dir, f))).filter((p) => p !== null);
    if (ourMunge) pids.push(ourMunge);
    for (const pid of pids) spawnSync("kill", [String(pid)]);
    // the controller saves its state as it exits: remove the folder once every daemon is gone
    waitFor(() => pids.every((p) => !alive(p)), 10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  for (const daemon of ["/usr/sbin/slurmctld", "/usr/sbin/slurmd"]) {
    const r = spawnSync(daemon, [], { env, encoding: "utf8" });
    if (r.status !== 0) {
      stop();
      return `${daemon} did not start: ${(r.stderr || "").trim().split("\n").pop()}`;
    }
  }
  const idle = waitFor(() => {
    const r = spawnSync("sinfo", ["-h", "-o", "%T"], { env, encoding: "utf8" });
    return r.status === 0 && /idle/.test(r.stdout);
  }, 20_000);
  if (!idle) {
    const log = existsSync(join(dir, "log/slurmctld.log")) ? readFileSync(join(dir, "log/slurmctld.log"), "utf8") : "";
    stop();
    return `the node did not become idle within 20 s (${log.trim().split("\n").pop() ?? "no log"})`;
  }
  return { env, stop };
}
