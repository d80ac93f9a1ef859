import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { arrayTaskIds, taskState } from "../../src/cli/sweep/slurm/slurmClient.js";
import type { SlurmClient, TaskState } from "../../src/cli/sweep/slurm/slurmClient.js";
import { jobName, sbatchScript, shellQuote } from "../../src/cli/sweep/slurm/sbatchScript.js";
import { submitSlurmSweep } from "../../src/cli/sweep/slurm/slurmSweep.js";
import { readSpecFile } from "../../src/cli/sweepCommand.js";
import type { CliIo } from "../../src/cli/io.js";
import { expectOneLineError } from "./helpers.js";

const BIN = resolve(__dirname, "../../bin/initlab.js");
const root = mkdtempSync(join(tmpdir(), "initlab-slurm-unit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const specPath = join(root, "spec.yaml");
writeFileSync(
  specPath,
  "name: it's a test\nexperiment: propagate\ngrid:\n  seed: [0, 1, 2, 3, 4]\nfixed:\n  init: lecun_normal\n  activation: tanh\n  depth: 3\n  width: 8\n  batch: 4\n",
);

const base = { name: "x", dir: "/d", tasks: 3, node: "/usr/bin/node", bin: "/opt/initlab/bin/initlab.js", extra: [] };

describe("the Slurm job script", () => {
  it("quotes every path for the shell, whatever it holds", () => {
    expect(shellQuote("/a b/it's")).toBe(`'/a b/it'\\''s'`);
    const script = sbatchScript({ ...base, dir: "/runs/it's here", node: "/opt/node 20/node" });
    expect(script).toContain(
      `exec '/opt/node 20/node' '/opt/initlab/bin/initlab.js' sweep '/runs/it'\\''s here/spec.json'`,
    );
    expect(script).toContain(
      `--out '/runs/it'\\''s here/shards'/"$SLURM_ARRAY_TASK_ID" --shard "$SLURM_ARRAY_TASK_ID/3"`,
    );
  });

  it("asks for what the flags say, one #SBATCH line each, and a log per task", () => {
    const script = sbatchScript({
      ...base,
      partition: "gpu",
      time: "1:00:00",
      cpusPerTask: 4,
      mem: "8G",
      extra: ["--qos=short"],
    });
    for (const line of [
      "#SBATCH --array=1-3",
      "#SBATCH --output=/d/slurm/logs/task-%a.log",
      "#SBATCH --partition=gpu",
      "#SBATCH --time=1:00:00",
      "#SBATCH --cpus-per-task=4",
      "#SBATCH --mem=8G",
      "#SBATCH --qos=short",
    ])
      expect(script.split("\n")).toContain(line);
    expect(script).toContain('--workers "${SLURM_CPUS_PER_TASK:-1}"');
  });

  it("refuses an #SBATCH argument that would break out of its line", () => {
    expect(() => sbatchScript({ ...base, extra: ["--qos=a\nrm -rf /"] })).toThrow(/sbatch-arg: .* must be one line/);
  });

  it("names the job initlab-<name> with shell-safe characters", () => {
    expect(jobName("it's a <test>")).toBe("initlab-it_s_a_test_");
  });
});

describe("reading Slurm's answers", () => {
  it("expands array task ids as squeue and sacct print them", () => {
    expect(arrayTaskIds("3")).toEqual([3]);
    expect(arrayTaskIds("[1-3,5%2]")).toEqual([1, 2, 3, 5]);
    expect(arrayTaskIds("N/A")).toEqual([]);
  });

  it.each([
    ["PENDING", "pending"],
    ["RUNNING", "running"],
    ["COMPLETED", "completed"],
    ["CANCELLED by 0", "cancelled"],
    ["TIMEOUT", "timeout"],
    ["OUT_OF_MEMORY", "failed"],
    ["NODE_FAIL", "failed"],
    ["SPECIAL_EXIT", "ended"],
  ])("%s is %s", (slurm, ours) => expect(taskState(slurm)).toBe(ours));
});

/** A scheduler that records submissions and reports the states it is told (the real one runs in test/slurm). */
function scriptedSlurm(states: Map<number, TaskState>): SlurmClient & { submitted: number[][] } {
  const submitted: number[][] = [];
  return {
    submitted,
    submit(_script, tasks) {
      submitted.push([...tasks]);
      return String(100 + submitted.length);
    },
    tasks: () => new Map([...states].map(([k, state]) => [k, { state, slurmState: state.toUpperCase() }])),
  };
}

const quiet = (): CliIo & { out: string } => {
  const io = { out: "", stdout: (t: string) => void (io.out += t), stderr: () => {}, stderrIsTTY: false, now: () => 0 };
  return io;
};
const flags = { sbatchArg: [], dryRun: false, wait: false, poll: 1 };

describe("submitting", () => {
  it("submits every shard the first time, then only those neither finished nor queued or running", async () => {
    const dir = join(root, "resubmit");
    const spec = readSpecFile(specPath);
    const states = new Map<number, TaskState>();
    const slurm = scriptedSlurm(states);
    await submitSlurmSweep(spec, dir, { ...flags, array: 3 }, quiet(), slurm);
    expect(slurm.submitted).toEqual([[1, 2, 3]]);
    // shard 1 finished its points; 2 still runs; 3 was cancelled with nothing written
    const { runSweep } = await import("../../src/cli/sweep/runSweep.js");
    await runSweep(spec, { out: join(dir, "shards/1"), shard: { index: 1, count: 3 }, workers: 1 }, quiet());
    states.set(1, "completed").set(2, "running").set(3, "cancelled");
    const io = quiet();
    await submitSlurmSweep(spec, dir, flags, io, slurm);
    expect(slurm.submitted).toEqual([[1, 2, 3], [3]]);
    expect(io.out).toMatch(/submitted job 102: tasks 3 of 3 \(1 unfinished points\)/);
    // now 3 is queued and 2 still runs: nothing to submit
    states.set(3, "pending");
    const again = quiet();
    await submitSlurmSweep(spec, dir, flags, again, slurm);
    expect(slurm.submitted).toHaveLength(2);
    expect(again.out).toMatch(/nothing to submit: tasks 2,3 are still queued or running/);
  }, 60_000);
});

describe("one-line errors", () => {
  it("says so when sbatch is not on PATH", () => {
    const r = spawnSync(process.execPath, [BIN, "sweep", specPath, "--out", join(root, "nosbatch"), "--slurm"], {
      env: { ...process.env, PATH: "/nonexistent" },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "initlab: error: slurm: sbatch is not on PATH (run this on a Slurm login node, or use --dry-run)\n",
    );
  });

  it.each([
    [["sweep", specPath, "--out", join(root, "e1"), "--array", "2"], /--array: only with --slurm/],
    [
      ["sweep", specPath, "--out", join(root, "e2"), "--slurm", "--shard", "1/2"],
      /shard: --slurm makes the shards itself/,
    ],
    [["sweep", specPath, "--out", join(root, "e3"), "--slurm", "--array", "9", "--dry-run"], /array: at most 5 tasks/],
    [
      ["sweep", specPath, "--out", join(root, "e4"), "--slurm", "--partition", "a b", "--dry-run"],
      /partition: must be one word/,
    ],
    [["sweep", specPath, "--slurm", "--dry-run"], /required option '--out <dir>'/],
    [["sweep", "status", root], /status: .* has no spec.json/],
    [
      ["sweep", specPath, "--out", join(root, "e5"), "--slurm", "--wait", "--poll", "0"],
      /poll: must be a number greater than 0/,
    ],
  ])("%j → one-line error", expectOneLineError);
});
