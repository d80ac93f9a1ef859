import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSlurm } from "./localSlurm.js";
import { startLocalSlurm } from "./localSlurm.js";

// A real single-node Slurm (slurmctld + slurmd + munge, started here as root): the array jobs, the
// queue and scancel are Slurm's own. Where it cannot start, every test below is reported as
// skipped, with the reason printed — never passed.
const cluster = startLocalSlurm();
const reason = typeof cluster === "string" ? cluster : null;
if (reason) console.warn(`initlab: the Slurm tests are skipped: ${reason}`);
const slurm = cluster as LocalSlurm;

const BIN = resolve(__dirname, "../../bin/initlab.js");
const root = mkdtempSync(join(tmpdir(), "initlab-slurm-test-"));

/** 24 points of ≈ 0.2–0.5 s each, so a task can be cancelled while it runs. */
const SPEC = `name: slurm 24
experiment: propagate
grid:
  init: [lecun_normal, "normal(std=0.3)", he_normal]
  activation: [tanh, relu]
  seed: [0, 1, 2, 3]
fixed:
  depth: 60
  width: 256
  batch: 128
`;
const specPath = join(root, "spec.yaml");
writeFileSync(specPath, SPEC);

/** The real CLI as a user runs it, with the cluster's SLURM_CONF. */
function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: slurm.env, encoding: "utf8", timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sortedLines = (dir: string) => readFileSync(join(dir, "results.jsonl"), "utf8").trim().split("\n").sort();
const jobRecord = (dir: string) => JSON.parse(readFileSync(join(dir, "slurm/job.json"), "utf8"));

describe.skipIf(reason !== null)("initlab sweep --slurm, on a local Slurm cluster", () => {
  const local = join(root, "local");
  beforeAll(() => {
    const r = cli(["sweep", specPath, "--out", local, "--workers", "2"]);
    expect(r.code).toBe(0);
  }, 180_000);
  afterAll(() => {
    slurm.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("--dry-run prints an array-job script that sbatch --test-only accepts, and writes nothing", () => {
    const dir = join(root, "dry");
    const r = cli(["sweep", specPath, "--out", dir, "--slurm", "--array", "4", "--time", "0:10:00", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#!\/bin\/bash\n/);
    expect(r.stdout).toContain("#SBATCH --array=1-4");
    expect(r.stdout).toContain("#SBATCH --time=0:10:00");
    expect(r.stdout).toContain(`'${BIN}' sweep`);
    expect(existsSync(dir)).toBe(false);
    const script = join(root, "dry.sbatch");
    writeFileSync(script, r.stdout);
    const test = spawnSync("sbatch", ["--test-only", script], { env: slurm.env, encoding: "utf8" });
    expect(test.status, test.stderr).toBe(0);
    expect(test.stderr).toMatch(/to start at/);
  });

  it("a 24-point sweep as a 4-task array: --wait shows progress, merges, and equals a local run line for line", () => {
    const dir = join(root, "whole");
    const r = cli(["sweep", specPath, "--out", dir, "--slurm", "--array", "4", "--wait", "--poll", "0.5"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/submitted job \d+: all 4 tasks \(24 unfinished points\)/);
    expect(r.stderr).toMatch(/initlab slurm \|.*\| \d+\/24 points/);
    expect(r.stdout).toMatch(/24\/24 points finished in 4 shards; tasks: 4 completed/);
    expect(r.stdout).toMatch(/merged 24 points → .*results\.jsonl; report .*report\.html/);
    expect(sortedLines(dir)).toEqual(sortedLines(local));
    const job = jobRecord(dir);
    expect(job.tasks).toEqual([1, 2, 3, 4]);
    expect(job.history).toHaveLength(1);
    expect(existsSync(join(dir, "report.html"))).toBe(true);
  }, 180_000);

  it("a task cancelled mid-run is named by status; rerunning submits only it; the merge is again identical, nothing duplicated", async () => {
    const dir = join(root, "cancel");
    const submit = cli(["sweep", specPath, "--out", dir, "--slurm", "--array", "4"]);
    expect(submit.code, submit.stderr).toBe(0);
    const jobId = jobRecord(dir).jobId as string;
    // cancel task 1 once it has finished a point (and before it finishes its 6)
    const results = join(dir, "shards/1/results.jsonl");
    const started = Date.now();
    while (!(existsSync(results) && readFileSync(results, "utf8").split("\n").length > 1)) {
      if (Date.now() - started > 120_000) throw new Error("task 1 wrote no point in 120 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancel = spawnSync("scancel", [`${jobId}_1`], { env: slurm.env, encoding: "utf8" });
    expect(cancel.status, cancel.stderr).toBe(0);
    const done = readFileSync(results, "utf8").trim().split("\n").length;
    expect(done).toBeLessThan(6);

    const watched = cli(["sweep", "status", dir, "--wait", "--poll", "0.5"]);
    expect(watched.code, watched.stdout + watched.stderr).toBe(1);
    expect(watched.stdout).toMatch(/task 1 cancelled \(CANCELLED.*\), \d\/6 points; log: .*CANCELLED/);
    expect(watched.stderr).toMatch(
      /error: \d+ points unfinished in shards 1: rerun the same initlab sweep --slurm command/,
    );
    expect(existsSync(join(dir, "results.jsonl"))).toBe(false);

    const again = cli(["sweep", specPath, "--out", dir, "--slurm", "--array", "4", "--wait", "--poll", "0.5"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/submitted job \d+: tasks 1 of 4 \(\d+ unfinished points\)/);
    const job = jobRecord(dir);
    expect(job.history.map((h: { tasks: number[] }) => h.tasks)).toEqual([[1, 2, 3, 4], [1]]);
    expect(job.tasks).toEqual([1]);
    const lines = sortedLines(dir);
    expect(lines).toHaveLength(24);
    expect(lines).toEqual(sortedLines(local));
    // the shard's finished points were kept, not run again: its file has each point once
    const shard = readFileSync(results, "utf8").trim().split("\n");
    expect(new Set(shard).size).toBe(shard.length);
    expect(shard).toHaveLength(6);
  }, 240_000);

  it("refuses a different --array for a folder already submitted", () => {
    const dir = join(root, "whole");
    const r = cli(["sweep", specPath, "--out", dir, "--slurm", "--array", "3"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/array: .* was submitted as 4 tasks/);
  });
});
