/**
 * JSON text with non-finite numbers written as the strings "Infinity", "-Infinity" and "NaN"
 * (JSON has no literal for them; `JSON.stringify` would silently write null).
 * @param value any JSON-like value. @param indent spaces per level; default none.
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === "number" && !Number.isFinite(v))
        return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
      if (v instanceof Float64Array || v instanceof Float32Array) return Array.from(v);
      return v;
    },
    indent,
  );
}
