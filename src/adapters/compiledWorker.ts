import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The URL of a compiled worker module. Worker threads run JavaScript, so when the calling module
 * itself runs from the TypeScript sources (under the test runner) the worker is the dist/ build of
 * the same file (`npm test` builds first).
 * @param here the caller's import.meta.url. @param file the worker's file name beside it, e.g. "./sampleWorker.js".
 * @param distPath the same file's path under dist/, e.g. "adapters/sampling/sampleWorker.js".
 */
export function compiledWorker(here: string, file: string, distPath: string): string {
  const local = new URL(file, here);
  if (existsSync(fileURLToPath(local))) return local.href;
  let dir = new URL("./", here);
  // walk up to the project root (the folder holding dist/)
  for (let i = 0; i < 6; i++) {
    const built = new URL(`dist/${distPath}`, dir);
    if (existsSync(fileURLToPath(built))) return built.href;
    dir = new URL("../", dir);
  }
  throw new Error(`worker: dist/${distPath} is missing; run npm run build`);
}
