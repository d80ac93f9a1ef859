import { expect } from "vitest";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";

/** Runs the CLI in-process with raw arguments; returns exit code and captured streams. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let clock = 0;
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stderrIsTTY: false,
    now: () => (clock += 50),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Runs the CLI and checks the failure: non-zero exit, exactly one line on stderr, matching `message`. */
export async function expectOneLineError(args: string[], message: RegExp): Promise<void> {
  const { code, stderr } = await runCli(args);
  expect(code).toBeGreaterThan(0);
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(message);
}
