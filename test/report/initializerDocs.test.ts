import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { INITIALIZERS } from "../../src/core/internal.js";
import { initializerDocs } from "../../src/report/initializerDocs.js";

describe("docs/initializers.md", () => {
  it("is exactly what the catalog generates (run `npm run docs` after changing the catalog)", () => {
    expect(readFileSync(resolve(__dirname, "../../docs/initializers.md"), "utf8")).toBe(initializerDocs());
  });

  it("documents every initializer with its formula and paper", () => {
    const docs = initializerDocs();
    for (const d of INITIALIZERS) {
      expect(docs).toContain(`### \`${d.name}\``);
      expect(docs).toContain(d.formula);
    }
    expect(docs).toContain("| scheme | initlab | torch | keras | tfjs | jax | flax |");
  });
});

describe("docs/experiment.schema.json", () => {
  it("is exactly the schema generated from ExperimentSpec (run `npm run docs` after changing it)", async () => {
    const { experimentJsonSchema } = await import("../../src/experiment/experimentSpec.js");
    expect(readFileSync(resolve(__dirname, "../../docs/experiment.schema.json"), "utf8")).toBe(
      `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`,
    );
  });
});

describe("every catalog entry has a worked example", () => {
  it("that names the entry itself and runs as the command the docs print", async () => {
    const { INITIALIZERS } = await import("../../src/core/init/catalog.js");
    const { findInitializer } = await import("../../src/core/init/resolveInitializer.js");
    const { parseInitSpec } = await import("../../src/core/init/initSpec.js");
    const { runCli } = await import("../cli/helpers.js");
    for (const d of INITIALIZERS) {
      expect(findInitializer(parseInitSpec(d.example.spec).name).name).toBe(d.name);
      const args = [
        "init",
        "inspect",
        d.example.spec,
        "--shape",
        d.example.shape.join(","),
        ...(d.example.framework ? ["--framework", d.example.framework] : []),
        "--json",
      ];
      const r = await runCli(args);
      expect(r.code, `${d.name}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout).initializer).toBe(d.name);
    }
  });
});
