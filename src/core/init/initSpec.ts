/** A parsed initializer spec: `name(key=value, …)`. Values are numbers or bare words. */
export interface InitSpec {
  name: string;
  params: Record<string, number | string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses the spec grammar used by the CLI, experiment files and the lab:
 *   spec  := name | name "(" [param ("," param)*] ")"
 *   param := key "=" value;  value := number | word
 * e.g. `he_normal`, `normal(std=0.01)`, `variance_scaling(scale=2,mode=fan_in,distribution=truncated_normal)`.
 * Numbers are JavaScript number literals (`1e-2`, `-0.5`, `2.23606797749979`); words are
 * identifiers (`fan_in`, `relu`). Whitespace is ignored; names are lower-cased.
 * @throws a one-line error saying what is wrong and where.
 */
export function parseInitSpec(text: string): InitSpec {
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
export function formatInitSpec(spec: InitSpec): string {
  const entries = Object.entries(spec.params);
  return entries.length === 0 ? spec.name : `${spec.name}(${entries.map(([k, v]) => `${k}=${v}`).join(",")})`;
}

/**
 * Splits a comma-separated list of specs at the commas outside parentheses:
 * "he_normal,normal(mean=0,std=0.1),default" → ["he_normal", "normal(mean=0,std=0.1)", "default"].
 * @throws a one-line error for unbalanced parentheses or an empty entry.
 */
export function splitSpecList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) throw new SyntaxError(`spec list: unbalanced ")" in ${JSON.stringify(text)}`);
    else if ((ch === "," && depth === 0) || i === text.length) {
      const item = text.slice(start, i).trim();
      if (item === "") throw new SyntaxError(`spec list: an empty entry in ${JSON.stringify(text)}`);
      out.push(item);
      start = i + 1;
    }
  }
  if (depth !== 0) throw new SyntaxError(`spec list: missing ")" in ${JSON.stringify(text)}`);
  return out;
}
