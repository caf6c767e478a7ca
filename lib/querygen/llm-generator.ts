/**
 * The LLM query generator: renders the versioned prompt for a question, asks the model for an
 * answer following the prompt's declared JSON Schema (`answer.schema`, which the client sends as
 * the request format), reads the answer with the tolerant reader (lib/llm/answer-extraction.ts:
 * strict, known variants, fenced or embedded JSON, lines) and checks every query on its own:
 * an invalid query is recorded with its position and message and skipped, and the item is an
 * error only when no query is usable. With `repair` on, common defects are repaired and flagged.
 * The answer is untrusted text: it is only ever parsed as data. Thinking is kept apart by the
 * providers and never read as the answer.
 */
import type { Query } from '../datasets/types';
import type { LlmClient } from '../llm/llm-client';
import type { GenerationOptions } from '../llm/types';
import { splitRequestFields } from '../llm/llm-settings';
import { extractStringList } from '../llm/answer-extraction';
import { answerFormat, renderPrompt, type LoadedPromptTemplate } from './prompt-template';
import { checkQueries } from './query-repair';
import { itemErrorKind, type GeneratedQueries, type QueryGenerator } from './types';

/** Longest query kept from a model's answer; longer ones are cut, not run. */
export const MAX_QUERY_CHARS = 2_000;

export interface LlmGeneratorSettings {
  queriesPerModel: number;
  /** Generation options (Ollama names); `keep_alive` and `think` are request fields and are taken out. */
  options: GenerationOptions;
  /** Repair lowercase operators, a missing closing parenthesis and typographic quotes. */
  repairQueries: boolean;
}

export class LlmQueryGenerator implements QueryGenerator {
  readonly id: string;
  readonly kind = 'llm' as const;

  constructor(
    private readonly client: LlmClient,
    readonly model: string,
    private readonly template: LoadedPromptTemplate,
    private readonly settings: LlmGeneratorSettings,
  ) {
    this.id = `llm:${model}`;
  }

  async generate(question: Query): Promise<GeneratedQueries> {
    const started = performance.now();
    const fields = splitRequestFields(this.settings.options);
    const call = await this.client.generate({
      model: this.model,
      prompt: renderPrompt(this.template, { question: question.text, count: this.settings.queriesPerModel }),
      ...(this.template.system !== undefined ? { system: this.template.system } : {}),
      format: answerFormat(this.template),
      ...fields,
    });
    const latencyMs = performance.now() - started;
    if (call.error) {
      return {
        queries: [], checks: [], answerRead: null, calls: [call], latencyMs,
        error: `${call.error.kind}: ${call.error.message}`, errorKind: itemErrorKind(call.error.kind),
      };
    }
    const read = extractStringList(call.text, {
      key: this.template.answer.list,
      itemFields: this.template.answer.item_fields,
      isStrict: this.template.isStrict,
      maxItemChars: MAX_QUERY_CHARS,
    });
    const checks = checkQueries(read.items.slice(0, this.settings.queriesPerModel), { repair: this.settings.repairQueries });
    const queries = checks.filter((c) => c.valid).map((c) => c.query);
    let error: string | undefined;
    if (read.items.length === 0) error = `no queries in the answer: ${read.problem ?? 'nothing readable'}`;
    else if (queries.length === 0) error = `none of the ${checks.length} queries is valid: ${checks.map((c) => `at ${c.position}: ${c.message}`).join('; ')}`;
    return { queries, checks, answerRead: read.readAs, calls: [call], latencyMs, error, errorKind: error ? 'parse' : undefined };
  }
}
