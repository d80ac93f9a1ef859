import { describe, expect, it } from "vitest";
import { checkAuditBudget, LAB_AUDIT_MAX_BYTES } from "../../src/web/auditProtocol.js";

describe("the lab's audit budget", () => {
  it("refuses files over the budget with their size, before anything is read", () => {
    const files = [{ bytes: { byteLength: LAB_AUDIT_MAX_BYTES } }, { bytes: { byteLength: 2 ** 20 } }];
    expect(() => checkAuditBudget(files)).toThrow(
      /^model: 257 MiB of files is over the lab.s memory budget of 256 MiB .*npx initlab audit FILE$/,
    );
    expect(() => checkAuditBudget(files.slice(0, 1))).not.toThrow();
    expect(() => checkAuditBudget([])).toThrow(/^model: pick a model file/);
  });
});
