"""Reference values of the frameworks' random streams, for initlab's --rng tests.

Writes test/fixtures/streams/reference.json with the versions that produced it, or with --check
regenerates every case and exits 1 if any differs from the committed file (CI runs this where
Debian's python3-numpy and python3-torch are installed). Small tensors are stored whole (float bits
as hex), large ones as the SHA-256 of their little-endian bytes with their first values.

Run with an interpreter that has numpy and torch: /usr/bin/python3 scripts/referenceStreams.py
"""
import hashlib
import json
import math
import os
import sys

import numpy as np

try:
    import torch
except ImportError:  # numpy cases only
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "streams", "reference.json")
WHOLE = 4096


def entry(name, values, **meta):
    a = np.ascontiguousarray(values)
    e = {"name": name, "dtype": str(a.dtype), "shape": list(a.shape), **meta}
    if a.size <= WHOLE:
        # each value's bits as big-endian hex, concatenated (16 or 8 digits a value)
        e["hex"] = "".join(format(int(v), "016x" if a.dtype == np.float64 else "08x") for v in a.ravel().view(np.uint64 if a.dtype == np.float64 else np.uint32))
    else:
        e["sha256"] = hashlib.sha256(a.astype(a.dtype.newbyteorder("<")).tobytes()).hexdigest()
        e["head"] = [float(v) for v in a.ravel()[:8]]
    return e


def numpy_cases():
    cases = []
    for seed in [0, 1, 42, 4294967295]:
        for n in [1, 7, 1000, 3001] + ([100003] if seed in (0, 42) else []):
            np.random.seed(seed)
            cases.append(entry("numpy-legacy randn", np.random.randn(n), rng="numpy-legacy", call="normal", seed=seed, n=n, mean=0.0, std=1.0))
        np.random.seed(seed)
        cases.append(entry("numpy-legacy uniform", np.random.uniform(-2.0, 3.0, 1001), rng="numpy-legacy", call="uniform", seed=seed, n=1001, low=-2.0, high=3.0))
    for seed in [0, 1, 12345678901]:
        for n in [1, 7, 1000, 100003] + ([3000001] if seed == 0 else []):
            for dt in ["float64", "float32"]:
                g = np.random.default_rng(seed)
                cases.append(entry("numpy standard_normal", g.standard_normal(n, dtype=getattr(np, dt)), rng="numpy", call="normal", seed=seed, n=n, mean=0.0, std=1.0))
        g = np.random.default_rng(seed)
        cases.append(entry("numpy uniform", g.uniform(-0.5, 0.25, 999), rng="numpy", call="uniform", seed=seed, n=999, low=-0.5, high=0.25))
        g = np.random.default_rng(seed)
        cases.append(entry("numpy random float32", g.random(1001, dtype=np.float32), rng="numpy", call="uniform", seed=seed, n=1001, low=0.0, high=1.0))
    return cases


def log_arguments(u):
    """Arguments for ln from uniforms u (3 a value), by float64 operations that JavaScript repeats exactly:
    r² of the polar method (u in [0, 1)), values near 1 (either side of glibc's 1 ± 2⁻⁴ switch), and
    every binade from 2⁻¹⁰⁰⁰ to 2¹⁰⁰⁰."""
    a, b = u[0::3], u[1::3]
    kind = np.arange(a.size) % 3
    near_one = 1.0 + (a - 0.5) * 0.15
    wide = (a + 0.5) * np.exp2(np.floor(b * 2000.0) - 1000.0)
    return np.where(kind == 0, a, np.where(kind == 1, near_one, wide))


def log1pf_arguments(u):
    """float32 arguments for log1pf from float32 uniforms u (two a value), by float32 operations that
    JavaScript repeats exactly (Math.fround): −u as in the ziggurat's tail, (u − ½)·2⁻²⁰ around 0, and
    u·2^(⌊80v⌋ − 20) over the positive range."""
    a, b = u[0::2], u[1::2]
    kind = np.arange(a.size) % 3
    tail = -a
    small = (a - np.float32(0.5)) * np.float32(2.0**-20)
    wide = a * np.exp2(np.floor(b * np.float32(80.0)) - np.float32(20.0)).astype(np.float32)
    return np.where(kind == 0, tail, np.where(kind == 1, small, wide)).astype(np.float32)


def log1p_arguments(u):
    """Arguments for log1p from uniforms u (two a value), by float64 operations JavaScript repeats:
    −u as in the ziggurat's tail, (u − ½)·2⁻²⁵ around 0, and (u + ½)·2^(⌊100v⌋ − 50) − 1."""
    a, b = u[0::2], u[1::2]
    kind = np.arange(a.size) % 3
    wide = (a + 0.5) * np.exp2(np.floor(b * 100.0) - 50.0) - 1.0
    return np.where(kind == 0, -a, np.where(kind == 1, (a - 0.5) * 2.0**-25, wide))


def sincos_arguments(u):
    """Arguments for sin and cos from uniforms u: 2π·u (PyTorch's θ), (u − ½)·0.3, (u − ½)·200."""
    kind = np.arange(u.size) % 3
    return np.where(kind == 0, 2.0 * math.pi * u, np.where(kind == 1, (u - 0.5) * 0.3, (u - 0.5) * 200.0))


def libm_cases():
    """glibc's log, which NumPy's legacy normals call (Python's math.log is C's log), its log1p and
    log1pf, which NumPy's float64 and float32 ziggurats call in their tails (log1pf through ctypes)."""
    import ctypes
    import ctypes.util

    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    log1pf = libm.log1pf
    log1pf.restype = ctypes.c_float
    log1pf.argtypes = [ctypes.c_float]
    cases = []
    for seed, n in [(2026, 4096), (2027, 200000)]:
        x = log_arguments(np.random.default_rng(seed).random(3 * n))
        cases.append(entry("glibc log (math.log)", np.array([math.log(v) if v > 0 else -math.inf for v in x]), rng="libm", call="log", seed=seed, n=n))
    for seed, n in [(2030, 4096), (2031, 200000)]:
        x = log1p_arguments(np.random.default_rng(seed).random(2 * n))
        cases.append(entry("glibc log1p (math.log1p)", np.array([math.log1p(v) for v in x]), rng="libm", call="log1p", seed=seed, n=n))
    for seed, n in [(2032, 2048), (2033, 100000)]:
        x = sincos_arguments(np.random.default_rng(seed).random(n))
        both = np.array([[math.sin(v), math.cos(v)] for v in x]).ravel()
        cases.append(entry("glibc sin, cos (math.sin, math.cos)", both, rng="libm", call="sincos", seed=seed, n=n))
    for seed, n in [(2028, 4096), (2029, 200000)]:
        x = log1pf_arguments(np.random.default_rng(seed).random(2 * n, dtype=np.float32))
        cases.append(entry("glibc log1pf (ctypes)", np.array([log1pf(float(v)) for v in x], dtype=np.float32), rng="libm", call="log1pf", seed=seed, n=n))
    return cases


def torch_cases():
    if torch is None:
        return []
    cases = []
    for seed, (o, i) in [(0, (512, 784)), (1, (10, 3)), (7, (255, 257))]:
        torch.manual_seed(seed)
        w = torch.nn.init.kaiming_uniform_(torch.empty(o, i), a=math.sqrt(5))
        bound = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + 5)) / math.sqrt(i))
        cases.append(entry("torch kaiming_uniform_(a=sqrt(5))", w.numpy(), rng="torch", call="uniform", seed=seed, n=o * i, low=-bound, high=bound))
        torch.manual_seed(seed)
        lin = torch.nn.Linear(i, o)
        cases.append(entry("torch nn.Linear weight", lin.weight.detach().numpy(), rng="torch", call="linear-weight", seed=seed, n=o * i, fan_in=i))
        cases.append(entry("torch nn.Linear bias", lin.bias.detach().numpy(), rng="torch", call="linear-bias", seed=seed, n=o, fan_in=i))
    for seed in [0, 2]:
        # nn.Conv2d(3, 64, 3): kaiming_uniform_(a=√5) on [64, 3, 3, 3], then the bias, fan_in = 27
        torch.manual_seed(seed)
        conv = torch.nn.Conv2d(3, 64, 3)
        cases.append(entry("torch nn.Conv2d weight", conv.weight.detach().numpy(), rng="torch", call="linear-weight", seed=seed, n=64 * 27, fan_in=27))
        cases.append(entry("torch nn.Conv2d bias", conv.bias.detach().numpy(), rng="torch", call="linear-bias", seed=seed, n=64, fan_in=27))
        # kaiming_normal_ (fan_in, gain √2): normal_(0, gain/√fan_in) on 256·300 values
        torch.manual_seed(seed)
        w = torch.nn.init.kaiming_normal_(torch.empty(256, 300))
        cases.append(entry("torch kaiming_normal_", w.numpy(), rng="torch", call="normal", seed=seed, n=256 * 300, mean=0.0, std=math.sqrt(2.0) / math.sqrt(300)))
    for seed in [0, 3]:
        for n in [1, 10, 15]:
            torch.manual_seed(seed)
            cases.append(entry("torch randn (scalar path)", torch.randn(n).numpy(), rng="torch", call="normal", seed=seed, n=n, mean=0.0, std=1.0))
        # 16 values or more: the AVX2 Box–Muller kernel (avx_mathfun's log and sincos), the last 16 redrawn
        for n in [16, 17, 1000, 100003]:
            torch.manual_seed(seed)
            cases.append(entry("torch randn (vectorized path)", torch.randn(n).numpy(), rng="torch", call="normal", seed=seed, n=n, mean=0.0, std=1.0))
        # float64: normal_fill with libm's log, cos, sin (glibc's cos and sin are not reproduced)
        for n in [16, 1000, 4001]:
            torch.manual_seed(seed)
            cases.append(entry("torch randn float64", torch.randn(n, dtype=torch.float64).numpy(), rng="torch", call="normal", seed=seed, n=n, mean=0.0, std=1.0))
        torch.manual_seed(seed)
        cases.append(entry("torch normal_(0.5, 0.02)", torch.empty(4099).normal_(0.5, 0.02).numpy(), rng="torch", call="normal", seed=seed, n=4099, mean=0.5, std=0.02))
    return cases


def torch_capability():
    """The CPU kernels PyTorch dispatches to here (AVX2 runs normal_ through avx_mathfun)."""
    if torch is None:
        return None
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return os.environ.get("ATEN_CPU_CAPABILITY", "default dispatch")


def build():
    return {
        "producedBy": "scripts/referenceStreams.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "torch": torch.__version__ if torch else None},
        "torchCpuCapability": torch_capability(),
        "cases": numpy_cases() + libm_cases() + torch_cases(),
    }


def main():
    doc = build()
    if "--check" in sys.argv:
        with open(OUT) as f:
            old = json.load(f)
        old_cases = {json.dumps({k: v for k, v in c.items() if k not in ("hex", "sha256", "head")}, sort_keys=True): c for c in old["cases"]}
        bad = 0
        for c in doc["cases"]:
            key = json.dumps({k: v for k, v in c.items() if k not in ("hex", "sha256", "head")}, sort_keys=True)
            if key not in old_cases:
                print("missing from the committed file:", key)
                bad += 1
            elif old_cases[key].get("hex") != c.get("hex") or old_cases[key].get("sha256") != c.get("sha256"):
                print("differs:", key)
                bad += 1
        print(f"{len(doc['cases'])} cases regenerated with numpy {doc['versions']['numpy']}, torch {doc['versions']['torch']}: {bad} differ")
        sys.exit(1 if bad else 0)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(doc['cases'])} cases")


if __name__ == "__main__":
    main()
