import { describe, expect, it } from 'vitest';
import { html } from '../../lib/report/html-page';
import { MISSING, renderTable } from '../../lib/report/table';

interface Row {
  name: string;
  value: number | null;
  link?: string;
}

const columns = [
  { header: 'name <unit>', cell: (r: Row) => r.name },
  { header: 'value', numeric: true, cell: (r: Row) => r.value },
];

describe('renderTable', () => {
  it('escapes every cell and header', () => {
    const out = renderTable({ caption: 'A & B', columns, rows: [{ name: '<img src=x onerror=alert(1)>', value: 1 }] }).value;
    expect(out).toContain('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(out).toContain('<th>name &lt;unit&gt;</th>');
    expect(out).toContain('<caption>A &amp; B</caption>');
    expect(out).not.toContain('<img');
  });

  it('right-aligns numeric columns and shows missing values as a dash', () => {
    const out = renderTable({ columns, rows: [{ name: 'a', value: null }, { name: 'b', value: 0.5 }] }).value;
    expect(out).toContain('<th class="num">value</th>');
    expect(out).toContain(`<td class="num">${MISSING}</td>`);
    expect(out).toContain('<td class="num">0.5</td>');
    expect(out.match(/<tr>/g)).toHaveLength(3);
  });

  it('passes SafeHtml cells through, whose own values are escaped', () => {
    const out = renderTable({
      columns: [{ header: 'link', cell: (r: Row) => html`<a href="${r.link}">${r.name}</a>` }],
      rows: [{ name: '<x>', value: 1, link: 'run-"1".html' }],
    }).value;
    expect(out).toContain('<a href="run-&quot;1&quot;.html">&lt;x&gt;</a>');
  });

  it('says so when there are no rows', () => {
    expect(renderTable({ columns, rows: [], empty: 'Nothing <here>.' }).value).toBe('<p class="note">Nothing &lt;here&gt;.</p>');
  });

  it('adds row and cell classes', () => {
    const out = renderTable({
      columns: [{ header: 'e', cell: (r: Row) => r.name, className: (r: Row) => (r.value === null ? 'error' : undefined) }],
      rows: [{ name: 'bad', value: null }, { name: 'ok', value: 1 }],
      rowClass: (_r, i) => (i === 0 ? 'group-start' : undefined),
    }).value;
    expect(out).toContain('<tr class="group-start"><td class="error">bad</td></tr>');
    expect(out).toContain('<tr><td>ok</td></tr>');
  });
});
