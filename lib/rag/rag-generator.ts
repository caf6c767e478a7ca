/**
 * The RAG generator (`{type: rag, model: M, retriever: {...}, k: 5}`, generator id `rag:M`): for
 * a question it retrieves the top k passages (RagRetriever), renders the versioned prompt
 * (data/prompts/rag-answer.v1.json: the question and the passages, each labelled with its
 * document id), asks the model for an answer following the prompt's JSON Schema (sent as the
 * request's `format`), and reads the answer and its citations (rag-answer-reading.ts). It plugs
 * into the benchmark engine as a query generator that produces no queries: its item carries a
 * RagItem instead (ragItemOf), which the engine scores (rag-scoring.ts) and stores (rag-answers.ts).
 *
 * Latency: the item's latency is retrieval plus the LLM call (wall time); the split is kept:
 * retrieval (measured around the retriever, the store visit included, plus a hybrid retriever's
 * share of the dense search it made for every question before the first), and from the call the
 * server's load, prompt evaluation and generation times (Ollama's load_duration,
 * prompt_eval_duration, eval_duration). A response-cache hit makes no call: its timings are the
 * original call's, so only its wall time (the cache-hit latency) is kept.
 */
import type { Query } from '../datasets/types';
import type { LlmCall, LlmClient } from '../llm/llm-client';
import type { GenerationOptions } from '../llm/types';
import { splitRequestFields } from '../llm/llm-settings';
import { answerFormat, renderPrompt, type LoadedPromptTemplate } from '../querygen/prompt-template';
import { itemErrorKind, type GeneratedQueries, type PrepareContext, type QueryGenerator } from '../querygen/types';
import { readRagAnswer, type RagAnswerRead } from './rag-answer-reading';
import { RetrievalFailure, type RagRetriever, type RetrievedPassage } from './rag-retriever';

/** Longest passage text put in the prompt; longer passages are cut (their id stays). */
export const MAX_PASSAGE_CHARS = 2_000;
/** The prompt a RAG generator uses when the suite names none. */
export const DEFAULT_RAG_PROMPT = 'rag-answer@1';

/** What a RAG item adds to its run item: its context, the answer as read, the latency split. */
export interface RagItem {
  retriever: string;
  k: number;
  /** The passages' document ids in the order given to the model, with their retrieval scores. */
  context: { docId: string; score: number }[];
  /** The answer as read; null when the call failed or nothing was retrieved. */
  read: RagAnswerRead | null;
  retrievalMs: number;
  /** The LLM call's wall time; null when no call was made. */
  llmMs: number | null;
  /** Server-reported times of a call that reached the server; null for a cache hit or a failed call. */
  loadMs: number | null;
  promptEvalMs: number | null;
  evalMs: number | null;
  cacheHit: boolean | null;
}

export interface RagGeneration extends GeneratedQueries {
  rag: RagItem;
}

/** The RAG part of a generation, when the generator was a RAG generator. */
export function ragItemOf(generation: GeneratedQueries): RagItem | undefined {
  return 'rag' in generation ? (generation as RagGeneration).rag : undefined;
}

export interface RagGeneratorSettings {
  k: number;
  /** Generation options (Ollama names); `keep_alive` and `think` are request fields and are taken out. */
  options: GenerationOptions;
}

const NS_PER_MS = 1e6;
const ms = (ns: number | null): number | null => (ns === null ? null : ns / NS_PER_MS);

/** The passages as the prompt shows them: `[id]` then the text, cut at MAX_PASSAGE_CHARS. */
export function renderPassages(passages: readonly RetrievedPassage[]): string {
  return passages
    .map((p) => {
      const text = p.text.replace(/\s+/g, ' ').trim();
      return `[${p.docId}]\n${text.length > MAX_PASSAGE_CHARS ? `${text.slice(0, MAX_PASSAGE_CHARS)}...` : text}`;
    })
    .join('\n\n');
}

export class RagGenerator implements QueryGenerator {
  readonly id: string;
  readonly kind = 'rag' as const;
  readonly embeddingModel: string | undefined;

  constructor(
    private readonly client: LlmClient,
    readonly model: string,
    private readonly template: LoadedPromptTemplate,
    private readonly retriever: RagRetriever,
    private readonly settings: RagGeneratorSettings,
  ) {
    this.id = `rag:${model}`;
    this.embeddingModel = retriever.embeddingModel;
  }

  /** The retriever's work before the first question (dense and hybrid retrievers: the document embeddings). */
  async prepare(context: PrepareContext): Promise<void> {
    await this.retriever.prepare?.(context);
  }

  async generate(question: Query): Promise<RagGeneration> {
    const started = performance.now();
    // Time spent for this question before it was asked (a hybrid's share of the one dense search).
    const precomputedMs = this.retriever.precomputedMs?.(question.id) ?? 0;
    const none = { queries: [], checks: [] };
    let passages: RetrievedPassage[];
    try {
      passages = await this.retriever.retrieve({ id: question.id, text: question.text }, this.settings.k);
    } catch (error) {
      if (!(error instanceof RetrievalFailure)) throw error;
      const retrievalMs = performance.now() - started + precomputedMs;
      const rag: RagItem = { retriever: this.retriever.id, k: this.settings.k, context: [], retrievalMs, read: null, llmMs: null, loadMs: null, promptEvalMs: null, evalMs: null, cacheHit: null };
      return { ...none, answerRead: null, calls: [], latencyMs: retrievalMs, error: error.message, errorKind: error.kind, rag };
    }
    const retrievalMs = performance.now() - started + precomputedMs;
    const base = { retriever: this.retriever.id, k: this.settings.k, context: passages.map((p) => ({ docId: p.docId, score: p.score })), retrievalMs };
    if (passages.length === 0) {
      const rag: RagItem = { ...base, read: null, llmMs: null, loadMs: null, promptEvalMs: null, evalMs: null, cacheHit: null };
      return { ...none, answerRead: null, calls: [], latencyMs: retrievalMs, error: 'the retriever found no passage for the question', errorKind: 'other', rag };
    }
    const call = await this.client.generate({
      model: this.model,
      prompt: renderPrompt(this.template, { question: question.text, passages: renderPassages(passages), example_id: passages[0]?.docId ?? '' }),
      ...(this.template.system !== undefined ? { system: this.template.system } : {}),
      format: answerFormat(this.template),
      ...splitRequestFields(this.settings.options),
    });
    const latencyMs = performance.now() - started + precomputedMs;
    const timings = callTimings(call);
    if (call.error) {
      const rag: RagItem = { ...base, read: null, ...timings };
      return { ...none, answerRead: null, calls: [call], latencyMs, error: `${call.error.kind}: ${call.error.message}`, errorKind: itemErrorKind(call.error.kind), rag };
    }
    const read = readRagAnswer(call.text, passages.map((p) => p.docId), {
      list: this.template.answer.list, itemFields: this.template.answer.item_fields, isStrict: this.template.isStrict,
    });
    const error = read.readAs === 'none' ? `no answer: ${read.problem ?? 'nothing readable'}` : undefined;
    return { ...none, answerRead: read.readAs, calls: [call], latencyMs, error, errorKind: error ? 'parse' : undefined, rag: { ...base, read, ...timings } };
  }
}

/** The call's latency split; a cache hit keeps only its wall time. */
function callTimings(call: LlmCall): Pick<RagItem, 'llmMs' | 'loadMs' | 'promptEvalMs' | 'evalMs' | 'cacheHit'> {
  const fresh = !call.cacheHit && !call.error;
  return {
    llmMs: call.wallMs,
    loadMs: fresh ? ms(call.timings.loadNs) : null,
    promptEvalMs: fresh ? ms(call.timings.promptEvalNs) : null,
    evalMs: fresh ? ms(call.timings.evalNs) : null,
    cacheHit: call.cacheHit,
  };
}
