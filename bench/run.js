#!/usr/bin/env node
// `npm run bench`: times initlab and numpy on the same workloads in one run and prints the ratios.
// Never part of `npm test`. Each benchmark is a module exporting `run(log)`.
// `npm run bench -- NAME` runs one; `npm run bench -- --json` times the whole commands only and
// prints { "w1": { "initlab_s", "numpy_s", "ratio" }, "sampling": {…}, "orthogonal": {…} }.
const args = process.argv.slice(2);
if (args.includes("--json")) {
  const { run } = await import("./commands.js");
  const summary = await run((line) => console.error(line));
  console.log(JSON.stringify(summary, null, 2));
} else {
  const only = args[0];
  const benches = ["commands", "sampling", "orthogonal", "exact", "w1"];
  for (const name of benches) {
    if (only && only !== name) continue;
    const mod = await import(`./${name}.js`);
    console.log(`\n== ${name} ==`);
    await mod.run((line) => console.log(line));
  }
}
