import { describe, expect, it } from "vitest";
import { auditTensor } from "../../../src/core/audit/auditTensor.js";
import { initialize } from "../../../src/core/init/initialize.js";
import { kernelContext } from "../../../src/core/init/kernel.js";
import { rngStream } from "../../../src/core/random/Rng.js";

function audit(
  spec: string,
  shape: number[],
  framework: "torch" | "keras" | "tfjs" | null,
  recorded?: { spec: string; framework: "tfjs" | "keras" },
) {
  const layout = framework === "torch" ? "torch" : "keras";
  const values = initialize(spec, { shape, framework }, rngStream(0, "w", spec)).values;
  return auditTensor(values, kernelContext(shape, { layout }), {
    rng: rngStream(0, "audit"),
    origin: framework,
    recorded: recorded ?? null,
  });
}

const has = (a: ReturnType<typeof audit>, spec: string, fw: string) =>
  a.matches.some((m) => m.spec === spec && m.framework === fw);

describe("schemeMatches", () => {
  it("torch's default Linear init is named as such: U(±1/√fan_in)", () => {
    const a = audit("kaiming_uniform(a=2.23606797749979)", [256, 200], "torch");
    expect(a.fit.family).toBe("uniform");
    expect(a.fit.bound).toBeCloseTo(1 / Math.sqrt(200), 3);
    const m = a.matches.find((x) => x.framework === "torch")!;
    expect(m.spec).toBe("kaiming_uniform(a=2.23606797749979)");
    expect(m.note).toMatch(/torch default/);
  });

  it("lecun_normal and kaiming_normal(mode=fan_out, nonlinearity=relu) coincide for a 200→400 layer", () => {
    const a = audit("lecun_normal", [400, 200], "torch");
    expect(has(a, "lecun_normal", "torch")).toBe(true);
    expect(has(a, "kaiming_normal(mode=fan_out,nonlinearity=relu)", "torch")).toBe(true);
    expect(has(a, "glorot_normal", "torch")).toBe(false);
  });

  it("keras's corrected ±2σ truncated glorot_normal is told apart from tfjs's uncorrected one", () => {
    const k = audit("glorot_normal", [300, 300], "keras");
    expect(k.fit.family).toBe("truncated_normal");
    expect(has(k, "glorot_normal", "keras")).toBe(true);
    expect(has(k, "glorot_normal", "tfjs")).toBe(false);
    const t = audit("glorot_normal", [300, 300], "tfjs", { spec: "glorot_normal", framework: "tfjs" });
    expect(has(t, "glorot_normal", "tfjs")).toBe(true);
    expect(has(t, "glorot_normal", "keras")).toBe(false);
    expect(t.recorded?.consistent).toBe(true);
    expect(t.findings.join(" ")).toMatch(/0\.7737/);
  });

  it("a recorded initializer the values do not follow is reported, with the std ratio", () => {
    const a = audit("he_normal", [300, 300], "keras", { spec: "glorot_uniform", framework: "keras" });
    expect(a.recorded?.consistent).toBe(false);
    expect(a.recorded?.stdRatio).toBeCloseTo(Math.sqrt(2 / 300) / Math.sqrt(1 / 300), 1);
    expect(a.findings.join(" ")).toMatch(/records glorot_uniform \(keras\) but the weights do not follow it/);
  });

  it("reports a grouped conv's framework fans beside its real ones", () => {
    const a = audit("kaiming_uniform(a=2.23606797749979)", [64, 8, 3, 3], "torch");
    // torch layout [out, in/g, k, k] with groups 4: torch ignores groups in fan_out
    const ctx = kernelContext([64, 8, 3, 3], { layout: "torch", groups: 4 });
    const b = auditTensor(
      initialize("he_normal", { shape: [64, 8, 3, 3], framework: "torch", groups: 4 }, rngStream(1, "g")).values,
      ctx,
      { rng: rngStream(0, "a"), origin: "torch" },
    );
    expect(b.fans).toMatchObject({ fanIn: 72, fanOut: 144 });
    expect(b.frameworkFans.torch).toEqual({ fanIn: 72, fanOut: 576 });
    expect(b.findings.join(" ")).toMatch(/groups are ignored in fan_out/);
    expect(a.frameworkFans.torch).toEqual({ fanIn: 72, fanOut: 576 });
  });
});
