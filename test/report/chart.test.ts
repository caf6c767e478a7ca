import { describe, expect, it } from 'vitest';
import { chartElementId, chartFigure, chartScripts, CHART_SPECS_ELEMENT_ID, EMBED_SCRIPTS, renderChart, type ChartSpec } from '../../lib/report/chart';

const HOSTILE = '</script><script>alert(1)</script>';

const barSpec = (label: string): ChartSpec => ({
  title: 'Bars',
  data: { values: [{ model: label, value: 3 }, { model: 'b', value: 5 }] },
  mark: { type: 'bar', tooltip: true },
  encoding: { x: { field: 'model', type: 'nominal', title: 'model' }, y: { field: 'value', type: 'quantitative', title: 'value (ms)' } },
});

describe('renderChart', () => {
  it('renders a Vega-Lite spec to SVG with its marks and axis titles', async () => {
    const chart = await renderChart('bars', barSpec('a'));
    expect(chart.svg).toMatch(/^<svg/);
    expect(chart.svg).toContain('mark-rect');
    expect(chart.svg.match(/<path[^>]*role="graphics-symbol"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(chart.svg).toContain('value (ms)');
    expect(chart.warnings).toEqual([]);
    expect(chart.spec.config).toBeDefined();
  });

  it('escapes data text inside the SVG', async () => {
    const chart = await renderChart('hostile', barSpec(HOSTILE));
    expect(chart.svg).not.toContain('<script');
    expect(chart.svg).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('prefixes the ids inside the SVG so two charts on a page never share one', async () => {
    const spec: ChartSpec = { ...barSpec('a'), mark: { type: 'bar', clip: true } } as ChartSpec;
    const one = await renderChart('one', spec);
    const ids = [...one.svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^one-/);
    for (const ref of one.svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref[1]);
  });

  it('rejects an id that is not a plain element id', async () => {
    await expect(renderChart('Bad id"', barSpec('a'))).rejects.toThrow(/chart id/);
  });
});

describe('chartFigure and chartScripts', () => {
  it('embed the static SVG and load vega-embed from the relative assets folder over the same spec', async () => {
    const chart = await renderChart('bars', barSpec(HOSTILE));
    const figure = chartFigure(chart, 'caption <b>').value;
    expect(figure).toContain(`id="${chartElementId('bars')}-static"`);
    expect(figure).toContain(chart.svg);
    expect(figure).toContain('caption &lt;b&gt;');
    const scripts = chartScripts([chart], 'assets').value;
    for (const file of EMBED_SCRIPTS) expect(scripts).toContain(`<script src="assets/${file}"></script>`);
    expect(scripts).not.toMatch(/https?:/);
    expect(scripts).toContain('actions: false');
    const json = /<script type="application\/json" id="([^"]+)">(.*?)<\/script>/s.exec(scripts);
    expect(json?.[1]).toBe(CHART_SPECS_ELEMENT_ID);
    expect(json?.[2]).not.toContain('<');
    const specs = JSON.parse(json?.[2] ?? '{}') as Record<string, ChartSpec>;
    expect(Object.keys(specs)).toEqual([chartElementId('bars')]);
    expect(specs[chartElementId('bars')]).toEqual(JSON.parse(JSON.stringify(chart.spec)));
    // Only the three libraries, the JSON element and the loader open a script element.
    expect(scripts.split('<script').length - 1).toBe(EMBED_SCRIPTS.length + 2);
  });

  it('adds no scripts to a page without charts', () => {
    expect(chartScripts([], 'assets').value).toBe('');
  });
});
