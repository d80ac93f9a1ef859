import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const library = pathToFileURL(join(ROOT, "dist/core/index.js")).href;
const doc = readFileSync(join(ROOT, "docs/library.md"), "utf8");
const examples = [...doc.matchAll(/## (.+)\n+```js\n([\s\S]*?)```/g)].map((m) => ({ title: m[1], code: m[2] }));

describe("docs/library.md: every example runs against the built library (npm test builds first)", () => {
  it("has examples", () => expect(examples.length).toBeGreaterThanOrEqual(5));
  const dir = mkdtempSync(join(tmpdir(), "initlab-docs-"));
  for (const [i, ex] of examples.entries()) {
    it(ex.title, () => {
      const file = join(dir, `example${i}.mjs`);
      writeFileSync(file, ex.code.replaceAll('from "initlab"', `from ${JSON.stringify(library)}`));
      // throws (and fails the test) when an assertion in the example fails
      execFileSync(process.execPath, [file], { stdio: "pipe" });
    });
  }
});

describe("the published API is curated", () => {
  it("exports no engine internals (arena, gemm kernels, draw caches)", async () => {
    const api = await import("../../src/core/index.js");
    for (const internal of ["arena", "freshArrays", "denseForward", "layerOutput", "im2col", "col2im", "gemm", "WasmFloat32Gemm", "drawCacheKey", "mix32"]) expect(api).not.toHaveProperty(internal);
    for (const name of ["resolveInitializer", "initialize", "rngStream", "propagate", "meanField", "seedStudy", "auditTensor"]) expect(typeof (api as Record<string, unknown>)[name]).toBe("function");
  });
});
