/**
 * The tables of Marsaglia & Tsang's (2000) ziggurat for the normal density f(x) = e^(−x²/2)
 * ("The Ziggurat Method for Generating Random Variables"), for n layers of area v with the base
 * layer's right edge at r, and magnitudes j ∈ [0, m): q = v/f(r); k₀ = ⌊(r/q)·m⌋, k₁ = 0,
 * w₀ = q/m, w_{n−1} = r/m, f₀ = 1, f_{n−1} = f(r), and down from i = n − 2:
 * x_i = √(−2 ln(v/x_{i+1} + f(x_{i+1}))), k_{i+1} = ⌊(x_i/x_{i+1})·m⌋, w_i = x_i/m, f_i = f(x_i).
 * A draw in layer i with magnitude j is x = j·w_i, accepted at once when j < k_i.
 */
export function zigguratTables(
  layers: number,
  r: number,
  v: number,
  m: number,
): { k: Float64Array; w: Float64Array; f: Float64Array } {
  const k = new Float64Array(layers);
  const w = new Float64Array(layers);
  const f = new Float64Array(layers);
  let dn = r;
  let tn = dn;
  const q = v / Math.exp(-0.5 * dn * dn);
  k[0] = Math.floor((dn / q) * m);
  k[1] = 0;
  w[0] = q / m;
  w[layers - 1] = dn / m;
  f[0] = 1;
  f[layers - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = layers - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(v / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = Math.floor((dn / tn) * m);
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / m;
  }
  return { k, w, f };
}
