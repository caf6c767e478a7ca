/**
 * A small real benchmark for report tests: the sample collection, both baselines and two LLM
 * models served by the fake Ollama server (llama3.2:3b answers with a hostile query that
 * tries to close the page's script element), multi-model fusion, and a BM25 retrieval run;
 * and a run written item by item with every answer reading and item status (insertAnswerFormatRun).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runBench, type BenchResult } from '../../lib/runs/bench-run';
import { runRetrieval } from '../../lib/runs/retrieval-run';
import { withStore, type Store } from '../../lib/store/store';
import type { QueryCheck } from '../../lib/querygen/query-repair';
import { appendRows } from '../scoring/helpers';
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

/**
 * A benchmark run written straight into the store, with the item columns of migration 5, for
 * the answer-format figures. Generator FORMAT_GENERATOR answers four questions:
 *   q1 strict, one invalid query (model text with a script element) and one repaired query;
 *   q2 read as variant:key-case, one valid query;
 *   q3 read as lines, two valid queries;
 *   q4 read as none: an error of kind parse, no query.
 * So: strict 1 of 4 answers (25%), usable 3 of 4 items (75%), syntax valid 4 of 5 queries (80%).
 * Generator SLEEPY_GENERATOR answers q1 strictly and never attempts q2 (circuit open): strict
 * 100%, usable 50%, one item not attempted and no error. With `improved`, q4 of FORMAT_GENERATOR
 * is answered strictly with one valid query instead: strict 50%, usable 100%, syntax 5 of 6.
 */
export const FORMAT_DATASET = 'format-test';
export const FORMAT_GENERATOR = 'llm:format-model';
export const SLEEPY_GENERATOR = 'llm:sleepy-model';
export const INVALID_QUERY = 'heart AND <script>alert(1)</script>';
export const INVALID_POSITION = 10;
export const INVALID_MESSAGE = "unexpected character '<' (U+003C)";
export const REPAIRED_ORIGINAL = 'heart and (attack';
export const REPAIRED_QUERY = 'heart AND (attack)';
export const NOT_ATTEMPTED_ERROR = 'not attempted: circuit open for sleepy-model after the probe';
export const NONE_ERROR = 'no valid query in the answer: "I cannot help with that"';

interface FixtureItem {
  generator: string;
  questionId: string;
  status: 'ok' | 'error' | 'not-attempted';
  errorKind: string | null;
  error: string | null;
  answerRead: string | null;
  checks: QueryCheck[];
  ndcg10: number | null;
}

const valid = (query: string): QueryCheck => ({ original: query, query, repairs: [], valid: true });

export async function insertAnswerFormatRun(store: Store, runId: string, options: { improved?: boolean; startedAt?: Date } = {}): Promise<void> {
  const started = options.startedAt ?? new Date('2026-02-01T10:00:00Z');
  const model = (generator: string) => generator.slice('llm:'.length);
  const items: FixtureItem[] = [
    {
      generator: FORMAT_GENERATOR, questionId: 'q1', status: 'ok', errorKind: null, error: null, answerRead: 'strict', ndcg10: 0.5,
      checks: [
        { original: INVALID_QUERY, query: INVALID_QUERY, repairs: [], valid: false, position: INVALID_POSITION, message: INVALID_MESSAGE },
        { original: REPAIRED_ORIGINAL, query: REPAIRED_QUERY, repairs: ['lowercase-operators', 'closed-parenthesis'], valid: true },
      ],
    },
    { generator: FORMAT_GENERATOR, questionId: 'q2', status: 'ok', errorKind: null, error: null, answerRead: 'variant:key-case', ndcg10: 0.6, checks: [valid('aspirin AND stroke')] },
    { generator: FORMAT_GENERATOR, questionId: 'q3', status: 'ok', errorKind: null, error: null, answerRead: 'lines', ndcg10: 0.7, checks: [valid('statin'), valid('statin AND muscle')] },
    options.improved
      ? { generator: FORMAT_GENERATOR, questionId: 'q4', status: 'ok', errorKind: null, error: null, answerRead: 'strict', ndcg10: 0.4, checks: [valid('exercise AND depression')] }
      : { generator: FORMAT_GENERATOR, questionId: 'q4', status: 'error', errorKind: 'parse', error: NONE_ERROR, answerRead: 'none', ndcg10: 0, checks: [] },
    { generator: SLEEPY_GENERATOR, questionId: 'q1', status: 'ok', errorKind: null, error: null, answerRead: 'strict', ndcg10: 0.8, checks: [valid('heart AND attack')] },
    { generator: SLEEPY_GENERATOR, questionId: 'q2', status: 'not-attempted', errorKind: 'circuit', error: NOT_ATTEMPTED_ERROR, answerRead: null, ndcg10: null, checks: [] },
  ];
  await appendRows(store, 'runs', [{
    run_id: runId, kind: 'bench', dataset: FORMAT_DATASET, suite: 'answer-format', config: JSON.stringify({ suite: { top_k: 10 } }), versions: '{}',
    host: 'test-host', status: 'completed', started_at: started, ended_at: new Date(started.getTime() + 60_000),
  }]);
  const questions = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM queries WHERE dataset = $d`, { d: FORMAT_DATASET });
  if (!questions?.n) {
    await appendRows(store, 'queries', ['q1', 'q2', 'q3', 'q4'].map((q, i) => ({ dataset: FORMAT_DATASET, query_id: q, text: `format question ${i + 1}` })));
  }
  const key = (i: FixtureItem) => `r0|${i.generator}|${i.questionId}`;
  await appendRows(store, 'run_items', items.map((i) => ({
    run_id: runId, item_key: key(i), generator: i.generator, model: model(i.generator), query_id: i.questionId, repeat_index: 0,
    generated_queries: JSON.stringify(i.checks.filter((c) => c.valid).map((c) => c.query)),
    parsed_count: i.checks.filter((c) => c.valid).length, query_count: i.checks.length,
    docs_found: i.status === 'ok' ? 10 : 0, latency_ms: i.status === 'not-attempted' ? 0 : 120, prompt_tokens: 50, eval_tokens: 20,
    cache_hit: i.status === 'not-attempted' ? null : false, error: i.error, created_at: started,
    status: i.status, error_kind: i.errorKind, answer_read: i.answerRead, query_checks: JSON.stringify(i.checks),
  })));
  await appendRows(store, 'item_metrics', items.flatMap((i) => (i.ndcg10 === null ? [] : [{ run_id: runId, item_key: key(i), measure: 'ndcg_cut_10', value: i.ndcg10 }])));
}
