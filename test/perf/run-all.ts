/**
 * `npm run perf`: runs every benchmark and prints its figures with the baseline it is compared
 * against (a ratio measured in the same command). Not part of `npm test`: timings are reported,
 * never asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../lib/store/db-path';
import { measureRetrieval, INDEX_SIZE_LIMIT_RATIO } from './retrieval-perf';
import { measureLlm, OVERHEAD_CALLS, VALIDATIONS, CACHE_HITS, CACHED_RUN_REPEATS } from './llm-perf';
import { measureGpuPerf, PERF_SAMPLES, PERF_INTERVAL_MS } from './gpu-perf';
import { renderTable } from '../../lib/terminal-table';
import { measureCliStartup, CLI_STARTUP_TARGET_MS } from './cli-startup-perf';

const SHARED_DATASETS = path.resolve(projectRoot(), '..', 'shared', 'datasets');

async function retrievalSection(): Promise<void> {
  const med = path.join(SHARED_DATASETS, 'med');
  if (!fs.existsSync(med)) {
    process.stdout.write(`retrieval: skipped, ${med} not found (the MED collection lives in ../shared)\n`);
    return;
  }
  const perf = await measureRetrieval(med, ['w']);
  const p = perf.phasesMs;
  process.stdout.write(`\n## Retrieval: ${perf.collection} (${perf.documents} documents, ${perf.queries} queries), one process\n`);
  process.stdout.write(
    renderTable(
      ['phase', 'ms'],
      [
        ['parse SMART files', p.parse],
        ['import + index (in one transaction)', p.importAndIndex],
        ['retrieve all queries, first (cold)', p.retrieveFirst],
        [`retrieve all queries, median of warm runs`, p.retrieveMedian],
        ['score (trec_eval measures)', p.evaluate],
        ['record run (results + metrics)', p.record],
      ],
    ) + '\n',
  );
  const baselineName = perf.baseline.source === 'xapian-same-command' ? 'Xapian (python3-xapian), same command' : 'Xapian reference figure (python3-xapian not installed)';
  process.stdout.write(
    `retrieve-all: ${perf.queriesPerSecond.toFixed(0)} queries/s vs ${perf.baseline.queriesPerSecond.toFixed(0)} queries/s for ${baselineName}: ratio ${perf.ratioToBaseline.toFixed(2)}\n` +
      (perf.baseline.indexMs !== undefined ? `Xapian in-memory index build: ${perf.baseline.indexMs.toFixed(0)} ms\n` : '') +
      `index tables: ${(perf.indexBytes / 1024).toFixed(0)} KiB (whole DuckDB blocks) for ${(perf.rawTextBytes / 1024).toFixed(0)} KiB of indexed text: ` +
      `${perf.indexToRawRatio.toFixed(2)}x (target < ${INDEX_SIZE_LIMIT_RATIO}x)\n` +
      `MAP ${perf.map.toFixed(4)}\n`,
  );
}

async function llmSection(): Promise<void> {
  const perf = await measureLlm();
  process.stdout.write(`\n## LLM layer (against the Ollama-compatible test server, in this process)\n`);
  process.stdout.write(
    renderTable(
      ['figure', 'value', 'target'],
      [
        [`direct ollama client call, median of ${OVERHEAD_CALLS}`, `${perf.directMedianMs.toFixed(3)} ms`, ''],
        ['LlmClient.generate, same request, median', `${perf.harnessMedianMs.toFixed(3)} ms`, ''],
        ['harness overhead per call (median added)', `${perf.addedMedianMs.toFixed(3)} ms (ratio ${perf.ratio.toFixed(2)})`, '< 1 ms'],
        [`cached model validation, mean of ${VALIDATIONS}`, `${(perf.validationMs * 1000).toFixed(2)} µs`, '< 100 µs'],
        [`response-cache hit, mean of ${CACHE_HITS}`, `${perf.cacheHitMs.toFixed(4)} ms`, '< 5 ms'],
        [`run of ${perf.cachedRun.items} cached items, end to end`, `${(perf.cachedRun.cachedMs / 1000).toFixed(2)} s`, '< 10 s'],
        [
          `same run filling the cache first (${perf.cachedRun.items / CACHED_RUN_REPEATS} LLM calls + ${perf.cachedRun.items - perf.cachedRun.items / CACHED_RUN_REPEATS} in-run hits)`,
          `${(perf.cachedRun.fillMs / 1000).toFixed(2)} s`,
          '',
        ],
      ],
    ) + '\n',
  );
}

async function gpuSection(): Promise<void> {
  const perf = await measureGpuPerf();
  process.stdout.write(
    `\n## GPU sampler (stand-in nvidia-smi from test/fixtures/gpu/bin, ${PERF_SAMPLES} samples at ${PERF_INTERVAL_MS} ms)\n`,
  );
  process.stdout.write(
    renderTable(
      ['mode', 'tool starts', 'wall ms', 'Node CPU ms', 'tool CPU ms', 'CPU s per hour at 1 Hz'],
      [perf.loop, perf.perSample].map((m) => [m.mode, m.toolSpawns, m.wallMs, m.nodeCpuMs, m.toolCpuMs, m.cpuSecondsPerHour]),
    ) + '\n',
  );
  process.stdout.write(
    `spawn per sample / loop mode CPU: ratio ${perf.ratio.toFixed(1)}\n` +
      `parsing: ${perf.parse.rows.toLocaleString('en')} CSV rows in ${perf.parse.ms.toFixed(0)} ms = ${Math.round(perf.parse.rowsPerSecond).toLocaleString('en')} rows/s\n`,
  );
}

async function cliSection(): Promise<void> {
  const perf = measureCliStartup();
  process.stdout.write(`\n## CLI start-up (median of ${perf.runs} starts each, interleaved, against node -e 0)\n`);
  process.stdout.write(
    renderTable(
      ['command', 'median ms', 'ratio to node -e 0', 'added ms', 'CPU ms per start', 'target'],
      perf.figures.map((f, i) => [f.command, f.medianMs.toFixed(0), f.ratio.toFixed(2), String(Math.round(f.addedMs)), f.cpuMs === null ? '-' : f.cpuMs.toFixed(0), i === 0 ? '' : `< ${CLI_STARTUP_TARGET_MS} ms`]),
    ) + '\n',
  );
}

const SECTIONS: Record<string, () => Promise<void>> = { retrieval: retrievalSection, llm: llmSection, gpu: gpuSection, cli: cliSection };

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== undefined && !(only in SECTIONS)) throw new Error(`unknown section '${only}': ${Object.keys(SECTIONS).join(', ')}`);
  for (const [name, section] of Object.entries(SECTIONS)) if (only === undefined || only === name) await section();
}

main().catch((error: unknown) => {
  process.stderr.write(`perf failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
