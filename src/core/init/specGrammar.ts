/** A spec in initlab's own grammar: `name(key=value, …)`, values numbers or bare words. */
export interface OwnSpec {
  name: string;
  params: Record<string, number | string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses initlab's own spec grammar (used by the CLI, experiment files and the lab):
 *   spec  := name | name "(" [param ("," param)*] ")"
 *   param := key "=" value;  value := number | word
 * e.g. `he_normal`, `normal(std=0.01)`, `variance_scaling(scale=2,mode=fan_in,distribution=truncated_normal)`.
 * Numbers are JavaScript number literals (`1e-2`, `-0.5`, `2.23606797749979`); words are
 * identifiers (`fan_in`, `relu`). Whitespace is ignored; names are lower-cased.
 * @throws a one-line error saying what is wrong and where.
 */
export function parseOwnSpec(text: string): OwnSpec {
  const s = text.trim();
  const open = s.indexOf("(");
  const name = (open === -1 ? s : s.slice(0, open)).trim().toLowerCase();
  if (!NAME.test(name))
    throw new SyntaxError(`init: expected a name like he_normal or normal(std=0.01), got ${JSON.stringify(text)}`);
  const params: Record<string, number | string> = {};
  if (open === -1) return { name, params };
  if (!s.endsWith(")")) throw new SyntaxError(`init: missing ")" in ${JSON.stringify(text)}`);
  const body = s.slice(open + 1, -1).trim();
  if (body === "") return { name, params };
  for (const part of body.split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1)
      throw new SyntaxError(
        `init: parameter ${JSON.stringify(part.trim())} in ${JSON.stringify(text)} needs the form key=value`,
      );
    const key = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    if (!NAME.test(key))
      throw new SyntaxError(`init: bad parameter name ${JSON.stringify(key)} in ${JSON.stringify(text)}`);
    if (key in params) throw new SyntaxError(`init: parameter ${key} given twice in ${JSON.stringify(text)}`);
    const num = Number(raw);
    if (raw !== "" && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) && Number.isFinite(num)) params[key] = num;
    else if (/^[-+]?(inf|infinity)$/i.test(raw)) params[key] = raw.startsWith("-") ? -Infinity : Infinity;
    else if (/^[-+]?nan$/i.test(raw)) params[key] = Number.NaN;
    else if (NAME.test(raw)) params[key] = raw.toLowerCase();
    else
      throw new SyntaxError(
        `init: bad value ${JSON.stringify(raw)} for ${key} in ${JSON.stringify(text)} (a number or a word)`,
      );
  }
  return { name, params };
}

/** Writes a spec back in the grammar's canonical form (parameters in the given order). */
export function formatInitSpec(spec: OwnSpec): string {
  const entries = Object.entries(spec.params);
  return entries.length === 0 ? spec.name : `${spec.name}(${entries.map(([k, v]) => `${k}=${v}`).join(",")})`;
}
