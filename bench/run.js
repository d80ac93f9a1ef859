#!/usr/bin/env node
// `npm run bench`: times initlab and numpy on the same workloads in one run and prints the ratios.
// Never part of `npm test`. Each benchmark is a module exporting `run(log)`.
const only = process.argv[2];
const benches = ["sampling", "orthogonal", "exact", "w1"];
for (const name of benches) {
  if (only && only !== name) continue;
  const mod = await import(`./${name}.js`);
  console.log(`\n== ${name} ==`);
  await mod.run((line) => console.log(line));
}
