/**
 * HTML tables from rows: a column says its header, how to get a cell from a row, and whether
 * it is numeric (right-aligned, tabular digits). Every cell is escaped; a cell can only carry
 * markup as `SafeHtml`, which `html` builds by escaping whatever it interpolates. A table sits in
 * a horizontally scrollable region (`.table-wrap`, focusable so the keyboard scrolls it too), so a
 * table wider than the page scrolls instead of being cut off; a `wide` column of prose keeps a
 * readable width instead of squeezing into a sliver that makes every row tall.
 */
import { html, SafeHtml } from './html-page';

export type CellValue = string | number | bigint | null | undefined | SafeHtml;

export interface Column<T> {
  header: string;
  cell: (row: T) => CellValue;
  numeric?: boolean;
  /** Extra class on the column's cells (e.g. 'error'). */
  className?: (row: T) => string | undefined;
  /** Tooltip for the header (what the column means, its unit). */
  title?: string;
  /** A column of running text (reasons, settings, excerpts): kept at least a readable width. */
  wide?: boolean;
}

export interface TableOptions<T> {
  columns: Column<T>[];
  rows: readonly T[];
  caption?: string;
  /** Shown in place of the table when there are no rows. */
  empty?: string;
  /** A class for a row (e.g. to mark the first row of a group). */
  rowClass?: (row: T, index: number) => string | undefined;
}

/** The text shown for a missing value. */
export const MISSING = '–';

function cellText(value: CellValue): string | SafeHtml {
  if (value === null || value === undefined) return MISSING;
  if (value instanceof SafeHtml) return value;
  return String(value);
}

export function renderTable<T>(options: TableOptions<T>): SafeHtml {
  if (options.rows.length === 0) return html`<p class="note">${options.empty ?? 'No rows.'}</p>`;
  const headClass = (c: Column<T>) => [c.numeric ? 'num' : undefined, c.wide ? 'wide' : undefined].filter((x) => x !== undefined).join(' ');
  const head = options.columns.map((c) => html`<th${headClass(c) ? html` class="${headClass(c)}"` : ''}${c.title ? html` title="${c.title}"` : ''}>${c.header}</th>`);
  const body = options.rows.map((row, index) => {
    const rowClass = options.rowClass?.(row, index);
    return html`<tr${rowClass ? html` class="${rowClass}"` : ''}>${options.columns.map((c) => {
        const classes = [c.numeric ? 'num' : undefined, c.wide ? 'wide' : undefined, c.className?.(row)].filter((x): x is string => x !== undefined && x !== '');
        return html`<td${classes.length > 0 ? html` class="${classes.join(' ')}"` : ''}>${cellText(c.cell(row))}</td>`;
      })}</tr>\n`;
  });
  return html`<div class="table-wrap" tabindex="0" role="region"${options.caption ? html` aria-label="${options.caption}"` : ''}><table class="data">${options.caption ? html`<caption>${options.caption}</caption>` : ''}
<thead><tr>${head}</tr></thead>
<tbody>
${body}</tbody>
</table></div>`;
}
