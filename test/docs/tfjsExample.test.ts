import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## initlab inside TF.js"), readme.indexOf("## Commands"));
const code = /```js\n([\s\S]*?)```/.exec(section)?.[1] ?? "";

describe("README: the initlab/tfjs example runs as written (npm test builds first)", () => {
  it("imports initlab/tfjs and the project's tfjs, audits and LSUVs a model", () => {
    expect(code).toContain('from "initlab/tfjs"');
    // in the package's folder (tmp/ is ignored by git), so "initlab/tfjs" resolves to this package by its
    // exports (self-reference) and tfjs to node_modules, as in a user's project
    const dir = join(ROOT, "tmp/readme");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "tfjs-example.mjs");
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { encoding: "utf8", stdio: "pipe" });
    // tfjs's default kernel is found, with its missing truncation correction
    expect(out).toMatch(/^dense_Dense\d+ glorot_normal .*0\.7737×/m);
    expect(out.match(/: Var (0\.9[5-9]\d|1\.0[0-4]\d) after \d+ rescalings/g)).toHaveLength(3);
  }, 60_000);
});
