import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  expandGrid,
  experimentJsonSchema,
  parseExperimentSpec,
  parseShard,
  pointKey,
  shardPoints,
} from "../../src/experiment/experimentSpec.js";

describe("ExperimentSpec", () => {
  it("reads the README's example grid: 2·2·2·2·3 = 48 points with the fixed values and defaults", () => {
    const spec = parseExperimentSpec(parse(readFileSync(resolve(__dirname, "../../examples/tanh-grid.yaml"), "utf8")));
    const points = expandGrid(spec);
    expect(points).toHaveLength(48);
    expect(points[0]).toMatchObject({
      init: "lecun_normal",
      activation: "tanh",
      depth: 40,
      width: 256,
      seed: 0,
      batch: 64,
      dtype: "float32",
      backward: true,
    });
    expect(points[1]).toMatchObject({ seed: 1 });
    expect(new Set(points.map(pointKey)).size).toBe(48);
  });

  it.each([
    [
      {
        name: "x",
        experiment: "propagate",
        grid: { depth: [4, -3] },
        fixed: { init: "he_normal", activation: "relu", width: 8 },
      },
      /^grid\.depth\[1\]: depth must be an integer from 1 to 100000$/,
    ],
    [
      { name: "x", experiment: "propagate", grid: { dtype: ["float8"] }, fixed: {} },
      /^grid\.dtype\[0\]: .*\(allowed: float64, float32, bfloat16, float16\)/,
    ],
    [
      { name: "x", experiment: "propagate", grid: { colour: ["red"] } },
      /^grid\.colour: unknown field for a propagate experiment \(allowed: init, activation, depth/,
    ],
    [
      { name: "x", experiment: "propagate", grid: { init: ["he_normall(("] } },
      /^grid\.init\[0\]: must be an initializer spec/,
    ],
    [{ name: "x", experiment: "fly" }, /^experiment: .*\(allowed: propagate, train, transformer\)/],
    [
      { name: "x", experiment: "propagate", grid: { depth: [2] }, fixed: { width: 4, activation: "tanh" } },
      /^point\.init: /,
    ],
    [{ name: "x", experiment: "propagate", grid: { depth: [] } }, /^grid\.depth: Too small/],
    [{ experiment: "propagate" }, /^name: /],
  ])("reports bad specs with the field's path and what is allowed (%#)", (raw, message) => {
    expect(() => parseExperimentSpec(raw)).toThrow(message);
  });

  it("shards partition the grid deterministically", () => {
    const pts = Array.from({ length: 10 }, (_, i) => i);
    const a = shardPoints(pts, parseShard("1/3"));
    const b = shardPoints(pts, parseShard("2/3"));
    const c = shardPoints(pts, parseShard("3/3"));
    expect([...a, ...b, ...c].sort((x, y) => x - y)).toEqual(pts);
    expect(a).toEqual([0, 3, 6, 9]);
    expect(() => parseShard("0/3")).toThrow(/^shard: must be K\/N/);
    expect(() => parseShard("4/3")).toThrow(/^shard:/);
  });

  it("has a generated JSON Schema that names the point fields", () => {
    const s = JSON.stringify(experimentJsonSchema());
    for (const k of ["grid", "fixed", "experiment", "init", "activation", "dataset", "optimizer"])
      expect(s).toContain(`"${k}"`);
  });
});
