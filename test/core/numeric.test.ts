import { describe, expect, it } from "vitest";
import {
  DTYPES,
  formatFloat,
  matmul,
  meanStd,
  parseDtype,
  rngStream,
  rounder,
  sumInDtype,
  sumOfSquaresInDtype,
  toJson,
} from "../../src/core/internal.js";
import { fillNormal } from "../../src/core/random/normal.js";

const FLT_MAX = 3.4028234663852886e38;

describe("rounder", () => {
  it("float32 rounds to the nearest float32 with ties to even; float64 is the identity", () => {
    expect(rounder("float32")(1 + 2 ** -24)).toBe(1); // a tie: rounds to the even significand
    expect(rounder("float32")(1 + 3 * 2 ** -24)).toBe(1 + 2 ** -22);
    expect(rounder("float32")(0.1)).toBe(Math.fround(0.1));
    expect(rounder("float64")(0.1)).toBe(0.1);
  });

  it("parseDtype names the field and the allowed values", () => {
    expect(parseDtype("float32")).toBe("float32");
    expect(() => parseDtype("int8")).toThrow('dtype: must be one of float64, float32, bfloat16, float16, got "int8"');
  });
});

describe("sumInDtype", () => {
  it("accumulates in float32: 1 + 2⁻²⁴ + 2⁻²⁴ stays 1 pairwise, but float64 keeps the small terms", () => {
    const v = [1, 2 ** -24, 2 ** -24];
    expect(sumInDtype(v, "float32")).toBe(1);
    expect(sumInDtype(v, "float64")).toBe(1 + 2 ** -23);
  });

  it("overflows to Infinity in float32 when a partial sum passes FLT_MAX", () => {
    expect(sumInDtype([FLT_MAX, FLT_MAX], "float32")).toBe(Infinity);
    expect(sumInDtype([FLT_MAX, FLT_MAX], "float64")).toBe(2 * FLT_MAX);
  });

  it("is exact on subnormals: sums of float32 subnormals are multiples of 2⁻¹⁴⁹", () => {
    const tiny = 2 ** -149;
    expect(sumInDtype(new Array(512).fill(tiny), "float32")).toBe(512 * tiny);
  });
});

describe("sumOfSquaresInDtype", () => {
  it("is Σ round(round(v − c)²) in the dtype, bit-identical to sumInDtype of the rounded squares, incl. overflow and underflow", () => {
    for (const dtype of DTYPES) {
      const round = rounder(dtype);
      for (const scale of [1, 1e-30, 1e20, 1e-3]) {
        const v = Array.from(
          fillNormal(rngStream(7, "sq", dtype, String(scale)), new Float64Array(1000), 0, scale),
          round,
        );
        const c = round(0.3 * scale);
        const centred = v.map((x) => round(round(x - c) ** 2));
        const raw = v.map((x) => round(x * x));
        expect(sumOfSquaresInDtype(v, c, dtype)).toBe(sumInDtype(centred, dtype));
        expect(sumOfSquaresInDtype(v, null, dtype)).toBe(sumInDtype(raw, dtype));
      }
    }
    expect(sumOfSquaresInDtype([FLT_MAX / 2, 1e20], null, "float32")).toBe(Infinity);
    expect(sumOfSquaresInDtype([], 0, "float32")).toBe(0);
  });
});

describe("meanStd (TensorFlow reduce_mean / reduce_std semantics)", () => {
  it("is the population std: std([1, 2, 3, 4]) = √1.25", () => {
    expect(meanStd([1, 2, 3, 4], "float64")).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
  });

  it("float32: the std is inf while the values are finite once Σ(x − mean)² > FLT_MAX", () => {
    // values ±1e19 are finite float32, their squares 1e38 sum to 2e38·… > FLT_MAX for 4 values
    const v = [1e19, -1e19, 1e19, -1e19].map(Math.fround);
    expect(meanStd(v, "float32").std).toBe(Infinity);
    expect(meanStd(v, "float64").std).toBeCloseTo(Math.fround(1e19), -5);
  });

  it("float32: the std is exactly 0 once the variance is below 2⁻¹⁵⁰ (half the smallest subnormal)", () => {
    // (±2⁻⁷⁵)² = 2⁻¹⁵⁰ is a tie between 0 and 2⁻¹⁴⁹ and rounds to even (0); (±2⁻⁷⁴)² = 2⁻¹⁴⁸ survives
    expect(meanStd([2 ** -75, -(2 ** -75)], "float32").std).toBe(0);
    expect(meanStd([2 ** -74, -(2 ** -74)], "float32").std).toBe(Math.fround(Math.sqrt(2 ** -148)));
    expect(meanStd([2 ** -75, -(2 ** -75)], "float64").std).toBe(2 ** -75);
  });

  it("reports non-finite inputs as non-finite results", () => {
    expect(meanStd([1, Number.NaN], "float32").std).toBeNaN();
    expect(meanStd([1, Infinity], "float32").mean).toBe(Infinity);
  });
});

describe("matmul", () => {
  it("computes C = A·B", () => {
    const c = matmul([1, 2, 3, 4, 5, 6], [1, 0, 0, 1, 1, 1], 2, 3, 2, "float64");
    expect(Array.from(c)).toEqual([4, 5, 10, 11]);
  });

  it("accumulates in float32: products and partial sums are rounded", () => {
    const a = [1, 1, 1];
    const b = [1, 2 ** -24, 2 ** -24];
    expect(matmul(a, b, 1, 3, 1, "float32")[0]).toBe(1);
    expect(matmul(a, b, 1, 3, 1, "float64")[0]).toBe(1 + 2 ** -23);
    expect(matmul([1e20], [1e20], 1, 1, 1, "float32")[0]).toBe(Infinity);
  });

  it("gives NaN when float32 overflow meets cancellation (inf − inf)", () => {
    expect(matmul([2e38, 2e38, -1], [1, 1, Infinity], 1, 3, 1, "float32")[0]).toBeNaN();
  });

  it("refuses mismatched shapes with a one-line error", () => {
    expect(() => matmul([1, 2], [1], 1, 2, 1, "float64")).toThrow(/^matmul: shapes do not match/);
  });
});

describe("formatFloat (NumPy scalar repr)", () => {
  it("prints the notebook's float32 numbers as the notebook did", () => {
    const f = (x: number) => formatFloat(Math.fround(x), "float32");
    expect(f(23.241276)).toBe("23.241276");
    expect(f(-886669600)).toBe("-886669600.0");
    expect(f(5869629)).toBe("5869629.0");
    expect(f(1.5143387e16)).toBe("1.5143387e+16");
    expect(f(-3.3166183e-5)).toBe("-3.3166183e-05");
    expect(f(0.0023059484)).toBe("0.0023059484");
    expect(f(1.00011145e-13)).toBe("1.00011145e-13");
    expect(formatFloat(Infinity, "float32")).toBe("inf");
    expect(formatFloat(Number.NaN, "float32")).toBe("nan");
    expect(formatFloat(0, "float32")).toBe("0.0");
  });

  it("uses the shortest float64 round-trip digits for float64", () => {
    expect(formatFloat(0.1, "float64")).toBe("0.1");
    expect(formatFloat(26.245882034301758, "float64")).toBe("26.245882034301758");
  });
});

describe("toJson", () => {
  it("writes non-finite numbers as the strings Infinity, -Infinity and NaN", () => {
    expect(toJson({ a: Infinity, b: -Infinity, c: Number.NaN, d: [1, Infinity] })).toBe(
      '{"a":"Infinity","b":"-Infinity","c":"NaN","d":[1,"Infinity"]}',
    );
  });
});
