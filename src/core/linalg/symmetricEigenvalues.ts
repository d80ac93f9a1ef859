/**
 * Eigenvalues of a real symmetric n×n matrix (row-major; only read, not modified), ascending:
 * Householder reduction to tridiagonal form — for column k, v from A[k+1:, k], and with p = B·v,
 * K = vᵀp, w = p − K·v the trailing block becomes B − 2(v·wᵀ + w·vᵀ) — then the implicit QL
 * algorithm with Wilkinson-type shifts on the tridiagonal matrix (Golub & Van Loan (2013),
 * "Matrix Computations", §8.3; Press et al. (2007), "Numerical Recipes", §11.4). ≈ 4n³/3 flops.
 * @throws if QL does not converge in 60 iterations for an eigenvalue (it always does in practice).
 */
export function symmetricEigenvalues(matrix: ArrayLike<number>, n: number): Float64Array {
  const a = Float64Array.from(matrix as ArrayLike<number>);
  if (a.length !== n * n) throw new RangeError(`symmetricEigenvalues: need ${n}x${n} values, got ${a.length}`);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const len = n - k - 1;
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      v[i] = a[(k + 1 + i) * n + k];
      norm2 += v[i] * v[i];
    }
    const norm = Math.sqrt(norm2);
    if (norm === 0) {
      e[k] = 0;
      continue;
    }
    const alpha = v[0] >= 0 ? -norm : norm;
    v[0] -= alpha;
    const vn = Math.sqrt(norm2 - (v[0] + alpha) ** 2 + v[0] * v[0]);
    e[k] = alpha;
    if (vn === 0) continue;
    for (let i = 0; i < len; i++) v[i] /= vn;
    // p = B v, B = a[k+1:, k+1:]
    let K = 0;
    for (let i = 0; i < len; i++) {
      let s = 0;
      const row = (k + 1 + i) * n + k + 1;
      for (let j = 0; j < len; j++) s += a[row + j] * v[j];
      p[i] = s;
      K += v[i] * s;
    }
    for (let i = 0; i < len; i++) p[i] -= K * v[i];
    for (let i = 0; i < len; i++) {
      const row = (k + 1 + i) * n + k + 1;
      const vi = v[i];
      const wi = p[i];
      for (let j = 0; j < len; j++) a[row + j] -= 2 * (vi * p[j] + wi * v[j]);
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  if (n >= 2) e[n - 2] = a[(n - 1) * n + n - 2];
  e[n - 1] = 0;
  tridiagonalQl(d, e);
  return d.sort();
}

/** Implicit QL with shifts on the symmetric tridiagonal matrix (diagonal d, sub-diagonal e[0..n−2]); eigenvalues left in d. */
function tridiagonalQl(d: Float64Array, e: Float64Array): void {
  const n = d.length;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error("symmetricEigenvalues: QL did not converge");
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1;
        let c = 1;
        let pp = 0;
        let i: number;
        let underflow = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= pp;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - pp;
          r = (d[i] - g) * s + 2 * c * b;
          pp = s * r;
          d[i + 1] = g + pp;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] -= pp;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
}
