/**
 * The rag_answers table (migration 8): one row per RAG item of a benchmark run, keyed like
 * run_items (run_id, item_key), written in the batch's transaction with its item; this module
 * is its only writer and reader. It stores the context given, the answer and citations as read
 * (untrusted model output, bound as parameters, never spliced into SQL), how each citation was
 * read, and the latency split; and reads back, per generator, the latency split's percentiles
 * and the cache-hit latency, and the answers for the report's per-question table.
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { AppendValue, Store } from '../store/store';
import type { RagItem } from './rag-generator';
import type { CitationRead } from './rag-answer-reading';

/** A completed item as the engine holds it: what a row needs. */
export interface RagItemToStore {
  key: string;
  generator: string;
  questionId: string;
  repeat: number;
  rag?: RagItem | undefined;
}

/** The rows of the batch's RAG items, in rag_answers' column order. */
export function ragAnswerRows(runId: string, items: readonly RagItemToStore[]): AppendValue[][] {
  return items.flatMap((i): AppendValue[][] => {
    const r = i.rag;
    if (!r) return [];
    return [[
      runId, i.key, i.generator, i.questionId, i.repeat, r.retriever, r.k, JSON.stringify(r.context.map((c) => c.docId)),
      r.read?.answer ?? null, JSON.stringify(r.read ? [...r.read.cited, ...r.read.hallucinated] : []), JSON.stringify(r.read?.citationReads ?? []),
      r.retrievalMs, r.llmMs, r.loadMs, r.promptEvalMs, r.evalMs, r.cacheHit,
    ]];
  });
}

export async function appendRagAnswers(store: Store, rows: readonly (readonly AppendValue[])[]): Promise<number> {
  return rows.length === 0 ? 0 : store.append('rag_answers', rows);
}

/** Deletes the rows of items attempted again; call inside the batch's transaction. */
export async function deleteRagAnswers(store: Store, runId: string, itemKeys: string[]): Promise<void> {
  if (itemKeys.length === 0) return;
  await store.run(`DELETE FROM rag_answers WHERE run_id = $run AND list_contains($keys, item_key)`, { run: runId, keys: listValue(itemKeys) }, { keys: LIST(VARCHAR) });
}

/** Percentiles of one latency part over a generator's items, in ms; null where no item has it. */
export interface LatencyPart {
  n: number;
  p50: number | null;
  p95: number | null;
}

export interface RagLatency {
  generator: string;
  retriever: string;
  k: number;
  /** Items whose answer came from the server (not the response cache). */
  fresh: number;
  /** Retrieval, model load, generation (prompt evaluation + generation, as the server reports them) and the whole item (retrieval + the call's wall time), over fresh items. */
  retrieval: LatencyPart;
  load: LatencyPart;
  generation: LatencyPart;
  total: LatencyPart;
  /** The wall time of response-cache hits (the cache-hit latency), with its maximum. */
  cacheHit: LatencyPart & { max: number | null };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The latency split per RAG generator of a run (see RagLatency). */
export async function loadRagLatency(store: Store, runId: string): Promise<RagLatency[]> {
  const generation = `coalesce(prompt_eval_ms + eval_ms, llm_ms - coalesce(load_ms, 0))`;
  const part = (expr: string, name: string, filter: string) =>
    `count(${expr}) FILTER (WHERE ${filter}) AS ${name}_n,
     quantile_cont(${expr}, 0.5) FILTER (WHERE ${filter}) AS ${name}_p50,
     quantile_cont(${expr}, 0.95) FILTER (WHERE ${filter}) AS ${name}_p95`;
  const fresh = 'llm_ms IS NOT NULL AND NOT coalesce(cache_hit, false)';
  const rows = await store.all(
    `SELECT generator, any_value(retriever) AS retriever, max(k) AS k, count(*) FILTER (WHERE ${fresh}) AS fresh,
       ${part('retrieval_ms', 'retrieval', fresh)},
       ${part('load_ms', 'load', fresh)},
       ${part(generation, 'generation', fresh)},
       ${part('retrieval_ms + llm_ms', 'total', fresh)},
       ${part('llm_ms', 'hit', 'cache_hit')},
       max(llm_ms) FILTER (WHERE cache_hit) AS hit_max
     FROM rag_answers WHERE run_id = $run GROUP BY generator ORDER BY generator`,
    { run: runId },
  );
  const latency = (r: Record<string, unknown>, name: string): LatencyPart => ({ n: Number(r[`${name}_n`] ?? 0), p50: num(r[`${name}_p50`]), p95: num(r[`${name}_p95`]) });
  return rows.map((r) => ({
    generator: String(r['generator']), retriever: String(r['retriever']), k: Number(r['k']), fresh: Number(r['fresh']),
    retrieval: latency(r, 'retrieval'), load: latency(r, 'load'), generation: latency(r, 'generation'), total: latency(r, 'total'),
    cacheHit: { ...latency(r, 'hit'), max: num(r['hit_max']) },
  }));
}

/** One stored answer, for the report's per-question table. */
export interface StoredRagAnswer {
  itemKey: string;
  generator: string;
  queryId: string;
  repeat: number;
  contextIds: string[];
  answer: string | null;
  citationReads: CitationRead[];
  retrievalMs: number;
  llmMs: number | null;
  cacheHit: boolean | null;
}

function jsonArray(value: unknown): unknown[] {
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/** A run's answers by question, repeat and generator, the first `limit`; answers cut at `maxAnswerChars`. */
export async function loadRagAnswers(store: Store, runId: string, limit: number, maxAnswerChars: number): Promise<StoredRagAnswer[]> {
  const rows = await store.all(
    `SELECT item_key, generator, query_id, repeat_index, context_ids, left(answer, $chars) AS answer, citation_reads, retrieval_ms, llm_ms, cache_hit
     FROM rag_answers WHERE run_id = $run ORDER BY query_id, repeat_index, generator LIMIT $limit`,
    { run: runId, limit, chars: maxAnswerChars },
  );
  return rows.map((r) => ({
    itemKey: String(r['item_key']), generator: String(r['generator']), queryId: String(r['query_id']), repeat: Number(r['repeat_index']),
    contextIds: jsonArray(r['context_ids']).map(String),
    answer: (r['answer'] as string | null) ?? null,
    citationReads: jsonArray(r['citation_reads']).flatMap((c): CitationRead[] => {
      const o = c as Partial<CitationRead> | null;
      return o && typeof o.id === 'string' && typeof o.how === 'string' ? [{ raw: String(o.raw ?? o.id), id: o.id, how: o.how }] : [];
    }),
    retrievalMs: Number(r['retrieval_ms']), llmMs: num(r['llm_ms']), cacheHit: (r['cache_hit'] as boolean | null) ?? null,
  }));
}

/** How many RAG items a run stored. */
export async function countRagAnswers(store: Store, runId: string): Promise<number> {
  const row = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM rag_answers WHERE run_id = $run`, { run: runId });
  return Number(row?.n ?? 0);
}
