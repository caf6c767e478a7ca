/**
 * Who owns each table, as data: the lib/ folder that owns it, the one file that writes it
 * (INSERT, UPDATE, DELETE, Appender), the other files of that folder that read it where that is
 * narrowed down, and the few reads from outside the folder that are allowed, each with its
 * reason. Every other module reads a table through its owner's functions.
 * test/architecture/table-owners.test.ts holds lib/ to this map, and checks that it names every
 * table and view the migrations create.
 */

export interface TableOwner {
  /** The lib/ folder that owns the table (`runs` for lib/runs). */
  folder: string;
  /** The one file (from the repository root) that writes the table; null for a view, which nothing writes. */
  writer: string | null;
  /** When set, the only files of the owning folder besides the writer that read the table; when absent, any file of the folder may. */
  readers?: readonly string[];
  /** Files outside the owning folder allowed to read the table, each with why. */
  exceptions?: readonly { file: string; reason: string }[];
}

const DATASETS_IMPORT = 'lib/datasets/import.ts';
const CATALOG = 'lib/datasets/catalog.ts';
const DOCUMENT_READS = 'lib/datasets/document-reads.ts';

/** The retrieval engine's core queries: BM25 scoring and the Boolean matcher run as SQL over the index. */
const SEARCH_ENGINE_REASON =
  "the search engine's core query: BM25 and the Boolean matcher score and match in SQL over the index tables lib/datasets writes at import; pulling the postings out through functions would move the search out of DuckDB";
const BM25 = { file: 'lib/retrieval/bm25.ts', reason: SEARCH_ENGINE_REASON };
const QUERY_LEAVES = { file: 'lib/retrieval/query-leaves.ts', reason: `${SEARCH_ENGINE_REASON} (prefix expansion over index_words and phrase positions from index_postings, shared by both boolean matchers)` };
const POSTINGS_CACHE = {
  file: 'lib/retrieval/postings-cache.ts',
  reason: "the search engine's load of the index into typed arrays, once per process: one streamed scan per table (and the doc ids by doc_no), which a function returning rows would make slower and larger",
};

const RUN_STORE = 'lib/runs/run-store.ts';
const EMBEDDING_STORE = 'lib/embeddings/embedding-store.ts';
const GPU_STORE = 'lib/gpu/gpu-store.ts';
const GPU_DASHBOARD_RUNS = {
  file: 'lib/gpu/gpu-dashboard-data.ts',
  reason:
    'lib/runs imports lib/gpu (the engine samples the GPU during a run), so lib/gpu cannot call lib/runs without a folder cycle; the dashboard reads the runs overlapping its window (id, kind, suite, dataset, status, times) to draw them over the telemetry, and never writes',
};

export const TABLE_OWNERS = {
  // Datasets and their inverted index (lib/datasets/import.ts writes a dataset in one transaction).
  datasets: { folder: 'datasets', writer: DATASETS_IMPORT, readers: [CATALOG, DOCUMENT_READS], exceptions: [BM25] },
  documents: {
    folder: 'datasets',
    writer: DATASETS_IMPORT,
    readers: [DOCUMENT_READS],
    exceptions: [{ file: 'lib/retrieval/bm25.ts', reason: `${SEARCH_ENGINE_REASON}; the ranking joins documents for the ids of its top hits` }],
  },
  queries: { folder: 'datasets', writer: DATASETS_IMPORT, readers: [CATALOG] },
  qrels: { folder: 'datasets', writer: DATASETS_IMPORT, readers: [CATALOG] },
  index_terms: { folder: 'datasets', writer: DATASETS_IMPORT, readers: [DOCUMENT_READS], exceptions: [BM25, POSTINGS_CACHE, QUERY_LEAVES] },
  index_postings: { folder: 'datasets', writer: DATASETS_IMPORT, readers: ['lib/datasets/postings-packs.ts'], exceptions: [BM25, POSTINGS_CACHE, QUERY_LEAVES] },
  index_words: { folder: 'datasets', writer: DATASETS_IMPORT, readers: [], exceptions: [QUERY_LEAVES] },
  index_packs: { folder: 'datasets', writer: 'lib/datasets/postings-packs.ts', readers: [] },

  // Runs: lib/runs/run-store.ts records them; lib/runs reads them back for everyone else.
  runs: { folder: 'runs', writer: RUN_STORE, exceptions: [GPU_DASHBOARD_RUNS] },
  run_items: { folder: 'runs', writer: RUN_STORE },
  item_metrics: { folder: 'runs', writer: RUN_STORE },
  run_results: { folder: 'runs', writer: RUN_STORE },
  // Built and renamed inside migrations 6 and 7 only (they become run_items and item_metrics).
  run_items_keyed: { folder: 'store', writer: 'lib/store/migrations/006-run-items-key.ts' },
  item_metrics_keyed: { folder: 'store', writer: 'lib/store/migrations/007-item-metrics-key.ts' },

  // RAG answers: lib/rag/rag-answers.ts writes and reads them (citation measures are item_metrics rows).
  rag_answers: { folder: 'rag', writer: 'lib/rag/rag-answers.ts', readers: [] },

  // LLM calls and the response cache.
  llm_calls: { folder: 'llm', writer: 'lib/llm/call-log.ts', readers: [] },
  llm_cache: { folder: 'llm', writer: 'lib/llm/response-cache.ts', readers: [] },

  // GPU telemetry.
  gpu_samples: { folder: 'gpu', writer: GPU_STORE },
  gpu_alerts: { folder: 'gpu', writer: GPU_STORE },
  gpu_phases: { folder: 'gpu', writer: GPU_STORE },
  ollama_ps_samples: { folder: 'gpu', writer: GPU_STORE },

  // Model selection log and its views.
  model_selections: { folder: 'scoring', writer: 'lib/scoring/selection-log.ts' },
  models_per_category: { folder: 'scoring', writer: null },
  performance_by_category: { folder: 'scoring', writer: null },
  multi_category_effectiveness: { folder: 'scoring', writer: null },

  // Rollout experiments.
  experiments: { folder: 'rollout', writer: 'lib/rollout/experiment-store.ts' },
  experiment_events: { folder: 'rollout', writer: 'lib/rollout/events.ts' },
  experiment_decisions: { folder: 'rollout', writer: 'lib/rollout/decisions.ts' },
  keyword_extractions: { folder: 'rollout', writer: 'lib/rollout/batch-step.ts' },
  rollout_quality: { folder: 'rollout', writer: 'lib/rollout/rollout-quality.ts' },

  // Keyword extraction cache and the job log.
  keyword_cache: { folder: 'keywords', writer: 'lib/keywords/keyword-cache.ts', readers: [] },
  job_runs: { folder: 'jobs', writer: 'lib/jobs/job-runs.ts' },

  // Dense retrieval: embedding sets and their chunks; the vectors are in embedding_vectors_<N>
  // (one table per vector length, created and written by the same module, see migration 10).
  embedding_sets: { folder: 'embeddings', writer: EMBEDDING_STORE, readers: [] },
  embedding_chunks: { folder: 'embeddings', writer: EMBEDDING_STORE, readers: [] },
} as const satisfies Record<string, TableOwner>;

export type OwnedTable = keyof typeof TABLE_OWNERS;
