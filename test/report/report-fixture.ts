/**
 * A small real benchmark for report tests: the sample collection, both baselines and two LLM
 * models served by the fake Ollama server (llama3.2:3b answers with a hostile query that
 * tries to close the page's script element), multi-model fusion, and a BM25 retrieval run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runBench, type BenchResult } from '../../lib/runs/bench-run';
import { runRetrieval } from '../../lib/runs/retrieval-run';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import { queryResponder } from '../support/query-responder';

export const HOSTILE_QUERY = '</script><script>alert(1)</script>';
export const HOSTILE_MODEL = 'llama3.2:3b';

export interface ReportFixture {
  dbPath: string;
  bench: BenchResult;
  retrieveRunId: string;
}

const FAST_LLM = { retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 }, deadline: { totalMs: 10_000, idleMs: 5_000 } };

export async function createReportFixture(dir: string): Promise<ReportFixture> {
  const dbPath = path.join(dir, 'report.duckdb');
  const suite = path.join(dir, 'report-suite.yaml');
  fs.writeFileSync(
    suite,
    [
      'name: report-test',
      'dataset: sample',
      'import: {format: beir, paths: [data/sample]}',
      'generators:',
      '  - type: question-or',
      '  - type: tfidf-keywords',
      '  - type: llm',
      `    model: ${HOSTILE_MODEL}`,
      '  - type: llm',
      '    model: qwen2.5:7b',
      'queries_per_model: 2',
      'top_k: 100',
      'multi_model: true',
      '',
    ].join('\n'),
  );
  const fake = await startFakeOllama({
    respond: (req) => (req.model === HOSTILE_MODEL ? JSON.stringify({ queries: [HOSTILE_QUERY, 'heart AND attack'] }) : queryResponder(req)),
  });
  try {
    const bench = await runBench({ suite, dbPath, useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], llm: FAST_LLM });
    const retrieval = await withStore({ dbPath }, (store) => runRetrieval(store, 'sample', { top: 100 }));
    if (!retrieval.runId) throw new Error('the retrieval run was not recorded');
    return { dbPath, bench, retrieveRunId: retrieval.runId };
  } finally {
    await fake.close();
  }
}
