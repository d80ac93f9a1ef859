import { describe, expect, it } from "vitest";
import { FORMATS, roundToFormat, rounder, rngStream, fillNormal } from "../../../src/core/internal.js";

describe("FORMATS", () => {
  it("hold the IEEE/bfloat16 limits: max, smallest normal, smallest subnormal", () => {
    expect(FORMATS.float32.max).toBe(3.4028234663852886e38);
    expect(FORMATS.float32.minSubnormal).toBe(2 ** -149);
    expect(FORMATS.float16.max).toBe(65504);
    expect(FORMATS.float16.minNormal).toBe(2 ** -14);
    expect(FORMATS.float16.minSubnormal).toBe(2 ** -24);
    expect(FORMATS.bfloat16.max).toBe(3.3895313892515355e38);
    expect(FORMATS.bfloat16.minSubnormal).toBe(2 ** -133);
  });
});

describe("roundToFormat", () => {
  it("equals Math.fround for float32 on random doubles of every magnitude, subnormals included", () => {
    const rng = rngStream(0, "fround");
    const z = fillNormal(rng, new Float64Array(20000));
    for (let i = 0; i < z.length; i++) {
      const x = z[i] * 2 ** Math.floor(rng.nextDouble() * 300 - 160);
      expect(roundToFormat(x, FORMATS.float32)).toBe(Math.fround(x));
    }
  });

  it("bfloat16 equals the float32-bits round-to-nearest-even (u + 0x7FFF + lsb) on float32 inputs", () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const rng = rngStream(1, "bf16");
    for (let i = 0; i < 20000; i++) {
      u[0] = rng.nextUint32();
      const x = f[0];
      if (!Number.isFinite(x)) continue;
      const bits = u[0];
      u[0] = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) << 16;
      expect(roundToFormat(x, FORMATS.bfloat16)).toBe(f[0]);
    }
  });

  it("float16: ties to even, gradual underflow, overflow to inf past 65504 + ulp/2", () => {
    const h = rounder("float16");
    expect(h(1 + 2 ** -11)).toBe(1); // tie between 1 and 1 + 2⁻¹⁰ → even
    expect(h(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(h(65519)).toBe(65504);
    expect(h(65520)).toBe(Infinity); // the tie at max + ulp/2 rounds to the (infinite) even neighbour
    expect(h(-70000)).toBe(-Infinity);
    expect(h(2 ** -24)).toBe(2 ** -24);
    expect(h(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal → 0
    expect(h(1.5 * 2 ** -25)).toBe(2 ** -24);
    expect(h(3 * 2 ** -26)).toBe(2 ** -24);
    expect(h(Number.NaN)).toBeNaN();
  });

  it("bfloat16: 8 significand bits", () => {
    const b = rounder("bfloat16");
    expect(b(1 + 2 ** -8)).toBe(1);
    expect(b(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6);
    expect(b(3.4e38)).toBe(Infinity);
    expect(b(2 ** -134)).toBe(0);
    expect(b(2 ** -133)).toBe(2 ** -133);
  });
});
