/** Escapes text for HTML element content and attribute values (& < > " '). */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/** A self-contained HTML page: inline CSS, no scripts or external requests. Body is trusted HTML built with {@link escapeHtml}. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 980px; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
  h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
  figure { margin: 1rem 0; } figcaption { color: #555; font-size: .9rem; }
  pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .85rem; }
  table { border-collapse: collapse; font-size: .9rem; } td, th { border: 1px solid #ddd; padding: .25rem .5rem; text-align: right; }
  th { background: #f2f2f2; } .lead { font-size: 1.05rem; } .meta { color: #666; font-size: .85rem; }
  svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
