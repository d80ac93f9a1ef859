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
  const streams = join(dir, "streams.py");
  writeFileSync(
    streams,
    `import numpy as np\nnp.save(${JSON.stringify(join(dir, "np_s.npy"))}, np.random.default_rng(0).standard_normal(10_000_000, dtype=np.float32))\n`,
  );
  const legacy = join(dir, "legacy.py");
  writeFileSync(
    legacy,
    `import numpy as np\nnp.random.seed(0)\nnp.save(${JSON.stringify(join(dir, "np_l.npy"))}, np.random.randn(10_000_000))\n`,
  );
  const torchNormal = join(dir, "torch_normal.py");
  writeFileSync(
    torchNormal,
    `import numpy as np, torch\ntorch.manual_seed(0)\nnp.save(${JSON.stringify(join(dir, "t_n.npy"))}, torch.randn(10_000_000).numpy())\n`,
  );
  const torchNormal64 = join(dir, "torch_normal64.py");
  writeFileSync(
    torchNormal64,
    `import numpy as np, torch\ntorch.manual_seed(0)\nnp.save(${JSON.stringify(join(dir, "t_n64.npy"))}, torch.randn(10_000_000, dtype=torch.float64).numpy())\n`,
  );
  const torchUniform = join(dir, "torch_uniform.py");
  writeFileSync(
    torchUniform,
    `import numpy as np, torch\ntorch.manual_seed(0)\nnp.save(${JSON.stringify(join(dir, "t_u.npy"))}, torch.empty(10_000_000).uniform_(-0.1, 0.1).numpy())\n`,
  );
  return {
    "rng numpy": {
      initlab: [
        "init",
        "sample",
        "normal(std=1)",
        "--rng",
        "numpy",
        "--shape",
        "10000000",
        "--out",
        join(dir, "s.npy"),
      ],
      numpy: [streams],
      same: [join(dir, "s.npy"), join(dir, "np_s.npy")],
    },
    "rng numpy-legacy": {
      initlab: [
        "init",
        "sample",
        "normal(std=1)",
        "--rng",
        "numpy-legacy",
        "--dtype",
        "float64",
        "--shape",
        "10000000",
        "--out",
        join(dir, "l.npy"),
      ],
      numpy: [legacy],
      same: [join(dir, "l.npy"), join(dir, "np_l.npy")],
    },
    "rng torch normal": {
      initlab: [
        "init",
        "sample",
        "normal(std=1)",
        "--rng",
        "torch",
        "--shape",
        "10000000",
        "--out",
        join(dir, "n.npy"),
      ],
      numpy: [torchNormal],
      python: "/usr/bin/python3",
      same: [join(dir, "n.npy"), join(dir, "t_n.npy")],
    },
    "rng torch normal float64": {
      initlab: [
        "init",
        "sample",
        "normal(std=1)",
        "--rng",
        "torch",
        "--dtype",
        "float64",
        "--shape",
        "10000000",
        "--out",
        join(dir, "n64.npy"),
      ],
      numpy: [torchNormal64],
      python: "/usr/bin/python3",
      same: [join(dir, "n64.npy"), join(dir, "t_n64.npy")],
    },
    "rng torch": {
      initlab: [
        "init",
        "sample",
        "uniform(low=-0.1,high=0.1)",
        "--rng",
        "torch",
        "--shape",
        "10000000",
        "--out",
        join(dir, "u.npy"),
      ],
      numpy: [torchUniform],
      // Debian's python3-torch lives under the system interpreter
      python: "/usr/bin/python3",
      same: [join(dir, "u.npy"), join(dir, "t_u.npy")],
    },
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
