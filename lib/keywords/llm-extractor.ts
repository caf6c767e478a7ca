/**
 * Owns LLM-based keyword extraction (the treatment arm): renders the versioned prompt
 * (data/prompts/keywords.v<N>.json) for a document, asks the model for JSON
 * (`{"keywords": [...]}`), and validates the answer with zod. The answer is untrusted text: it is
 * only parsed as data, and a malformed answer is a recorded error, never a crash. Valid answers
 * are cached by document hash, prompt version and model (keyword-cache.ts).
 */
import { z } from 'zod';
import type { LlmClient } from '../llm/llm-client';
import type { GenerationOptions } from '../llm/types';
import type { Analyzer } from '../retrieval/analyzer';
import { renderPrompt, type PromptTemplate } from '../querygen/prompt-template';
import { hallucinatedKeywords } from './hallucination';
import { documentHash, type KeywordCache } from './keyword-cache';
import type { KeywordDocument, KeywordExtraction, KeywordExtractor, KeywordTarget } from './keyword-extraction';

/** Longest keyword kept from an answer; longer ones are cut. */
export const MAX_KEYWORD_CHARS = 100;
/** Most document text put into the prompt, so a long document cannot overflow the context. */
export const MAX_PROMPT_DOCUMENT_CHARS = 12_000;
const ANSWER_PREVIEW_CHARS = 120;

const answerSchema = z.object({ keywords: z.array(z.string()).min(1) });

/** Extracts the keywords from a model's answer (trimmed, de-duplicated ignoring case), or says why it cannot. */
export function parseKeywordsAnswer(text: string): { keywords: string[]; error: string | undefined } {
  const trimmed = text.trim();
  // Some models wrap JSON in a Markdown fence even when asked not to.
  const unfenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed)?.[1] ?? trimmed;
  let json: unknown;
  try {
    json = JSON.parse(unfenced);
  } catch {
    return { keywords: [], error: `the answer is not JSON: ${trimmed.slice(0, ANSWER_PREVIEW_CHARS)}` };
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { keywords: [], error: `the answer does not match {"keywords": [string, ...]}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
  }
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const raw of parsed.data.keywords) {
    const keyword = raw.trim().replace(/\s+/g, ' ').slice(0, MAX_KEYWORD_CHARS);
    const folded = keyword.toLowerCase();
    if (keyword === '' || seen.has(folded)) continue;
    seen.add(folded);
    keywords.push(keyword);
  }
  return { keywords, error: keywords.length === 0 ? 'the answer has only empty keywords' : undefined };
}

export interface LlmExtractorSettings {
  model: string;
  template: PromptTemplate;
  target: KeywordTarget;
  options: GenerationOptions;
}

export class LlmKeywordExtractor implements KeywordExtractor {
  readonly method = 'llm' as const;
  readonly promptRef: string;

  constructor(
    private readonly client: LlmClient,
    private readonly settings: LlmExtractorSettings,
    private readonly analyzer: Analyzer,
    private readonly cache: KeywordCache,
  ) {
    this.promptRef = `${settings.template.id}@${settings.template.version}`;
  }

  /** The document hashes this extractor will look up (load them into the cache before a batch). */
  static hashes(documents: readonly KeywordDocument[]): string[] {
    return documents.map((d) => documentHash(d.text));
  }

  async extract(document: KeywordDocument): Promise<KeywordExtraction> {
    const started = performance.now();
    const { model, template, target } = this.settings;
    const hash = documentHash(document.text);
    const base = { docId: document.id, method: this.method, model, prompt: this.promptRef };
    const finish = (keywords: string[], error: string | undefined, cacheHit: boolean, calls: KeywordExtraction['calls']): KeywordExtraction => ({
      ...base,
      keywords,
      count: keywords.length,
      hallucinated: hallucinatedKeywords(keywords, document.text, this.analyzer),
      processingMs: performance.now() - started,
      error,
      cacheHit,
      calls,
    });
    const cached = this.cache.get(hash, this.promptRef, model);
    if (cached) return finish(cached, undefined, true, []);

    // keep_alive is a request field in Ollama's API, not a model option.
    const { keep_alive: keepAlive, ...options } = this.settings.options;
    const call = await this.client.generate({
      model,
      prompt: renderPrompt(template, { min: target.min, max: target.max, document: document.text.slice(0, MAX_PROMPT_DOCUMENT_CHARS) }),
      ...(template.system !== undefined ? { system: template.system } : {}),
      options,
      format: 'json',
      ...(typeof keepAlive === 'string' || typeof keepAlive === 'number' ? { keepAlive } : {}),
    });
    if (call.error) return finish([], `${call.error.kind}: ${call.error.message}`, false, [call]);
    const { keywords, error } = parseKeywordsAnswer(call.text);
    if (error === undefined) this.cache.put(hash, this.promptRef, model, keywords);
    return finish(keywords, error, false, [call]);
  }
}
