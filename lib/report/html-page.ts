/**
 * The HTML page shell every report uses, and the escaping rules that keep model output and
 * dataset text inert: `escapeHtml` for text and attributes, the `html` tagged template (which
 * escapes every interpolated value unless it is already `SafeHtml`), and `jsonForScript` for
 * JSON inside a <script> element. Pages are self-contained: CSS is inline and scripts come
 * only from the report folder's own assets/.
 */

/** Markup that is already safe to emit as is (built by `html`, or trusted literal markup). */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Marks literal markup written by Benchlab itself as safe. Never pass data to it. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Renders one interpolated value: SafeHtml as is, arrays joined, nothing for null/undefined/false, anything else escaped. */
function renderValue(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: html`<td>${text}</td>` escapes `text`; nested html`` fragments stay as they are. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * JSON for a <script> element: `<` becomes \u003c, so neither `</script>` nor `<!--` can
 * appear, and the line separators U+2028/U+2029 are escaped for old parsers. JSON.parse reads
 * the escapes back to the original text.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface NavLink {
  href: string;
  label: string;
}

export interface PageOptions {
  title: string;
  /** One line under the title (run id, dataset, ...). */
  subtitle?: string;
  /** Links in the header bar (index, trends, ...). */
  nav?: NavLink[];
  body: SafeHtml;
  /** Script elements after the body (the chart loader). */
  scripts?: SafeHtml;
  /** When the page was generated (shown in the footer). */
  generatedAt: Date;
  /** Software versions for the footer, e.g. "benchlab 0.1.0, vega-lite 6.4.3". */
  generator: string;
}

/** The stylesheet, inline in every page: readable tables, figures that print, no web fonts. */
export const PAGE_CSS = `
:root { --ink: #1d2430; --muted: #5b6472; --rule: #d7dce3; --band: #f5f7fa; --accent: #1f5f9e; --bad: #a33131; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.page { border-bottom: 1px solid var(--rule); background: var(--band); }
header.page .inner, main, footer.page { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header.page .inner { padding-top: 18px; padding-bottom: 14px; }
header.page nav { font-size: 13px; margin-bottom: 6px; }
header.page nav a { margin-right: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 650; }
.subtitle { color: var(--muted); font-size: 14px; margin: 0; }
h2 { font-size: 19px; margin: 34px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p.note, .caption { color: var(--muted); font-size: 13px; max-width: 900px; }
a { color: var(--accent); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: 8px 0 4px; scrollbar-width: thin; scrollbar-color: #aab3bf var(--band); }
.table-wrap:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
table.data { border-collapse: collapse; font-size: 13.5px; min-width: 40%; }
table.data caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0 6px; color: var(--ink); }
table.data th, table.data td { padding: 5px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
table.data thead th { background: var(--band); border-bottom: 2px solid var(--rule); font-weight: 600; vertical-align: bottom; }
table.data tbody tr:nth-child(even) td { background: #fbfcfd; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data td.num, table.data td.nowrap { white-space: nowrap; }
table.data th.wide, table.data td.wide { min-width: 22em; }
table.data td.error { color: var(--bad); }
table.data tr.group-start td { border-top: 2px solid var(--rule); }
table.data td.question { max-width: 320px; }
table.data ul.queries { margin: 0; padding-left: 16px; }
table.data ul.queries li { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-word; }
table.data ul.queries li small { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--muted); }
table.data ul.queries li.query-invalid { color: var(--bad); }
table.data ul.queries li.query-invalid small.parse-error { color: var(--bad); }
table.data ul.queries mark.at { background: #f6d3d3; color: inherit; outline: 1px solid var(--bad); }
.tag { display: inline-block; font: 600 10.5px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; padding: 0 5px; border-radius: 3px; border: 1px solid currentColor; }
.tag.invalid { color: var(--bad); }
.tag.repaired { color: #8a5a00; }
table.data td.note { color: var(--muted); }
.citation { display: inline-block; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 0 4px; border-radius: 3px; border: 1px solid currentColor; }
.citation-relevant { color: #1f6b3a; }
.citation-not-relevant, .citation-unjudged { color: var(--muted); }
.citation-hallucinated { color: var(--bad); text-decoration: line-through; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; font-size: 14px; margin: 12px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.findings { border-left: 3px solid var(--accent); background: var(--band); padding: 8px 14px; margin: 14px 0; font-size: 14px; }
.findings ul { margin: 4px 0; padding-left: 18px; }
figure.chart { margin: 14px 0 22px; }
figure.chart .chart-live:empty { display: none; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { color: var(--muted); font-size: 13px; max-width: 900px; margin-top: 4px; }
.status-completed { color: #1d6b36; }
.status-failed, .status-interrupted { color: var(--bad); }
footer.page { color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); margin-top: 40px; padding-top: 10px; padding-bottom: 30px; }
@media print {
  header.page { background: none; }
  header.page nav { display: none; }
  figure.chart, table.data tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;

/** A complete HTML document. Everything that came from data must already be escaped in `body`. */
export function renderPage(options: PageOptions): string {
  const nav = options.nav && options.nav.length > 0 ? html`<nav>${options.nav.map((l) => html`<a href="${l.href}">${l.label}</a>`)}</nav>` : '';
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${options.generator}">
<title>${options.title}</title>
<style>${trusted(PAGE_CSS)}</style>
</head>
<body>
<header class="page"><div class="inner">${nav}
<h1>${options.title}</h1>
${options.subtitle ? html`<p class="subtitle">${options.subtitle}</p>` : ''}
</div></header>
<main>
${options.body}
</main>
<footer class="page">Generated ${options.generatedAt.toISOString()} by ${options.generator}. Works offline: charts are static SVG, made interactive (tooltips, zoom) by the scripts in assets/ when JavaScript is on.</footer>
${options.scripts ?? ''}
</body>
</html>
`;
  return page.value;
}
