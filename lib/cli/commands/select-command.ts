/**
 * `benchlab select`: the best model for a task category under constraints (GPU memory, context,
 * license, include/exclude), optionally GPU-aware (free memory per GPU from gpu_samples, loaded
 * models from Ollama's /api/ps). Prints the model and the reason; `--explain` adds every
 * candidate's breakdown; `--json` prints the whole selection; `--report [DIR]` also writes the
 * HTML selection report (this selection's breakdown and the selection log's views) into DIR
 * (default: as `benchlab report`) and prints its path. Every selection is logged to the store
 * (model_selections).
 */
import { Command } from 'commander';
import { LlmClient } from '../../llm/llm-client';
import { ollamaHostsFromEnv } from '../../llm/hosts';
import { withStore } from '../../store/store';
import { renderSelectionReport } from '../../publish/selection-report';
import { REPORTS_ENV_VAR, resolveOutDir } from '../../publish/out-dir';
import { selectModel, type Selection } from '../../scoring/select-model';
import type { SelectionConstraints } from '../../scoring/constraints';
import { formatGb, parseSize } from '../../scoring/sizes';
import { commaList, positiveInteger } from '../parse-options';
import { printJson, renderTable } from '../output';
import type { GlobalOptions } from '../global-options';

interface SelectCommandOptions {
  category: string;
  maxVram?: number;
  minContext?: number;
  license?: string[];
  include?: string[];
  exclude?: string[];
  gpuAware: boolean;
  explain: boolean;
  json: boolean;
  /** true for `--report` alone (the default folder), a folder for `--report DIR`. */
  report?: string | boolean;
}

const SCORE_DECIMALS = 1;
const CONFIDENCE_DECIMALS = 2;
const PERCENT = 100;

const score = (x: number | null) => (x === null ? '-' : x.toFixed(SCORE_DECIMALS));

function explain(s: Selection): string {
  const candidates = renderTable(
    ['rank', 'model', 'role', 'confidence', 'benchmark (coverage)', 'local (items)', 'final', 'GPU memory', 'loaded / GPU', 'set aside by'],
    s.candidates.map((c) => [
      c.rank === null ? '-' : String(c.rank),
      c.model,
      c.role,
      c.confidence.toFixed(CONFIDENCE_DECIMALS),
      c.benchmark.score === null ? 'unknown' : `${score(c.benchmark.score)} (${Math.round(c.benchmark.coverage * PERCENT)}%)`,
      c.local ? `${score(c.local.score)} (${c.local.items})` : '-',
      score(c.finalScore),
      `${formatGb(c.memory.bytes)}${c.memory.basis === 'estimated from parameters' ? ' (est.)' : ''}`,
      [c.loaded ? 'loaded' : '', c.gpu ? c.gpu.uuid : ''].filter(Boolean).join(' ') || '-',
      c.eliminatedBy.map((e) => `${e.label}: ${e.detail}`).join('; ') || '-',
    ]),
  );
  const chosen = renderTable(
    ['benchmark', 'weight', 'score', 'setting', 'evaluator', 'source'],
    [
      ...s.breakdown.benchmark.used.map((u) => [u.benchmark, String(u.weight), u.value.toFixed(SCORE_DECIMALS), `${u.variant}, ${u.setting}`, u.evaluator, u.source]),
      ...s.breakdown.benchmark.missing.map((m) => [m, String(s.weights[m] ?? 0), 'no data', '-', '-', '-']),
    ],
  );
  const flags = [
    s.breakdown.benchmark.settings.summary ? `settings: ${s.model}'s scores ${s.breakdown.benchmark.settings.summary}` : null,
    ...s.comparability.map((d) => `comparability: ${d.benchmark} is ${d.a} for ${s.model} but ${d.b} for ${s.runnerUp?.model ?? '-'}`),
    ...s.gpuNotes.map((n) => `GPU: ${n}`),
  ].filter((x): x is string => x !== null);
  return [`candidates for '${s.category}':`, candidates, `${s.model}'s benchmarks:`, chosen, ...flags].join('\n');
}

export function selectCommand(globals: () => GlobalOptions): Command {
  return new Command('select')
    .description('choose the best model for a task category from the model registry, within constraints')
    .requiredOption('--category <name>', 'task category (data/categories.json), e.g. code, math, query_generation')
    .option('--max-vram <size>', 'most GPU memory the model may need, e.g. 8GB, 8GiB, 8000MB', (raw: string) => parseSize(raw, '--max-vram'))
    .option('--min-context <tokens>', 'least context window in tokens', positiveInteger('--min-context'))
    .option('--license <ids>', 'allowed license ids, comma-separated (e.g. apache-2.0,mit)', commaList)
    .option('--include <models>', 'only these models or families, comma-separated', commaList)
    .option('--exclude <models>', 'never these models or families, comma-separated', commaList)
    .option('--gpu-aware', 'use free GPU memory (gpu_samples) and loaded models (Ollama /api/ps) to choose model and GPU', false)
    .option('--explain', "print every candidate's breakdown", false)
    .option('--json', 'print the whole selection as JSON', false)
    .option('--report [dir]', `also write the HTML selection report into DIR (default: $${REPORTS_ENV_VAR}, else reports/ beside the database; the project's reports/ for the default database) and print its path`)
    .action(async (options: SelectCommandOptions) => {
      const constraints: SelectionConstraints = {
        ...(options.maxVram !== undefined ? { maxVramBytes: options.maxVram } : {}),
        ...(options.minContext !== undefined ? { minContext: options.minContext } : {}),
        ...(options.license ? { licenses: options.license } : {}),
        ...(options.include ? { include: options.include } : {}),
        ...(options.exclude ? { exclude: options.exclude } : {}),
      };
      const llm = options.gpuAware ? new LlmClient({ hosts: ollamaHostsFromEnv() }) : undefined;
      const wantsReport = options.report !== undefined && options.report !== false;
      // Checked before the selection is made and logged: a bad folder is an input error (exit 3).
      const reportDir = wantsReport ? resolveOutDir(typeof options.report === 'string' ? options.report : undefined, globals().db, '--report') : undefined;
      const { selection, report } = await withStore({ dbPath: globals().db }, async (store) => {
        const made = await selectModel(options.category, constraints, { store, gpuAware: options.gpuAware, ...(llm ? { llm } : {}) });
        // Rendered after the selection is logged, so the report's log includes it.
        const file = reportDir !== undefined ? await renderSelectionReport(store, reportDir, made) : undefined;
        return { selection: made, report: file };
      });
      if (options.json) {
        printJson(report === undefined ? selection : { ...selection, report });
        return;
      }
      process.stdout.write(`${selection.model}\n${selection.reason}\n`);
      if (options.explain) process.stdout.write(`\n${explain(selection)}\n`);
      if (report !== undefined) process.stdout.write(`report: ${report}\n`);
    });
}
