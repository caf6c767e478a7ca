/**
 * Benchmark suites: a YAML or JSON file in data/suites/ naming the dataset, the generators
 * (baselines and LLM models), generation options, repeats and expectations. Read and validated
 * by the config loader (lib/config): every error names the file, the line and the field path
 * (`suite.yaml:7: generators.2.model: Invalid input: expected string, received number`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseConfigText, readConfigText, type ConfigProblems } from '../config/load-config';
import { InputError } from '../input-error';
import { PROMPT_REF } from '../querygen/prompt-ref';
import { projectRoot } from '../store/db-path';
import { backendSettingsSchema } from '../backends/registry';
import { ragExpectationsShape, ragGeneratorSchema } from '../rag/rag-suite';
import { denseFields, fusionFields } from '../querygen/strategy-settings';

const generatorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('question-or') }).strict(),
  z.object({ type: z.literal('tfidf-keywords'), keywords: z.number().int().min(1).max(50).default(5) }).strict(),
  z.object({ type: z.literal('llm'), model: z.string().min(1) }).strict(),
  /** The question as a ranked OR query (BM25 on the embedded engine): generator id `bm25`. */
  z.object({ type: z.literal('bm25') }).strict(),
  /** Dense retrieval over the documents' embeddings: generator id `dense:<model>`. */
  z.object({ type: z.literal('dense'), ...denseFields }).strict(),
  /** Dense results fused with BM25's (or an LLM generator's): generator id `hybrid:<model>`. */
  z
    .object({
      type: z.literal('hybrid'),
      ...denseFields,
      ...fusionFields,
      /** The lexical side: `bm25`, or `llm:<model>` (that model's boolean queries, executed and fused). */
      with: z.string().regex(/^(bm25|llm:.+)$/, 'must be bm25 or llm:<model>').default('bm25'),
    })
    .strict(),
  ragGeneratorSchema,
]);

const expectationsSchema = z
  .object({
    /** Every generator's mean nDCG@10 must reach this. */
    min_ndcg10: z.number().min(0).max(1).optional(),
    /** Generators this minimum applies to (default: all). */
    min_ndcg10_generators: z.array(z.string()).optional(),
    max_p95_latency_ms: z.number().positive().optional(),
    max_error_rate: z.number().min(0).max(1).optional(),
    /** Fail the run (exit 5) when a named LLM model was skipped: host down or model missing. */
    require_models: z.boolean().optional(),
    ...ragExpectationsShape,
  })
  .strict();

/** Where and how to reach the LLM servers; shared by suites and experiments. */
export const llmSchema = z
  .object({
    /** `openai` for OpenAI-compatible servers (LM Studio, vLLM, llama.cpp server). */
    provider: z.enum(['ollama', 'openai']).default('ollama'),
    /** Host URLs; default: OLLAMA_HOST (comma-separated) or http://127.0.0.1:11434. */
    hosts: z.array(z.string().min(1)).min(1).optional(),
    /** Requests in flight per host (1 = serial, right for one local GPU). */
    concurrency: z.number().int().min(1).max(64).default(1),
    /** OpenAI-compatible servers: the environment variable holding the API key (never the key itself). */
    api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
    /** Whole answer (default 600 s). */
    timeout_s: z.number().positive().optional(),
    /** Until the first streamed chunk, a model load included (default 120 s). */
    first_token_timeout_s: z.number().positive().optional(),
    /** Silence between streamed chunks once the answer has started (default 30 s). */
    idle_timeout_s: z.number().positive().optional(),
    attempts: z.number().int().min(1).max(10).optional(),
    /** Consecutive failures that open a (host, model) or host circuit (default 5). */
    breaker_threshold: z.number().int().min(1).max(100).optional(),
    /** How long an open circuit waits before one probe call (default 30 s). */
    breaker_cooldown_s: z.number().positive().optional(),
  })
  .strict();

export const suiteSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    dataset: z.string().min(1),
    /** Imported automatically when the dataset is not in the store yet. */
    import: z
      .object({
        format: z.enum(['beir', 'trec', 'smart', 'files']),
        paths: z.array(z.string()).min(1),
        fields: z.array(z.string()).optional(),
        /** `files` only: the golden file of questions and judgments (README, "Your own documents"). */
        golden: z.string().min(1).optional(),
      })
      .strict()
      .refine((i) => i.golden === undefined || i.format === 'files', { message: 'golden is for format files', path: ['golden'] })
      .optional(),
    generators: z.array(generatorSchema).min(1),
    llm: llmSchema.optional(),
    prompt: z.string().regex(PROMPT_REF, 'must look like NAME@VERSION, e.g. boolean-query@2').default('boolean-query@2'),
    queries_per_model: z.number().int().min(1).max(20).default(3),
    /** Repair lowercase and/or/not used as operators, a missing closing parenthesis and typographic quotes (each repair is flagged). */
    repair_queries: z.boolean().default(false),
    options: z.record(z.string(), z.unknown()).default({}),
    repeats: z.number().int().min(1).max(100).default(1),
    top_k: z.number().int().min(1).max(10_000).default(100),
    multi_model: z.boolean().default(true),
    /** Sample the GPU (nvidia-smi / rocm-smi, Ollama /api/ps) while generators that run a model (llm, rag, dense, hybrid) work. */
    gpu_sampling: z.boolean().default(true),
    /** Where the generated queries run: the embedded engine (default) or a PostgreSQL table (lib/backends). */
    backend: backendSettingsSchema.optional(),
    /** Limit to the first N questions (quick runs). */
    max_questions: z.number().int().min(1).optional(),
    expectations: expectationsSchema.default({}),
  })
  .strict();

export type Suite = z.infer<typeof suiteSchema>;
export type SuiteGenerator = Suite['generators'][number];

export const DEFAULT_SUITE = 'default.yaml';

export function suitesDir(): string {
  return path.join(projectRoot(), 'data', 'suites');
}

/**
 * The generator id a suite entry gets (its row in summaries, reports and compare), by type: a
 * typed map, so a new generator type needs its id here. The engine's generators carry the same ids
 * (lib/querygen, lib/rag); test/suites/suite-generator-ids.test.ts checks they agree.
 */
const GENERATOR_IDS: { [T in SuiteGenerator['type']]: (g: Extract<SuiteGenerator, { type: T }>) => string } = {
  'question-or': () => 'baseline:question-or',
  'tfidf-keywords': () => 'baseline:tfidf-keywords',
  llm: (g) => `llm:${g.model}`,
  bm25: () => 'bm25',
  dense: (g) => `dense:${g.model}`,
  hybrid: (g) => `hybrid:${g.model}`,
  rag: (g) => `rag:${g.model}`,
};

export function suiteGeneratorId(g: SuiteGenerator): string {
  return (GENERATOR_IDS[g.type] as (g: SuiteGenerator) => string)(g);
}

/** Two entries with one generator id would share one row: the later ones are problems at their entry. */
function checkGeneratorIds(suite: Suite, problems: ConfigProblems): void {
  const first = new Map<string, number>();
  suite.generators.forEach((g, i) => {
    const id = suiteGeneratorId(g);
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, i);
    else problems.add(['generators', i], `generator id '${id}' is also generators.${earlier}'s: each generator id is one row, so give each entry its own (one dense, hybrid or rag entry per model)`);
  });
}

/** Parses and validates a suite given as YAML or JSON text (`.json`: strict JSON); `file` names it in errors. */
export function parseSuite(text: string, file: string): Suite {
  return parseConfigText(text, file, suiteSchema, { what: 'suite', check: checkGeneratorIds });
}

/** The extensions a suite named without one is found by, in this order. */
export const SUITE_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/**
 * The file a suite path or name means: the path as given (from the working folder), else the name
 * in data/suites/; a name without a suite extension also finds NAME.yaml, NAME.yml or NAME.json
 * there (`--suite default` is data/suites/default.yaml). Two such files for one name are ambiguous.
 */
export function findSuiteFile(fileOrName: string): string {
  const candidates = [path.resolve(fileOrName), path.join(suitesDir(), fileOrName)];
  const isFile = (c: string): boolean => fs.existsSync(c) && fs.statSync(c).isFile();
  const exact = candidates.find(isFile);
  if (exact) return exact;
  const byExtension = !SUITE_EXTENSIONS.includes(path.extname(fileOrName).toLowerCase());
  if (byExtension) {
    for (const base of candidates) {
      const found = SUITE_EXTENSIONS.map((ext) => base + ext).filter(isFile);
      if (found.length > 1) throw new InputError(`suite '${fileOrName}' is ambiguous: ${found.join(' and ')}; give the file name`);
      if (found[0] !== undefined) return found[0];
    }
  }
  const extensions = byExtension ? `, each also with ${SUITE_EXTENSIONS.join(', ')}` : '';
  throw new InputError(`suite '${fileOrName}' not found (looked at ${candidates.join(', ')}${extensions})`);
}

/** Loads a suite by path, or by name from data/suites/ (with or without its extension). */
export function loadSuite(fileOrName: string = DEFAULT_SUITE): { suite: Suite; file: string } {
  const file = findSuiteFile(fileOrName);
  return { suite: parseSuite(readConfigText(file), file), file };
}

/** Paths in a suite's import block are relative to the project folder. */
export function resolveSuitePath(p: string): string {
  return path.isAbsolute(p) ? p : path.join(projectRoot(), p);
}
