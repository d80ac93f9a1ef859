import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Who holds a sweep folder: written into DIR/run.lock. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  started: string;
}

export interface FolderLock {
  /** @throws a one-line error when another run has taken the folder over (this run must stop writing). */
  assertHeld(): void;
  release(): void;
}

export interface FolderLockOptions {
  /** a lock whose file was last touched this long ago is abandoned (its holder hung or its machine died); default 60 s */
  staleMs?: number;
  /** how often the holder touches its lock file; default 5 s */
  heartbeatMs?: number;
  /** how often a waiting run looks again; default 1 s */
  pollMs?: number;
  /** called once when this run starts waiting, with the holder in words */
  onWait?: (holder: string) => void;
}

const LOCK = "run.lock";

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, "utf8")) as LockOwner;
    return typeof o.token === "string" ? o : null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the lock at `path` is abandoned: its holder is a dead process on this machine, or it has not been touched for `staleMs`. */
function abandoned(path: string, staleMs: number): boolean {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return false; // gone: the next attempt takes it
  }
  const owner = readOwner(path);
  if (owner && owner.host === hostname() && !pidAlive(owner.pid)) return true;
  return Date.now() - mtime > staleMs;
}

/**
 * Takes a sweep folder for this run: DIR/run.lock is created exclusively (O_EXCL) with this
 * process's pid, host and a random token, and touched every `heartbeatMs` while held. A second run
 * into the same folder (a double launch, a requeued Slurm task overlapping its first attempt) waits
 * until the first ends, then finds its points done. An abandoned lock — its holder dead on this
 * machine, or silent for `staleMs` (another machine's process that died) — is moved aside atomically
 * (rename: of two waiters only one succeeds) and taken. The holder checks with {@link
 * FolderLock.assertHeld} before each write, so even a holder that was frozen past `staleMs` never
 * writes beside the run that took over.
 */
export async function lockFolder(dir: string, options: FolderLockOptions = {}): Promise<FolderLock> {
  const staleMs = options.staleMs ?? 60_000;
  const path = join(dir, LOCK);
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString("hex"),
    started: new Date().toISOString(),
  };
  let waiting = false;
  for (;;) {
    try {
      writeFileSync(path, `${JSON.stringify(me)}\n`, { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (abandoned(path, staleMs)) {
      const aside = `${path}.abandoned-${me.token}`;
      try {
        renameSync(path, aside);
        unlinkSync(aside);
      } catch {
        // another waiter moved it first
      }
      continue;
    }
    if (!waiting) {
      waiting = true;
      const o = readOwner(path);
      options.onWait?.(o ? `pid ${o.pid} on ${o.host}, since ${o.started}` : "another run");
    }
    await sleep(options.pollMs ?? 1000);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      if (readOwner(path)?.token === me.token) utimesSync(path, now, now);
    } catch {
      // the next assertHeld reports a lost lock
    }
  }, options.heartbeatMs ?? 5000);
  heartbeat.unref();
  return {
    assertHeld() {
      const o = readOwner(path);
      if (o?.token !== me.token)
        throw new Error(
          `out: another run (${o ? `pid ${o.pid} on ${o.host}` : "unknown"}) took ${dir} over after this one was silent for ${staleMs / 1000} s; stopping (finished points are kept)`,
        );
    },
    release() {
      clearInterval(heartbeat);
      if (readOwner(path)?.token === me.token) unlinkSync(path);
    },
  };
}
