import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Whole processes, cold, as a user runs them: the initlab command against the numpy script a user
// would write, alternating, the median of ROUNDS each. numpy gets OPENBLAS_CORETYPE and
// OPENBLAS_L2_SIZE unset (its own best kernels); initlab runs from the built dist/.
const ROUNDS = 3;
const BIN = new URL("../bin/initlab.js", import.meta.url).pathname;
const W1_NUMPY = new URL("./w1_numpy.py", import.meta.url).pathname;

function seconds(cmd, args, env = process.env) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${(r.stderr || "").trim().split("\n").pop()}`);
  return (performance.now() - t) / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The workloads: what a user types, and the numpy (or PyTorch) script doing the same; the --rng ones write bit-identical files. */
function workloads(dir) {
  const sample = join(dir, "sample.py");
  writeFileSync(
    sample,
    `import numpy as np\nrng = np.random.default_rng(0)\nx = rng.standard_normal((8192, 8192), dtype=np.float32)\nx *= np.float32(1 / np.sqrt(8192))\nnp.save(${JSON.stringify(join(dir, "np_x.npy"))}, x)\n`,
  );
  const orth = join(dir, "orth.py");
  writeFileSync(
    orth,
    `import numpy as np\nrng = np.random.default_rng(0)\nq, r = np.linalg.qr(rng.standard_normal((1024, 1024)))\nq *= np.sign(np.diag(r))\nnp.save(${JSON.stringify(join(dir, "np_q.npy"))}, q.astype(np.float32))\n`,
  );
  // the --rng workloads: `init sample` against the framework's script saving the same 10⁷ values;
  // `setup` seeds the framework, `expr` draws (PyTorch's under the system interpreter, Debian's torch)
  const TORCH = "/usr/bin/python3";
  const stream = (key, spec, rng, dtype, setup, expr, python) => {
    const script = join(dir, `${key}.py`);
    const theirs = join(dir, `${key}_ref.npy`);
    writeFileSync(script, `import numpy as np\n${setup}\nnp.save(${JSON.stringify(theirs)}, ${expr})\n`);
    const mine = join(dir, `${key}.npy`);
    const initlab = ["init", "sample", spec, "--rng", rng, "--dtype", dtype, "--shape", "10000000", "--out", mine];
    return { initlab, numpy: [script], ...(python ? { python } : {}), same: [mine, theirs] };
  };
  return {
    "rng numpy": stream(
      "numpy_f32",
      "normal(std=1)",
      "numpy",
      "float32",
      "",
      "np.random.default_rng(0).standard_normal(10_000_000, dtype=np.float32)",
    ),
    "rng numpy-legacy": stream(
      "legacy",
      "normal(std=1)",
      "numpy-legacy",
      "float64",
      "np.random.seed(0)",
      "np.random.randn(10_000_000)",
    ),
    "rng torch normal": stream(
      "torch_n",
      "normal(std=1)",
      "torch",
      "float32",
      "import torch\ntorch.manual_seed(0)",
      "torch.randn(10_000_000).numpy()",
      TORCH,
    ),
    "rng torch normal float64": stream(
      "torch_n64",
      "normal(std=1)",
      "torch",
      "float64",
      "import torch\ntorch.manual_seed(0)",
      "torch.randn(10_000_000, dtype=torch.float64).numpy()",
      TORCH,
    ),
    "rng torch": stream(
      "torch_u",
      "uniform(low=-0.1,high=0.1)",
      "torch",
      "float32",
      "import torch\ntorch.manual_seed(0)",
      "torch.empty(10_000_000).uniform_(-0.1, 0.1).numpy()",
      TORCH,
    ),
    w1: {
      initlab: [
        "propagate",
        "--init",
        "lecun_normal",
        "--activation",
        "tanh",
        "--depth",
        "100",
        "--width",
        "1024",
      ].concat(["--batch", "256", "--backward", "--dtype", "float32", "--json"]),
      numpy: [W1_NUMPY, "1024", "100", "256", "1"],
    },
    sampling: {
      initlab: ["init", "sample", "lecun_normal", "--shape", "8192,8192", "--out", join(dir, "x.npy")],
      numpy: [sample],
    },
    orthogonal: {
      initlab: ["init", "sample", "orthogonal", "--shape", "1024,1024", "--out", join(dir, "q.npy")],
      numpy: [orth],
    },
  };
}

/** Times every workload as whole processes; returns { name: { initlab_s, numpy_s, ratio } }. */
export async function run(log) {
  const dir = mkdtempSync(join(tmpdir(), "initlab-bench-"));
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const summary = {};
  try {
    for (const [name, w] of Object.entries(workloads(dir))) {
      const mine = [];
      const theirs = [];
      for (let r = 0; r < ROUNDS; r++) {
        mine.push(seconds(process.execPath, [BIN, ...w.initlab]));
        if (w.python && !existsSync(w.python)) break;
        theirs.push(seconds(w.python ?? "python3", w.numpy, env));
        log(`${name} round ${r}: initlab ${mine[r].toFixed(2)} s, numpy ${theirs[r].toFixed(2)} s`);
      }
      if (theirs.length === 0) {
        log(`${name}: skipped (${w.python} is not here)`);
        continue;
      }
      const m = median(mine);
      const n = median(theirs);
      summary[name] = { initlab_s: m, numpy_s: n, ratio: m / n };
      if (w.same) {
        // the --rng workloads must write the framework's numbers: compare the two files' arrays
        const check = spawnSync(
          "python3",
          [
            "-c",
            "import sys, numpy as np; a, b = (np.load(p) for p in sys.argv[1:]); print(int(a.dtype == b.dtype and np.array_equal(a, b)))",
            ...w.same,
          ],
          { encoding: "utf8" },
        );
        summary[name].bitIdentical = check.stdout.trim() === "1";
        log(`${name}: the two files are ${summary[name].bitIdentical ? "bit-identical" : "DIFFERENT"}`);
      }
      log(
        `${name} (whole processes, median of ${ROUNDS}): initlab ${m.toFixed(2)} s, numpy ${n.toFixed(2)} s, ratio ${(m / n).toFixed(2)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return summary;
}
