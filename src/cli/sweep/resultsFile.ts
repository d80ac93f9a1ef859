import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";

/** One finished point, as stored: one JSON line. */
export interface ResultLine {
  key: string;
  text: string;
}

/**
 * Reads results.jsonl, repairing what a crash can leave: a last line without its newline, or a
 * last line that is not valid JSON, is cut off the file (its point runs again). A corrupt line
 * before the last is an error (something else damaged the file).
 * @param keyOf the point key of a parsed line.
 * @param options.repair cut the damaged last line off the file (default true); false only reads —
 *   for readers that watch a file another process may be appending to.
 */
export function readResults(
  path: string,
  keyOf: (parsed: { point: unknown }) => string,
  options: { repair?: boolean } = {},
): ResultLine[] {
  if (!existsSync(path)) return [];
  const content = readFileSync(path, "utf8");
  const lines = content.split("\n");
  // the text after the last newline is empty (clean end) or a cut-off line: either way it is dropped
  const complete = lines.slice(0, -1);
  const out: ResultLine[] = [];
  let keepBytes = 0;
  for (let i = 0; i < complete.length; i++) {
    const line = complete[i];
    let parsed: { point: unknown } | null;
    try {
      parsed = JSON.parse(line) as { point: unknown };
    } catch {
      parsed = null;
    }
    if (!parsed || typeof parsed !== "object" || !("point" in parsed)) {
      if (i === complete.length - 1) break;
      throw new Error(`${path}: line ${i + 1} is not a result (corrupt file); remove it or start a new --out folder`);
    }
    out.push({ key: keyOf(parsed), text: line });
    keepBytes += Buffer.byteLength(line, "utf8") + 1;
  }
  if ((options.repair ?? true) && keepBytes !== Buffer.byteLength(content, "utf8")) truncateSync(path, keepBytes);
  return out;
}

/** Appends one line with a single write and fsync, so a SIGKILL leaves either the whole line or a cut-off last line. */
export function appendLine(path: string, line: string): void {
  const fd = openSync(path, "a");
  try {
    writeSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
