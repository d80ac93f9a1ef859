import { readFileSync } from "node:fs";
import { onnxAuditModel } from "./dist/model/onnxModel.js";
import { auditWeights } from "./dist/audit/auditWeights.js";
for (const f of ["torch_default_mlp", "torch_mixed", "torch_convs"]) {
  const m = onnxAuditModel(new Uint8Array(readFileSync(`test/fixtures/models/${f}.onnx`)));
  const t0 = performance.now();
  const { reports } = auditWeights(m, { seed: 0 });
  console.log(f, (performance.now() - t0).toFixed(0), "ms");
  for (const r of reports)
    console.log(
      " ",
      r.name,
      r.shape.join("x"),
      r.fit.family,
      r.fit.std.toPrecision(4),
      r.fit.bound,
      r.fit.pValue.toPrecision(3),
      "| fans",
      r.fanIn,
      r.fanOut,
      JSON.stringify(r.frameworkFans.torch),
      "|",
      r.matches
        .filter((m) => m.framework === "torch" || m.framework === "keras")
        .map((m) => m.framework + ":" + m.spec)
        .join(", "),
      "\n    ",
      r.findings.join(" || "),
      r.spectrum && JSON.stringify(r.spectrum),
    );
}
