import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonForScript, renderPage, trusted } from '../../lib/report/html-page';

const HOSTILE = '</script><script>alert(1)</script>';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml('plain text')).toBe('plain text');
  });
});

describe('html template', () => {
  it('escapes interpolated values but keeps nested fragments and trusted markup', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${HOSTILE}</p>${inner}${trusted('<hr>')}`.value).toBe(
      '<p>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p><b>&lt;i&gt;</b><hr>',
    );
  });

  it('joins arrays and drops null, undefined and false', () => {
    expect(html`${['<a>', html`<br>`]}${null}${undefined}${false}${0}`.value).toBe('&lt;a&gt;<br>0');
  });
});

describe('jsonForScript', () => {
  it('cannot close the script element or open a comment, and parses back to the same value', () => {
    const value = { query: HOSTILE, comment: '<!-- x -->', amp: 'a & b', separators: 'a\u2028b\u2029c' };
    const json = jsonForScript(value);
    expect(json).not.toContain('<');
    expect(json).not.toContain('>');
    expect(json.toLowerCase()).not.toContain('</script');
    expect(json).not.toContain('<!--');
    expect(json).toContain('\\u003c/script\\u003e');
    expect(json).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('renderPage', () => {
  it('escapes the title and subtitle, inlines the CSS and loads nothing from the network', () => {
    const page = renderPage({
      title: `Run ${HOSTILE}`,
      subtitle: '<b>dataset</b>',
      nav: [{ href: 'index.html', label: 'All reports' }],
      body: html`<p>${HOSTILE}</p>`,
      generatedAt: new Date('2026-01-02T03:04:05Z'),
      generator: 'benchlab test',
    });
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('<title>Run &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(page).toContain('&lt;b&gt;dataset&lt;/b&gt;');
    expect(page).toContain('<style>');
    expect(page).toContain('2026-01-02T03:04:05.000Z');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
