/** The best (smallest) wall time of `repeats` calls of fn, in seconds. */
export function bestOf(repeats, fn) {
  let t = Infinity;
  for (let i = 0; i < repeats; i++) {
    const s = performance.now();
    fn();
    t = Math.min(t, performance.now() - s);
  }
  return t / 1000;
}
