"""W1 in numpy: width 1024, depth 100, batch 256, LeCun-normal weights drawn fresh per layer,
tanh, forward + backward of L = 0.5*||out||^2, per-layer statistics, float32. Prints JSON timings."""
import json, sys, time
import numpy as np

n, L, B = (int(a) for a in sys.argv[1:4]) if len(sys.argv) > 3 else (1024, 100, 256)

def w1(seed):
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    x = rng.standard_normal((B, n), dtype=np.float32)
    std = np.float32(1 / np.sqrt(n))
    Ws = []
    for _ in range(L):
        W = rng.standard_normal((n, n), dtype=np.float32)
        W *= std
        Ws.append(W)
    t1 = time.perf_counter()
    acts = [x]
    fwd = []
    for l in range(L):
        P = acts[-1] @ Ws[l]
        A = np.tanh(P)
        acts.append(A)
        fwd.append((float(np.dot(P.ravel(), P.ravel())), float(A.mean()), float(np.dot(A.ravel(), A.ravel())), float(A.min()), float(A.max())))
    g = acts[-1]
    bwd = [None] * L
    for l in reversed(range(L)):
        ga = float(np.dot(g.ravel(), g.ravel()))
        A = acts[l + 1]
        D = g * (1 - A * A)
        gW = acts[l].T @ D
        bwd[l] = (float(np.dot(gW.ravel(), gW.ravel())), ga)
        if l > 0:
            g = D @ Ws[l].T
    t2 = time.perf_counter()
    return {"sample": t1 - t0, "compute": t2 - t1, "total": t2 - t0, "postVarLast": fwd[-1][2] / (B * n) - fwd[-1][1] ** 2}

if __name__ == "__main__":
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    print(json.dumps([w1(i) for i in range(runs)]))
