/**
 * `benchlab run`: runs a benchmark suite (default data/suites/default.yaml), shows a progress
 * bar, prints the summary table, and exits non-zero when an expectation fails. Ctrl-C finishes
 * the item in flight, keeps every completed item and marks the run interrupted; `--resume`
 * finishes it later with the suite stored with the run (exit 3 when a `--suite` given differs
 * from it, exit 4 when another process holds the run).
 */
import { Command } from 'commander';
import { runBench, type BenchResult } from '../../runs/bench-run';
import { terminalProgress } from '../../runs/progress';
import { terminalEmbeddingProgress } from '../../embeddings/embedding-progress';
import { publishRunReport } from '../../publish/publish-run-report';
import { REPORTS_ENV_VAR, resolveOutDir } from '../../publish/out-dir';
import { EXIT, type ExitCode } from '../exit-codes';
import { formatNumber, printJson, renderTable } from '../output';
import type { GlobalOptions } from '../global-options';
import { MAP_MEASURE, PRIMARY_MEASURE, recallMeasure } from '../../evaluation/measure-registry';

/** Exit status of a run stopped by SIGINT/SIGTERM (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

interface RunCommandOptions {
  suite?: string;
  cache: boolean;
  resume?: string;
  retryErrors: boolean;
  json: boolean;
  /** Folder for the run's report (default: see defaultOutDir in lib/publish/out-dir.ts). */
  out?: string;
}

const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(0)}%`);

/** `timeout 3, parse 1` for the kinds that occurred; `-` when none. */
function errorKinds(byKind: Record<string, number>): string {
  const parts = Object.entries(byKind).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

function printSummary(result: BenchResult): void {
  const s = result.summary;
  const ms = (v: number | null) => (v === null ? '-' : v.toFixed(0));
  process.stdout.write(
    renderTable(
      ['generator', 'items', PRIMARY_MEASURE.label, recallMeasure(s.recallCutoff).label, MAP_MEASURE.label, 'strict', 'usable', 'syntax ok', 'docs found', 'p50 ms', 'p95 ms', 'cold starts', 'tokens', 'errors', 'not attempted', 'cache hits'],
      s.generators.map((g) => [
        g.generator, g.items, formatNumber(g.ndcg10), formatNumber(g.recall), formatNumber(g.map),
        pct(g.strictRate), pct(g.usableRate), pct(g.syntaxValidRate), formatNumber(g.docsFound, 1),
        ms(g.latencyP50Ms), ms(g.latencyP95Ms), g.coldStarts === 0 ? 0 : `${g.coldStarts} (${(g.coldLoadMs / 1000).toFixed(1)} s load)`, g.evalTokens, g.errors === 0 ? 0 : `${g.errors} (${errorKinds({ ...g.errorsByKind, circuit: g.errorsByKind.circuit - g.notAttempted })})`, g.notAttempted, g.cacheHits,
      ]),
    ) + '\n',
  );
  process.stdout.write('set measures (the union of each item\'s query results, as a reviewer screens them; set_F_9 is F3):\n');
  const names = Object.keys(s.generators[0]?.setMeasures ?? {});
  process.stdout.write(
    renderTable(
      ['generator', ...names],
      s.generators.map((g) => [g.generator, ...names.map((n) => formatNumber(g.setMeasures[n] ?? null, n === 'num_ret' ? 1 : 4))]),
    ) + '\n',
  );
  if (s.multiModel.length > 0) {
    process.stdout.write('single vs multi-model (per question, means):\n');
    process.stdout.write(
      renderTable(
        ['single', 'time ms', 'multi time ms', 'overhead', 'docs found', 'multi docs', PRIMARY_MEASURE.label, `multi ${PRIMARY_MEASURE.label}`],
        s.multiModel.map((m) => [
          m.single, ms(m.singleLatencyMs), ms(m.multiLatencyMs), m.overheadPercent === null ? '-' : `${m.overheadPercent.toFixed(0)}%`,
          formatNumber(m.singleDocsFound, 1), formatNumber(m.multiDocsFound, 1), formatNumber(m.singleNdcg10), formatNumber(m.multiNdcg10),
        ]),
      ) + '\n',
    );
  }
  if (s.rag.length > 0) {
    process.stdout.write('RAG answers (citation precision and recall: mean [95% CI] over items; hallucinated: citations not in the context; latency p50/p95 ms over non-cached items):\n');
    const ci = (i: { mean: number | null; low: number | null; high: number | null }) => (i.mean === null ? '-' : `${formatNumber(i.mean)} [${formatNumber(i.low)}, ${formatNumber(i.high)}]`);
    const p = (l: { p50: number | null; p95: number | null }) => `${ms(l.p50)} / ${ms(l.p95)}`;
    process.stdout.write(
      renderTable(
        ['generator', 'retriever', 'k', 'citation precision', 'citation recall', 'hallucinated', 'retrieval', 'load', 'generation', 'total', 'cache hit p95'],
        s.rag.map((g) => [
          g.generator, g.retriever, g.k, ci(g.citationPrecision), ci(g.citationRecall),
          `${g.hallucinatedCitations} of ${g.citations} (${pct(g.hallucinationRate)})`,
          p(g.latency.retrieval), p(g.latency.load), p(g.latency.generation), p(g.latency.total),
          g.latency.cacheHit.p95 === null ? '-' : g.latency.cacheHit.p95.toFixed(1),
        ]),
      ) + '\n',
    );
  }
  if (result.gpu) {
    process.stdout.write('GPU during the run (per model and phase):\n');
    const yesNo = (v: boolean | null) => (v === null ? '-' : v ? 'yes' : 'no');
    process.stdout.write(
      renderTable(
        ['model', 'phase', 'mean util %', 'peak util %', 'peak mem MiB', 'mean power W', 'energy Wh', 'Wh / 1k tokens', 'peak temp °C', 'fully on GPU'],
        [...result.gpu.groups, result.gpu.total].map((g) => [
          g === result.gpu?.total ? 'whole run' : g.model ?? '-', g.phase ?? '-', formatNumber(g.meanUtilizationPct, 1), formatNumber(g.peakUtilizationPct, 1),
          formatNumber(g.peakMemoryUsedMib, 0), formatNumber(g.meanPowerW, 1), formatNumber(g.energyWh, 3), formatNumber(g.whPer1kTokens, 3),
          formatNumber(g.peakTemperatureC, 1), yesNo(g.fullyOnGpu),
        ]),
      ) + '\n',
    );
  }
  for (const skipped of result.skippedModels) process.stdout.write(`skipped ${skipped.model}: ${skipped.reason}\n`);
  process.stdout.write("latency: per item, a cold start's model load left out (counted under cold starts), cache hits left out\n");
  process.stdout.write(`run ${result.runId}: ${result.status}\n`);
  for (const failure of result.expectationFailures) process.stdout.write(`EXPECTATION FAILED: ${failure}\n`);
}

export function exitCodeForRun(result: BenchResult): ExitCode | typeof EXIT_INTERRUPTED {
  if (result.status === 'interrupted') return EXIT_INTERRUPTED;
  return result.expectationFailures.length > 0 ? EXIT.expectationFailed : EXIT.ok;
}

export function runCommand(globals: () => GlobalOptions, setExitCode: (code: number) => void): Command {
  return new Command('run')
    .description('run a benchmark suite: generate queries with baselines and LLMs, retrieve, score, store')
    .option('--suite <file>', 'suite file, or a name in data/suites/ with or without its .yaml/.yml/.json (default: default.yaml)')
    .option('--no-cache', 'do not read or write the LLM response cache')
    .option('--resume <runId>', "finish an interrupted run with the suite stored with it, without redoing completed items (items not attempted are attempted); a --suite given must match the run's")
    .option('--retry-errors', 'with --resume: also attempt the items that ended in an error again', false)
    .option('--json', 'print the result as JSON', false)
    .option('--out <dir>', `folder for the run's report (default: $${REPORTS_ENV_VAR}, else reports/ beside the database; the project's reports/ for the default database)`)
    .action(async (options: RunCommandOptions) => {
      // A bad report folder is refused before the run starts (exit 3), not after it.
      const outDir = options.out === undefined ? undefined : resolveOutDir(options.out, globals().db);
      const controller = new AbortController();
      const stop = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
        process.stderr.write(`\n${signal}: finishing the item in flight, then saving (press again to quit at once)\n`);
        controller.abort();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        const result = await runBench({
          ...(options.suite ? { suite: options.suite } : {}),
          ...(globals().db ? { dbPath: globals().db } : {}),
          useCache: options.cache,
          ...(options.resume ? { resumeRunId: options.resume, retryErrors: options.retryErrors } : {}),
          progress: options.json ? undefined : terminalProgress(),
          ...(options.json ? {} : { embeddingProgress: terminalEmbeddingProgress() }),
          log: (line) => process.stderr.write(`${line}\n`),
          signal: controller.signal,
        });
        // Rendered as the `bench` job renders it; a report failure is said but never fails the run.
        const report = await publishRunReport(globals().db, result.runId, (message) => process.stderr.write(`${message}\n`), outDir);
        if (options.json) printJson({ ...result, report: report ?? null });
        else printSummary(result);
        if (report) process.stderr.write(`report: ${report}\n`);
        if (result.status === 'interrupted') process.stderr.write(`resume with: benchlab run --resume ${result.runId}\n`);
        else if (result.summary.generators.some((g) => g.notAttempted > 0 || g.errors > 0)) {
          process.stderr.write(`attempt the items that failed again with: benchlab run --resume ${result.runId} --retry-errors\n`);
        }
        setExitCode(exitCodeForRun(result));
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
