import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { selectModel } from '../../lib/scoring/select-model';
import { describeConstraints } from '../../lib/report/selection-report';
import { renderSelectionReport, SELECTION_REPORT_FILE } from '../../lib/publish/selection-report';
import { loadSelectionLogData } from '../../lib/scoring/selection-data';
import { chartElementId } from '../../lib/report/chart';
import { escapeHtml } from '../../lib/report/html-page';
import { selectCommand } from '../../lib/cli/commands/select-command';
import { withStore } from '../../lib/store/store';
import { appendRows, realData, withTempStore } from '../scoring/helpers';
import { removeDir, tempDir } from '../support/temp-store';

const NOW = new Date('2026-11-21T12:00:00Z');
const HOSTILE_MODEL = '<b onmouseover=alert(1)>evil</b>';
const HOSTILE_REASON = '</script><script>alert("reason")</script>';

const minutes = (m: number) => new Date(NOW.getTime() + m * 60_000);

/** Selections as `logSelection` writes them (flat breakdown keys), one with a hostile model and reason. */
const SYNTHETIC = [
  {
    selected_at: minutes(0), category: 'code', model: 'qwen2.5-coder:7b', is_primary_category: true, confidence: 0.9, final_score: 77.6, gpu_uuid: null, duration_ms: 12,
    constraints: JSON.stringify({ maxVramBytes: 8e9, gpuAware: false }),
    breakdown: JSON.stringify({ role: 'primary', benchmark_score: 86.2, coverage: 1, local_items: 0, mixed_settings: false, runner_up: { model: 'qwen2.5:7b', final_score: 57.6 } }),
    reason: 'qwen2.5-coder:7b for code: final score 77.6',
  },
  {
    selected_at: minutes(1), category: 'math', model: 'qwen2.5-coder:7b', is_primary_category: false, confidence: 0.7, final_score: 53, gpu_uuid: 'GPU-1', duration_ms: 20,
    constraints: JSON.stringify({ include: ['qwen2.5-coder:7b', 'phi3.5'], gpuAware: true }),
    breakdown: JSON.stringify({ role: 'secondary', benchmark_score: 75.7, coverage: 1, local_items: 0 }),
    reason: 'qwen2.5-coder:7b for math',
  },
  {
    selected_at: minutes(2), category: 'math', model: HOSTILE_MODEL, is_primary_category: true, confidence: 0.95, final_score: 60, gpu_uuid: null, duration_ms: 8,
    constraints: '{}', breakdown: '{}', reason: HOSTILE_REASON,
  },
];

/** The static SVG of one chart figure, or undefined. */
function staticSvg(page: string, chartId: string): string | undefined {
  return new RegExp(`id="${chartElementId(chartId)}-static">(<svg.*?</svg>)</div>`, 's').exec(page)?.[1];
}

const has = (page: string, text: string) => expect(page.includes(text), text).toBe(true);

describe('describeConstraints', () => {
  it('writes constraints the way the command line takes them', () => {
    expect(describeConstraints({ maxVramBytes: 8e9, minContext: 32768, licenses: ['apache-2.0', 'mit'], include: ['qwen2.5'], exclude: ['gemma2'], gpuAware: true }))
      .toBe('--max-vram 8.00 GB, --min-context 32768, --license apache-2.0,mit, --include qwen2.5, --exclude gemma2, --gpu-aware');
    expect(describeConstraints({ gpuAware: false })).toBe('none');
  });
});

describe('the selection report from the selection log', () => {
  it('reads model_selections and the three views, and renders them escaped with charts', async () => {
    await withTempStore(async (store, dir) => {
      await appendRows(store, 'model_selections', SYNTHETIC);
      const data = await loadSelectionLogData(store);
      expect(data.total).toBe(3);
      expect(data.missingViews).toEqual([]);
      expect(data.recent.map((r) => r.model)).toEqual([HOSTILE_MODEL, 'qwen2.5-coder:7b', 'qwen2.5-coder:7b']);
      expect(data.recent[1]).toMatchObject({ category: 'math', gpuUuid: 'GPU-1', coverage: 1, benchmarkScore: 75.7, runnerUp: null });
      expect(data.recent[2]?.runnerUp).toEqual({ model: 'qwen2.5:7b', finalScore: 57.6 });
      expect(data.recent[0]).toMatchObject({ coverage: null, benchmarkScore: null, mixedSettings: null });
      expect(data.perCategory.map((r) => [r.category, r.model, r.selections])).toEqual([
        ['code', 'qwen2.5-coder:7b', 1], ['math', HOSTILE_MODEL, 1], ['math', 'qwen2.5-coder:7b', 1],
      ]);
      expect(data.multiCategory.find((r) => r.model === 'qwen2.5-coder:7b')).toMatchObject({ categoriesServed: 2, categories: ['code', 'math'], primarySelections: 1, secondarySelections: 1, meanFinalScorePrimary: 77.6, meanFinalScoreSecondary: 53 });
      const math = data.performance.find((r) => r.category === 'math');
      expect(math).toMatchObject({ selections: 2, models: 2, minFinalScore: 53, maxFinalScore: 60, gpuPlacedShare: 0.5 });
      expect(math?.meanBenchmarkScore).toBeCloseTo(75.7, 10);

      const outDir = path.join(dir, 'reports');
      const file = await renderSelectionReport(store, outDir);
      expect(file).toBe(path.join(outDir, SELECTION_REPORT_FILE));
      const page = fs.readFileSync(file, 'utf8');
      has(page, '3 selection(s) logged');
      has(page, 'Models chosen per category (models_per_category)');
      has(page, 'Performance by category (performance_by_category)');
      has(page, 'Multi-category effectiveness (multi_category_effectiveness)');
      has(page, '--max-vram 8.00 GB');
      has(page, '--include qwen2.5-coder:7b,phi3.5, --gpu-aware');
      has(page, 'qwen2.5:7b (57.6)');
      expect(staticSvg(page, 'per-category')).toMatch(/class="mark-rect/);
      expect(staticSvg(page, 'performance')).toMatch(/class="mark-symbol/);
      expect(staticSvg(page, 'primary-secondary')).toMatch(/class="mark-symbol/);
      expect(staticSvg(page, 'candidates')).toBeUndefined();
      // Escaped in text, in the SVG and in the chart specs; only Benchlab's own five scripts.
      expect(page.includes(HOSTILE_MODEL)).toBe(false);
      expect(page.includes(HOSTILE_REASON)).toBe(false);
      has(page, escapeHtml(HOSTILE_REASON));
      has(page, escapeHtml(HOSTILE_MODEL));
      expect(page.match(/<script\b/g)?.length).toBe(5);
      const index = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
      has(index, `href="${SELECTION_REPORT_FILE}"`);
    });
  });

  it('says so when nothing is logged yet', async () => {
    await withTempStore(async (store, dir) => {
      const page = fs.readFileSync(await renderSelectionReport(store, dir), 'utf8');
      has(page, 'No selections logged yet');
      expect(page.includes('<figure')).toBe(false);
    });
  });
});

describe('the selection report of a live selection', () => {
  it('shows the pick, the runner-up, the breakdown per benchmark, the constraints and the reason', async () => {
    await withTempStore(async (store, dir) => {
      const selection = await selectModel('code', { maxVramBytes: 8e9 }, { data: realData(), store, now: () => NOW });
      expect(selection.model).toBe('qwen2.5-coder:7b');
      expect(selection.runnerUp?.model).toBe('qwen2.5:7b');
      const page = fs.readFileSync(await renderSelectionReport(store, dir, selection), 'utf8');
      has(page, 'Model selection: qwen2.5-coder:7b for code');
      has(page, escapeHtml(selection.reason));
      has(page, 'Pick: <strong>qwen2.5-coder:7b</strong> for code, final score 77.6 = confidence 0.90 (primary) × benchmark score 86.2; coverage 100.0%.');
      has(page, 'Runner-up: qwen2.5:7b, final score 57.6 (secondary, confidence 0.70); the pick leads by 20.0 points.');
      has(page, '--max-vram 8.00 GB');
      has(page, 'HumanEval 1.00, MBPP 0.80');
      // Per benchmark: both sides' published scores, settings and sources.
      const breakdown = /<caption>Score breakdown per benchmark:.*?<\/table>/s.exec(page)?.[0] ?? '';
      for (const text of ['HumanEval', 'MBPP', '88.4', '83.5', '84.8', '79.2', 'instruct, 0-shot (0-shot, pass@1 (EvalPlus harness))', 'publisher, S7', 'publisher, S4']) has(breakdown, text);
      has(page, 'benchmark score 86.2, coverage 100.0% of the category&#39;s weight.');
      has(page, 'The source does not state the prompting setting of qwen2.5:7b&#39;s HumanEval, MBPP');
      // Every candidate, with why it was set aside.
      has(page, '--max-vram 8.00 GB: needs');
      const candidates = staticSvg(page, 'candidates') ?? '';
      expect(candidates).toMatch(/class="mark-symbol/);
      expect(candidates).toMatch(/class="mark-rule role-mark/);
      expect(staticSvg(page, 'breakdown')).toMatch(/class="mark-rect/);
      // The selection was logged before the report, so the log shows it.
      has(page, '1 selection(s) logged');
    });
  });

  it('flags a pick whose score rests on part of the category\'s benchmarks', async () => {
    await withTempStore(async (store, dir) => {
      const selection = await selectModel('reasoning', {}, { data: realData(), log: false });
      expect(selection.breakdown.benchmark.coverage).toBeLessThan(1);
      const page = fs.readFileSync(await renderSelectionReport(store, dir, selection), 'utf8');
      has(page, `${selection.model}&#39;s benchmark score rests on`);
      has(page, `no published score for ${selection.breakdown.benchmark.missing.join(', ')}`);
      has(page, 'No selections logged yet');
    });
  });
});

describe('benchlab select --report', () => {
  it('logs the selection, writes the report with it, and prints the path', async () => {
    const dir = tempDir('benchlab-select-report-');
    try {
      const db = path.join(dir, 'cli.duckdb');
      const outDir = path.join(dir, 'out');
      let out = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out += chunk.toString();
        return true;
      });
      try {
        await selectCommand(() => ({ db })).exitOverride().parseAsync(['--category', 'math', '--report', outDir], { from: 'user' });
      } finally {
        spy.mockRestore();
      }
      const lines = out.trim().split('\n');
      expect(lines[0]).toBe('qwen2.5:14b');
      expect(lines[lines.length - 1]).toBe(`report: ${path.join(outDir, SELECTION_REPORT_FILE)}`);
      const page = fs.readFileSync(path.join(outDir, SELECTION_REPORT_FILE), 'utf8');
      has(page, 'Model selection: qwen2.5:14b for math');
      has(page, '1 selection(s) logged');
      expect(await withStore({ dbPath: db, readOnly: true }, (store) => store.all(`SELECT model FROM model_selections`))).toEqual([{ model: 'qwen2.5:14b' }]);
    } finally {
      removeDir(dir);
    }
  });
});
