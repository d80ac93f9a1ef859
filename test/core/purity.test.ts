import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const CORE = resolve(__dirname, "../../src/core");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe("src/core", () => {
  const sources = files(CORE).filter((f) => f.endsWith(".ts"));

  it("imports nothing outside src/core (no Node, DOM, CLI or report modules)", () => {
    for (const file of sources) {
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)) {
        expect(spec.startsWith("."), `${relative(CORE, file)} imports ${spec}`).toBe(true);
        expect(resolve(file, "..", spec).startsWith(CORE), `${relative(CORE, file)} imports ${spec}`).toBe(true);
      }
    }
  });

  it("uses no global randomness, clock, file system or process", () => {
    for (const file of sources) {
      const text = readFileSync(file, "utf8");
      for (const banned of ["Math.random", "Date.now", "new Date", "performance.", "process.", "require("]) {
        expect(text.includes(banned), `${relative(CORE, file)} uses ${banned}`).toBe(false);
      }
    }
  });
});

describe("src/model and src/audit (shared by the CLI and the lab)", () => {
  const SRC = resolve(__dirname, "../../src");
  const allowed = [join(SRC, "core"), join(SRC, "model"), join(SRC, "audit"), join(SRC, "report", "table.ts")];
  const sources = ["model", "audit"].flatMap((d) => files(join(SRC, d))).filter((f) => f.endsWith(".ts"));

  it("import only core, each other and the plain-text table: no Node, DOM, onnxruntime or tfjs", () => {
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)) {
        const target = resolve(file, "..", spec).replace(/\.js$/, ".ts");
        expect(
          spec.startsWith(".") && allowed.some((a) => target.startsWith(a)),
          `${relative(SRC, file)} imports ${spec}`,
        ).toBe(true);
      }
      const text = readFileSync(file, "utf8");
      for (const banned of ["Math.random", "Date.now", "new Date", "performance.", "process.", "require("])
        expect(text.includes(banned), `${relative(SRC, file)} uses ${banned}`).toBe(false);
    }
  });
});
