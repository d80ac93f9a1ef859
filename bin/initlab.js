#!/usr/bin/env node
// The initlab command: the compiled CLI in dist/. A checkout installed with scripts off (this
// repository's .npmrc) has no dist/ yet: build it once, with a one-line notice.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  const { execFileSync } = await import("node:child_process");
  const root = fileURLToPath(new URL("..", import.meta.url));
  process.stderr.write("initlab: building dist/ (first run in this checkout)\n");
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url)), "-p", "tsconfig.build.json"],
    { cwd: root, stdio: "inherit" },
  );
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
