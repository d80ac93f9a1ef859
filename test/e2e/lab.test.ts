/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INJECTED, injectedModel } from "../fuzz/injectedModel.js";

/**
 * End-to-end: `npm run build:lab`'s static files served from dist/lab, driven in Debian's
 * headless Chromium (/usr/bin/chromium; .ci/run installs it).
 */
const ROOT = resolve(__dirname, "../..");
const DIST = join(ROOT, "dist/lab");
const SHOTS = join(ROOT, "reports/lab-screenshots");
const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

let browser: Browser;
let base = "";
let close: () => void = () => {};

beforeAll(async () => {
  await build({ configFile: join(ROOT, "vite.config.ts"), logLevel: "silent" });
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
    const file = join(DIST, path === "/" ? "index.html" : path);
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  close = () => server.close();
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  close();
});

async function open(query: string, width = 1280): Promise<{ page: Page; errors: string[]; logs: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const errors: string[] = [];
  const logs: string[] = [];
  page.on("console", (m) => (m.type() === "error" ? errors.push(m.text()) : logs.push(m.text())));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}${query}`);
  return { page, errors, logs };
}

const timing = (page: Page) => page.waitForSelector("#timing", { timeout: 60_000 });

describe("initlab lab in headless Chromium", () => {
  it("the seed's exploding net: charts, and the std becoming non-finite at layer 13 named in words", async () => {
    const { page, errors } = await open("?init=normal(std%3D1)&activation=linear&depth=100&width=512&dtype=float32");
    // the seconds of drawing 100 × 512² weights are announced while they run
    await page.waitForFunction(
      () =>
        document.querySelector("#summary")?.textContent?.includes("Drawing 26.2 M weights (normal(std=1), seed 0)…"),
      null,
      { timeout: 30_000 },
    );
    await timing(page);
    const summary = await page.textContent("#summary");
    expect(summary).toContain("std becomes non-finite at layer 13");
    expect(await page.locator("#charts svg").count()).toBeGreaterThanOrEqual(3);
    expect(await page.textContent("#charts")).toContain("→ inf at layer 13");
    await page.screenshot({ path: join(SHOTS, "exploding.png"), fullPage: true });
    await page.waitForSelector("#chart-grad svg", { timeout: 60_000 });
    // the backward pass's verdict, in the words of `initlab propagate`
    expect(await page.textContent("#verdict-backward")).toMatch(/^The backward gradient explodes toward the input/);
    await page.waitForTimeout(1000);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it("lecun_normal with tanh shows a different, healthy picture", async () => {
    const { page, errors } = await open("?init=lecun_normal&activation=tanh&depth=100&width=512&dtype=float32");
    await timing(page);
    const summary = await page.textContent("#summary");
    expect(summary).toContain("Healthy");
    expect(summary).not.toContain("becomes non-finite");
    await page.screenshot({ path: join(SHOTS, "healthy.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it("changing a control updates the charts and the URL, and the URL round-trips", async () => {
    const { page, errors, logs } = await open(
      "?init=normal(std%3D1)&activation=linear&depth=100&width=512&batch=1&dtype=float32",
    );
    await timing(page);
    // as a user would: the page has finished (the backward pass's gradient chart is drawn) before the first change
    await page.waitForSelector("#chart-grad svg", { timeout: 60_000 });
    // activation change: same weights (cached), one 100 × 512 forward (the backward pass follows half a second later)
    await page.fill("#activation", "tanh");
    await page.press("#activation", "Enter");
    await page.waitForFunction(() => document.querySelector("#summary")?.textContent?.includes("Healthy"), null, {
      timeout: 60_000,
    });
    await timing(page);
    expect(page.url()).toContain("activation=tanh");
    const url = page.url();
    const first = logs.filter((l) => l.startsWith("initlab-lab: update")).pop();
    // warm: two more activation changes on the same weights; the last is what a user feels while exploring
    for (const act of ["relu", "tanh", "selu", "tanh", "gelu", "elu", "linear", "relu", "selu"]) {
      const before = logs.length;
      await page.fill("#activation", act);
      await page.press("#activation", "Enter");
      await page.waitForFunction((a) => location.search.includes(`activation=${a}`), act);
      await expect
        .poll(() => logs.slice(before).some((l) => l.startsWith("initlab-lab: update")), { timeout: 60_000 })
        .toBe(true);
    }
    const warm = logs.filter((l) => l.startsWith("initlab-lab: update")).pop();
    // initializer changes within the normal family: new weights, computed from the cached standard draws
    const rescaled: string[] = [];
    for (const init of ["normal(std=0.01)", "lecun_normal", "he_normal", "normal(std=1)"]) {
      const before = logs.length;
      await page.fill("#init", init);
      await page.press("#init", "Enter");
      await expect
        .poll(() => logs.slice(before).find((l) => l.startsWith("initlab-lab: update")), { timeout: 60_000 })
        .toBeTruthy();
      rescaled.push(
        `${init}: ${logs
          .slice(before)
          .find((l) => l.startsWith("initlab-lab: update"))
          ?.replace("initlab-lab: ", "")}`,
      );
    }
    // a new seed: drawn on both workers into the old draws' memory
    const beforeSeed = logs.length;
    await page.fill("#seed", "3");
    await page.press("#seed", "Enter");
    await expect
      .poll(() => logs.slice(beforeSeed).find((l) => l.startsWith("initlab-lab: update")), { timeout: 60_000 })
      .toBeTruthy();
    rescaled.push(
      `seed 3: ${logs
        .slice(beforeSeed)
        .find((l) => l.startsWith("initlab-lab: update"))
        ?.replace("initlab-lab: ", "")}`,
    );
    // the rescaled and redrawn weights are the drawn ones, bit for bit: a fresh page of the same URL names the same events
    const events = (await page.textContent("#summary .event")) ?? "";
    expect(events).toMatch(/std becomes non-finite at layer \d+/);
    const fresh = await browser.newPage();
    await fresh.goto(page.url());
    await fresh.waitForSelector("#timing", { timeout: 60_000 });
    expect(rescaled.slice(0, -1).every((l) => l.includes("weights rescaled"))).toBe(true);
    expect(rescaled[rescaled.length - 1]).toContain("weights drawn");
    expect(await fresh.textContent("#summary .event")).toBe(events);
    expect(await fresh.textContent("#summary")).toContain("weights drawn");
    await fresh.close();
    console.log(
      `lab timing, initializer changes (weights rescaled from the cached draws) and a seed change (drawn):\n  ${rescaled.join("\n  ")}`,
    );
    console.log(
      `lab timing, 100 layers × 512 forward (batch 1, weights reused): first change ${first}; warm change ${warm}; all (ms):\n  ${logs
        .filter((l) => l.startsWith("initlab-lab: update"))
        .map((l) => l.replace("initlab-lab: ", ""))
        .join("\n  ")}`,
    );
    const again = await browser.newPage();
    await again.goto(url);
    await again.waitForSelector("#timing", { timeout: 60_000 });
    expect(await again.inputValue("#activation")).toBe("tanh");
    expect(page.url()).toContain("activation=selu");
    expect(page.url()).toContain("init=normal%28std%3D1%29");
    expect(page.url()).toContain("seed=3");
    expect(await again.inputValue("#width")).toBe("512");
    expect(errors).toEqual([]);
    await again.close();
    await page.close();
  }, 90_000);

  it("invalid query values show a message and fall back, never a blank page", async () => {
    const { page, errors } = await open("?depth=abc&dtype=int8&init=he_normal((&width=16");
    await timing(page);
    const messages = await page.textContent("#messages");
    expect(messages).toContain('depth="abc" ignored');
    expect(messages).toContain('dtype="int8" ignored');
    expect(messages).toContain("init=");
    expect(await page.locator("#charts svg").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it("the other views: distributions, inspector, phase diagram and the seed study", async () => {
    const { page, errors } = await open("?view=distributions&init=he_normal&activation=relu&depth=30&width=128");
    await timing(page);
    expect(await page.textContent("#charts")).toContain("Distribution of |activation| per layer");
    await page.waitForFunction(
      () => document.querySelector("#grad-holder")?.textContent?.includes("∂L/∂activation"),
      null,
      { timeout: 60_000 },
    );
    await page.waitForSelector("#chart-grad svg", { timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, "distributions.png"), fullPage: true });
    await page.click("#tab-inspector");
    await page.waitForSelector("#charts table");
    expect(await page.textContent("#charts table")).toContain("nn.init.kaiming_normal_");
    await page.fill("#kernel", "3,3,32,2:depthwise");
    await page.press("#kernel", "Enter");
    await page.waitForFunction(
      () => document.querySelector("#charts table")?.textContent?.includes("[64,1,3,3]"),
      null,
      { timeout: 30_000 },
    );
    expect(await page.textContent("#charts table")).toContain("pytorch#23854");
    await page.click("#tab-phase");
    const phaseReady = () =>
      page.waitForFunction(
        () =>
          document.querySelector("#charts svg") !== null &&
          document.querySelector("#summary")?.textContent?.includes("critical line"),
        null,
        { timeout: 60_000 },
      );
    await phaseReady();
    await page.screenshot({ path: join(SHOTS, "phase.png"), fullPage: true });
    // clicking a cell of the heat map sets the initializer from its (σ_w², σ_b²) and opens the Signal view
    const box = await page.locator("#chart-0 svg").boundingBox();
    if (!box) throw new Error("no phase chart");
    await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.5);
    await page.waitForFunction(
      () => location.search.includes("view=signal") && location.search.includes("init=normal"),
      null,
      { timeout: 30_000 },
    );
    // the cell's centre (σ_w², σ_b²) inside the chart's ranges [0.5, 4] × [0, 0.3]: init N(0, σ_w²/width), bias N(0, σ_b²) (a click mid-height is above σ_b² = 0)
    const url = new URL(page.url());
    const width = Number(url.searchParams.get("width") ?? 512);
    const initStd = Number(/^normal\(std=([0-9.e-]+)\)$/.exec(url.searchParams.get("init") ?? "")?.[1]);
    const biasStd = Number(/^normal\(std=([0-9.e-]+)\)$/.exec(url.searchParams.get("biasInit") ?? "")?.[1]);
    expect(initStd ** 2 * width).toBeGreaterThanOrEqual(0.5 - 1e-3);
    expect(initStd ** 2 * width).toBeLessThanOrEqual(4 + 1e-3);
    expect(biasStd ** 2).toBeGreaterThan(0);
    expect(biasStd ** 2).toBeLessThanOrEqual(0.3 + 1e-3);
    await page.click("#tab-phase");
    await page.click("#tab-study");
    await page.waitForFunction(
      () => document.querySelector("#summary")?.textContent?.includes("std becomes inf at layer 13"),
      null,
      { timeout: 60_000 },
    );
    await page.screenshot({ path: join(SHOTS, "study.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("widths lists, initializer parameters as fields, the memory limit, and offline use once loaded", async () => {
    const { page, errors } = await open("?init=glorot_normal&activation=tanh&widths=784,512,256,128,10");
    await timing(page);
    expect(await page.textContent("#summary")).toContain("widths 784,512,256,128,10");
    expect(await page.isDisabled("#depth")).toBe(true);
    // the chosen initializer's parameters become fields; editing one rewrites the spec
    await page.fill("#init", "normal");
    await page.press("#init", "Enter");
    await page.waitForSelector("#param-std");
    expect(await page.getAttribute("#param-std", "placeholder")).toBe("1");
    await page.fill("#param-std", "0.05");
    await page.press("#param-std", "Enter");
    await page.waitForFunction(() => new URLSearchParams(location.search).get("init") === "normal(std=0.05)", null, {
      timeout: 30_000,
    });
    await page.waitForFunction(
      () => document.querySelector("#summary")?.textContent?.includes("normal(std=0.05)"),
      null,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: join(SHOTS, "widths-and-init-params.png"), fullPage: true });
    // once loaded, the lab needs no network: every view still works offline
    await page.context().setOffline(true);
    const probe = errors.length;
    expect(
      await page.evaluate(() =>
        fetch(location.href).then(
          () => "reached the server",
          () => "offline",
        ),
      ),
    ).toBe("offline");
    // the probe's own failed request is the one console error expected here
    expect(errors.splice(probe)).toEqual([expect.stringContaining("ERR_INTERNET_DISCONNECTED")]);
    const shown: [string, string][] = [
      ["phase", "critical line"],
      ["inspector", "quirks"],
      ["study", "std becomes inf at layer 13"],
      ["signal", "updated in"],
    ];
    for (const [view, text] of shown) {
      await page.click(`#tab-${view}`);
      await page.waitForFunction(
        ([v, t]) =>
          location.search.includes(`view=${v}`) && (document.querySelector("#view")?.textContent ?? "").includes(t),
        [view, text],
        { timeout: 60_000 },
      );
    }
    await page.context().setOffline(false);
    // a signal that explodes within float64's range is called what it is, not healthy
    await page.goto(`${base}?init=normal(std%3D1)&activation=linear&depth=30&width=256&dtype=float64`);
    await page.waitForSelector("#timing", { timeout: 60_000 });
    expect(await page.textContent("#summary")).toMatch(
      /The forward signal explodes: std \S+ → \S+ over 30 layers \(×1[56]\.\d+ a layer\), past 10× at layer 1;/,
    );
    // a network over the memory budget is refused with the estimate, before anything is allocated
    await page.goto(`${base}?depth=500&width=2048`);
    await page.waitForFunction(
      () => document.querySelector("#summary")?.textContent?.includes("the lab's limit is"),
      null,
      { timeout: 30_000 },
    );
    expect(await page.textContent("#summary")).toMatch(/size: 500 layers .* would need about 47 GiB/);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("new weights while the other worker is busy (the seed study) are drawn all the same, bit for bit", async () => {
    const { page, errors } = await open("?init=he_normal&activation=relu&depth=60&width=512");
    await timing(page);
    await page.click("#tab-study"); // the other worker starts the seed study (seconds)
    await page.click("#tab-signal");
    await page.fill("#seed", "5");
    await page.press("#seed", "Enter");
    await page.waitForFunction(
      () => document.querySelector("#summary")?.textContent?.includes("seed 5") && document.querySelector("#timing"),
      null,
      { timeout: 60_000 },
    );
    const verdict = await page.textContent("#summary .event, #summary .healthy");
    const fresh = await browser.newPage();
    await fresh.goto(page.url());
    await fresh.waitForSelector("#timing", { timeout: 60_000 });
    expect(await fresh.textContent("#summary .event, #summary .healthy")).toBe(verdict);
    expect(errors).toEqual([]);
    await fresh.close();
    await page.close();
  }, 120_000);

  it("controls are keyboard-usable and labelled", async () => {
    const { page } = await open("?depth=10&width=32");
    await timing(page);
    for (const id of ["init", "activation", "depth", "width", "batch", "dtype", "seed"]) {
      const labelled = await page.evaluate((i) => document.getElementById(i)?.closest("label") !== null, id);
      expect(labelled).toBe(true);
    }
    await page.focus("#dtype");
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(
      () => location.search.includes("dtype=bfloat16") || location.search.includes("dtype=float16"),
      null,
      { timeout: 30_000 },
    );
    await page.close();
  }, 60_000);
});

/** axe-core's WCAG 2 A and AA rules on the page as it is: the violations, each as "rule: n nodes (first target)". */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: join(ROOT, "node_modules/axe-core/axe.min.js") });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.length} nodes (${v.nodes[0]?.target.join(" ")})`);
  });
}

describe("the seed box's generator", () => {
  it("the seed box's generator: choosing torch redraws the weights from it, and the URL keeps the choice", async () => {
    const { page, errors } = await open("?depth=4&width=16&init=normal(std=0.5)&rng=initlab");
    await timing(page);
    const before = await page.textContent("#summary");
    await page.selectOption("#rng", "torch");
    await page.waitForFunction(() => location.search.includes("rng=torch"), null, { timeout: 30_000 });
    await page.waitForFunction((b) => document.querySelector("#summary")?.textContent !== b, before, {
      timeout: 60_000,
    });
    expect(await page.isVisible("#rng")).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});

describe("the transformer view", () => {
  it("the rank-collapse preset: pure attention's tokens collapse, named in words; GPT-2 scaling keeps the stream inside its theory band", async () => {
    const { page, errors } = await open("?view=transformer");
    await page.waitForSelector("[data-presets=transformer]:not([hidden])");
    expect(await page.isHidden("[data-presets=dense]")).toBe(true);
    expect(await page.isHidden("#residual")).toBe(true);
    await page.click("[data-preset=rank-collapse]");
    await page.waitForFunction(() => document.querySelector("#summary")?.textContent?.includes("rank collapse"), null, {
      timeout: 60_000,
    });
    expect(await page.locator("#charts figure").count()).toBe(3);
    expect(await page.textContent("#charts")).toContain("Rank collapse: token cosine per block");
    expect(new URL(page.url()).searchParams.get("blocks")).toBe("pure");
    await page.screenshot({ path: join(SHOTS, "transformer-rank-collapse.png"), fullPage: true });
    await page.click("[data-preset=gpt2]");
    await page.waitForFunction(
      () => /after block 47/.test(document.querySelector("#summary")?.textContent ?? ""),
      null,
      {
        timeout: 60_000,
      },
    );
    const text = (await page.textContent("#summary")) ?? "";
    const [, std, lo, hi] =
      /→ ([\d.]+) after block 47; the mean-field band says ([\d.]+) \(independent tokens\) to ([\d.]+)/.exec(text)!;
    expect(Number(std)).toBeLessThan(1.5);
    expect(Number(std)).toBeGreaterThan(Number(lo) * 0.9);
    expect(Number(std)).toBeLessThan(Number(hi) * 1.1);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("the post-LN decoder preset: cross-attention over an encoder's memory, the gradient ratio last/first above 2 and inside the theory's range", async () => {
    const { page, errors } = await open("?view=transformer");
    await page.waitForSelector("[data-presets=transformer]:not([hidden])");
    await page.click("[data-preset=post-ln-decoder]");
    await page.waitForFunction(
      () => document.querySelector("#summary")?.textContent?.includes("The decoder reads"),
      null,
      { timeout: 90_000 },
    );
    expect(new URL(page.url()).searchParams.get("blocks")).toBe("decoder");
    const text = (await page.textContent("#summary")) ?? "";
    const [, ratio, lo, hi] = /last block \/ first: ([\d.]+) \(theory ([\d.]+) to ([\d.]+)\)/.exec(text)!;
    expect(Number(ratio)).toBeGreaterThan(2);
    expect(Number(ratio)).toBeGreaterThan(Number(lo));
    expect(Number(ratio)).toBeLessThan(Number(hi));
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("a stack the page should not run is refused with an estimate; heads that do not divide the width get the CLI's message", async () => {
    const { page } = await open("?view=transformer&depth=500&width=2048&seq=256");
    await page.waitForFunction(() => document.querySelector("#summary")?.textContent?.startsWith("size:"), null, {
      timeout: 60_000,
    });
    expect(await page.textContent("#summary")).toMatch(/G multiply-adds, \d+ s in the page; the lab's limit is 2 G/);
    await page.goto(`${base}?view=transformer&width=30&heads=4&depth=2`);
    await page.waitForFunction(() => document.querySelector("#summary")?.textContent?.startsWith("heads:"), null, {
      timeout: 60_000,
    });
    expect(await page.textContent("#summary")).toBe("heads: must divide the width (30), got 4");
    await page.close();
  }, 120_000);
});

describe("the audit view, and accessibility", () => {
  const FIXTURES = join(ROOT, "test/fixtures/models");

  it("a PyTorch-exported ONNX MLP: every layer is torch's default init, the CLI's table and charts, and nothing leaves the page", async () => {
    const { page, errors } = await open("?view=audit");
    await page.waitForSelector("#audit-files");
    const requests: string[] = [];
    page.on("request", (r) => requests.push(`${r.method()} ${r.url()}`));
    await page.setInputFiles("#audit-files", join(FIXTURES, "torch_default_mlp.onnx"));
    await page.waitForSelector("#audit-result table", { timeout: 60_000 });
    const cells = await page.locator("#audit-result tbody td.likely").allTextContents();
    expect(cells).toHaveLength(3);
    for (const c of cells) expect(c).toMatch(/^kaiming_uniform\(a=2\.236\d*\) \(torch, default\)/);
    expect(await page.textContent("#audit-result")).toContain("a third of LeCun's");
    // the propagation ran in the page, on onnxruntime-web
    expect(await page.textContent("#audit-result")).not.toContain("propagation:");
    expect(await page.locator("#charts svg").count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SHOTS, "audit-onnx.png"), fullPage: true });
    // after the page loaded: only its own files were fetched (the worker, onnxruntime's .wasm), nothing sent
    for (const r of requests) expect(r.startsWith(`GET ${base}`), r).toBe(true);
    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it("a TF.js model (model.json + shard): its recorded initializer and tfjs's 0.7737× variance; a re-initialized copy to download", async () => {
    const { tfjsModelFolder } = await import("../audit/modelBuilders.js");
    const dir = await tfjsModelFolder((tfl) => {
      const m = tfl.sequential();
      m.add(tfl.layers.dense({ units: 128, inputShape: [64], activation: "tanh" }));
      m.add(tfl.layers.dense({ units: 10 }));
      return m;
    });
    const { page, errors } = await open("?view=audit&seed=3");
    await page.waitForSelector("#audit-files");
    await page.fill("#audit-reinit", "he_normal");
    // commit the field now (its change event re-audits the last pick; here there is none yet), not when the link is clicked
    await page.locator("#audit-reinit").blur();
    await page.setInputFiles("#audit-files", [join(dir, "model.json"), join(dir, "weights.bin")]);
    await page.waitForSelector("#audit-result table", { timeout: 60_000 });
    const text = (await page.textContent("#audit-result")) ?? "";
    expect(text).toContain("variance_scaling(scale=1,mode=fan_avg,distribution=normal) (tfjs) — the weights agree");
    expect(text).toMatch(/0\.7737×/);
    const links = page.locator("#audit-result a.download");
    expect((await links.allTextContents()).sort()).toEqual(["group1-shard1of1.bin", "model.json"]);
    const shard = page.locator("#audit-result a.download", { hasText: "group1-shard1of1.bin" });
    const download = await Promise.all([page.waitForEvent("download"), shard.click()]).then(([d]) => d);
    const saved = join(dir, "reinit-weights.bin");
    await download.saveAs(saved);
    // the same layout, other values: the kernels re-drawn (he_normal, seed 3), the biases kept
    expect(readFileSync(saved).length).toBe(readFileSync(join(dir, "weights.bin")).length);
    expect(readFileSync(saved).equals(readFileSync(join(dir, "weights.bin")))).toBe(false);
    await page.screenshot({ path: join(SHOTS, "audit-tfjs.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("LSUV on the real ONNX graph in the page: the download is the model with orthogonal, rescaled weights", async () => {
    const { page, errors } = await open("?view=audit&seed=1");
    await page.waitForSelector("#audit-files");
    await page.check("#audit-lsuv");
    await page.setInputFiles("#audit-files", join(FIXTURES, "torch_default_mlp.onnx"));
    await page.waitForSelector("#audit-result a.download", { timeout: 90_000 });
    expect(await page.textContent("#audit-result")).toContain(
      "LSUV (orthogonal start, tol 0.1): 3 layers rescaled, all converged",
    );
    const download = await Promise.all([page.waitForEvent("download"), page.click("#audit-result a.download")]).then(
      ([d]) => d,
    );
    expect(download.suggestedFilename()).toBe("torch_default_mlp-reinit.onnx");
    const dir = mkdtempSync(join(tmpdir(), "initlab-lsuv-"));
    const saved = join(dir, "lsuv.onnx");
    await download.saveAs(saved);
    // the CLI reads the page's file: every layer an orthogonal matrix (rescaled by LSUV)
    const { runCli } = await import("../cli/helpers.js");
    const r = await runCli(["audit", saved, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const layers = JSON.parse(r.stdout).layers as { fit: { family: string } }[];
    expect(layers.map((l) => l.fit.family)).toEqual(["orthogonal", "orthogonal", "orthogonal"]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("a file that is not a model gets initlab's one-line error as a message", async () => {
    const { page } = await open("?view=audit");
    await page.waitForSelector("#audit-files");
    await page.setInputFiles("#audit-files", {
      name: "junk.onnx",
      mimeType: "application/octet-stream",
      buffer: Buffer.from([0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    });
    await page.waitForSelector("#audit-result [role=alert]", { timeout: 30_000 });
    expect(await page.textContent("#audit-result [role=alert]")).toBe(
      'model: "junk.onnx" is not an ONNX model, a TF.js model.json or a safetensors file (checked its content)',
    );
    await page.close();
  }, 60_000);

  it("a model whose layer is named <img src=x onerror=alert(1)>: the name shows as text, no dialog opens, no script runs", async () => {
    const { page, errors } = await open("?view=audit");
    let dialogs = 0;
    page.on("dialog", async (d) => {
      dialogs++;
      await d.dismiss();
    });
    const dir = mkdtempSync(join(tmpdir(), "initlab-e2e-inject-"));
    const file = join(dir, "inject.safetensors");
    writeFileSync(file, injectedModel());
    await page.setInputFiles("#audit-files", file);
    await page.waitForSelector("#audit-result table", { timeout: 60_000 });
    expect(await page.textContent("#audit-result")).toContain(INJECTED);
    expect(await page.locator("#audit-result img").count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it.each(["signal", "distributions", "phase", "inspector", "study", "transformer"])(
    "axe-core: no WCAG 2 A/AA violation in the %s view",
    async (view) => {
      const { page, errors } = await open(`?view=${view}&depth=20&width=64`, 1400);
      if (view === "signal" || view === "distributions")
        await page.waitForSelector("#chart-grad svg", { timeout: 60_000 });
      else if (view === "inspector") await page.waitForSelector("#charts table");
      else await page.waitForSelector("#charts svg", { timeout: 60_000 });
      expect(await axeViolations(page)).toEqual([]);
      if (view === "inspector") await page.screenshot({ path: join(SHOTS, "inspector-1400.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    },
    90_000,
  );
});
