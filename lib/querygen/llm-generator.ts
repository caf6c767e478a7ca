/**
 * The LLM query generator: renders the versioned prompt for a question, asks the model for JSON
 * (`{"queries": [...]}`), and validates the answer with zod. The answer is untrusted text: it is
 * only ever parsed as data, and a malformed answer is a recorded error, not a crash.
 */
import { z } from 'zod';
import type { Query } from '../datasets/types';
import type { LlmClient } from '../llm/llm-client';
import type { GenerationOptions } from '../llm/types';
import { renderPrompt, type PromptTemplate } from './prompt-template';
import type { GeneratedQueries, QueryGenerator } from './types';

/** Longest query kept from a model's answer; longer ones are cut, not run. */
export const MAX_QUERY_CHARS = 2_000;

const answerSchema = z.object({ queries: z.array(z.string()).min(1) });

/** Extracts the queries from a model's answer, or says why it cannot. */
export function parseQueriesAnswer(text: string): { queries: string[]; error: string | undefined } {
  let json: unknown;
  const trimmed = text.trim();
  // Some models wrap JSON in a Markdown fence even when asked not to.
  const unfenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed)?.[1] ?? trimmed;
  try {
    json = JSON.parse(unfenced);
  } catch {
    return { queries: [], error: `the answer is not JSON: ${trimmed.slice(0, 120)}` };
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { queries: [], error: `the answer does not match {"queries": [string, ...]}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
  }
  const queries = parsed.data.queries.map((q) => q.trim().slice(0, MAX_QUERY_CHARS)).filter((q) => q !== '');
  return { queries, error: queries.length === 0 ? 'the answer has only empty queries' : undefined };
}

export class LlmQueryGenerator implements QueryGenerator {
  readonly id: string;
  readonly kind = 'llm' as const;

  constructor(
    private readonly client: LlmClient,
    readonly model: string,
    private readonly template: PromptTemplate,
    private readonly queriesPerModel: number,
    private readonly options: GenerationOptions,
  ) {
    this.id = `llm:${model}`;
  }

  async generate(question: Query): Promise<GeneratedQueries> {
    const started = performance.now();
    // keep_alive is a request field in Ollama's API, not a model option.
    const { keep_alive: keepAlive, ...options } = this.options;
    const call = await this.client.generate({
      model: this.model,
      prompt: renderPrompt(this.template, { question: question.text, count: this.queriesPerModel }),
      ...(this.template.system !== undefined ? { system: this.template.system } : {}),
      options,
      format: 'json',
      ...(typeof keepAlive === 'string' || typeof keepAlive === 'number' ? { keepAlive } : {}),
    });
    const latencyMs = performance.now() - started;
    if (call.error) return { queries: [], calls: [call], latencyMs, error: `${call.error.kind}: ${call.error.message}` };
    const { queries, error } = parseQueriesAnswer(call.text);
    return { queries: queries.slice(0, this.queriesPerModel), calls: [call], latencyMs, error };
  }
}
