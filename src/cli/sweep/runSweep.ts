import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Piscina } from "piscina";
import { compiledWorker } from "../../adapters/compiledWorker.js";
import type { ExperimentSpec, Point } from "../../experiment/experimentSpec.js";
import { expandGrid, parseExperimentSpec, pointKey, shardPoints } from "../../experiment/experimentSpec.js";
import type { CliIo } from "../io.js";
import type { FolderLock } from "./folderLock.js";
import { lockFolder } from "./folderLock.js";
import { pointsBar } from "./pointsBar.js";
import { appendLine, readResults } from "./resultsFile.js";

/** The stored form of a spec in DIR/spec.json. */
export function specText(spec: ExperimentSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}

export interface SweepOptions {
  out: string;
  workers?: number;
  shard?: { index: number; count: number } | null;
  /** stop after this many new points (tests use it to interrupt a run) */
  limit?: number;
}

/**
 * Runs a sweep: the grid's points (or shard K/N of them) on a piscina worker pool, appending one
 * line {"point", "result"} per finished point to OUT/results.jsonl with a single fsync'd write.
 * A rerun reads the file, cuts a half-written or corrupt last line, skips every point already
 * there and runs the rest — so no finished point is lost and none is duplicated. Two runs into one
 * folder at once never both write: the second waits for the first ({@link lockFolder}) and then
 * finds its points done. Results do not depend on the worker count, order or shard: each point
 * carries its seed.
 */
export async function runSweep(
  spec: ExperimentSpec,
  o: SweepOptions,
  io: CliIo,
): Promise<{ total: number; skipped: number; ran: number }> {
  mkdirSync(o.out, { recursive: true });
  const specPath = join(o.out, "spec.json");
  if (existsSync(specPath) && readFileSync(specPath, "utf8") !== specText(spec)) {
    throw new Error(`out: ${o.out} holds results of a different spec (spec.json differs); use another folder`);
  }
  writeFileSync(specPath, specText(spec));
  const lock = await lockFolder(o.out, {
    onWait: (holder) => io.stderr(`initlab: another run is writing into ${o.out} (${holder}); waiting for it to end\n`),
  });
  try {
    return await runPoints(spec, o, io, lock);
  } finally {
    lock.release();
  }
}

/** The points not yet in OUT/results.jsonl, run on the pool while this run holds the folder. */
async function runPoints(
  spec: ExperimentSpec,
  o: SweepOptions,
  io: CliIo,
  lock: FolderLock,
): Promise<{ total: number; skipped: number; ran: number }> {
  const resultsPath = join(o.out, "results.jsonl");
  const points = shardPoints(expandGrid(spec), o.shard ?? null);
  const done = new Set(readResults(resultsPath, (p) => pointKey(p.point as Point)).map((r) => r.key));
  const todo = points.filter((p) => !done.has(pointKey(p))).slice(0, o.limit ?? Infinity);
  const skipped = points.length - points.filter((p) => !done.has(pointKey(p))).length;
  if (todo.length === 0) return { total: points.length, skipped, ran: 0 };
  const threads = Math.max(1, Math.min(o.workers ?? availableParallelism(), todo.length));
  const pool = new Piscina({
    filename: compiledWorker(import.meta.url, "./sweepWorker.js", "cli/sweep/sweepWorker.js"),
    minThreads: threads,
    maxThreads: threads,
  });
  const bar = pointsBar(io, "initlab sweep");
  bar.start(points.length, skipped);
  let ran = 0;
  try {
    await Promise.all(
      todo.map(async (point) => {
        const text = (await pool.run({ experiment: spec.experiment, point })) as string;
        lock.assertHeld();
        appendLine(resultsPath, `{"point":${JSON.stringify(point)},"result":${text}}`);
        ran++;
        bar.increment();
      }),
    );
  } finally {
    bar.stop();
    await pool.destroy();
  }
  return { total: points.length, skipped, ran };
}

/** Refuses a file that is a symbolic link: initlab never follows a path out of its folder. */
function refuseLink(path: string): void {
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink())
    throw new Error(`merge: ${path} is a symbolic link; initlab reads and writes a sweep folder's own files only`);
}

/**
 * Joins shard folders (or any folders of the same spec) into OUT: every point once, in grid order.
 * A point found more than once with identical results (in one folder or several) is kept once and
 * counted in `duplicates`; the folders are only read (a cut-off last line is skipped, not repaired).
 * @throws if the folders hold different specs, or the same point with different results.
 */
export function mergeSweeps(out: string, dirs: string[]): { points: number; missing: number; duplicates: number } {
  if (dirs.length === 0) throw new Error("merge: name at least one folder to merge");
  const specs = dirs.map((d) => {
    const p = join(d, "spec.json");
    if (!existsSync(p)) throw new Error(`merge: ${d} has no spec.json (not a sweep folder)`);
    refuseLink(p);
    refuseLink(join(d, "results.jsonl"));
    return readFileSync(p, "utf8");
  });
  if (specs.some((s) => s !== specs[0])) throw new Error("merge: the folders hold different specs");
  let spec: ExperimentSpec;
  try {
    spec = parseExperimentSpec(JSON.parse(specs[0]));
  } catch (e) {
    throw new Error(
      `merge: ${join(dirs[0], "spec.json")} is not a sweep spec: ${(e as Error).message.split("\n")[0]}`,
      {
        cause: e,
      },
    );
  }
  // the output's files are written by name: a link there would send them out of the folder
  for (const name of ["spec.json", "results.jsonl"]) refuseLink(join(out, name));
  const byKey = new Map<string, string>();
  let duplicates = 0;
  for (const d of dirs) {
    for (const r of readResults(join(d, "results.jsonl"), (p) => pointKey(p.point as Point), { repair: false })) {
      const prev = byKey.get(r.key);
      if (prev !== undefined && prev !== r.text)
        throw new Error(`merge: point ${r.key} has different results in two places`);
      if (prev !== undefined) duplicates++;
      byKey.set(r.key, r.text);
    }
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "spec.json"), specs[0]);
  const ordered = expandGrid(spec).map(pointKey);
  const lines = ordered.filter((k) => byKey.has(k)).map((k) => byKey.get(k) as string);
  writeFileSync(join(out, "results.jsonl"), lines.length ? `${lines.join("\n")}\n` : "");
  return { points: lines.length, missing: ordered.length - lines.length, duplicates };
}
