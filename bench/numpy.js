import { spawnSync } from "node:child_process";

/**
 * Runs a Python snippet with the machine's python3 + numpy and returns its JSON output, or null
 * (with the reason logged) when numpy is not there. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are
 * unset for this command only, so that a current numpy picks its best kernel.
 */
export function runNumpy(code, log) {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync("python3", ["-c", code], { env, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    log(`numpy reference unavailable: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop());
}
