/**
 * Owns LLM-based keyword extraction (the treatment arm): renders the versioned prompt
 * (data/prompts/keywords.v<N>.json) for a document, asks the model for an answer following the
 * prompt's declared schema (`{"keywords": [...]}`), and reads it with the tolerant reader. The answer is untrusted text: it is
 * only parsed as data, and a malformed answer is a recorded error, never a crash. Valid answers
 * are cached by document hash, prompt version and model (keyword-cache.ts).
 */
import type { LlmClient } from '../llm/llm-client';
import type { GenerationOptions } from '../llm/types';
import type { Analyzer } from '../text/analyzer';
import { answerFormat, renderPrompt, type LoadedPromptTemplate } from '../querygen/prompt-template';
import { extractStringList, type AnswerReading } from '../llm/answer-extraction';
import { splitRequestFields } from '../llm/llm-settings';
import { COLD_START_MS } from '../llm/types';
import type { LlmCall } from '../llm/llm-client';
import { hallucinatedKeywords } from './hallucination';
import { documentHash, type KeywordCache } from './keyword-cache';
import type { KeywordDocument, KeywordExtraction, KeywordExtractor, KeywordTarget } from './keyword-extraction';

/** Longest keyword kept from an answer; longer ones are cut. */
export const MAX_KEYWORD_CHARS = 100;
/** Most document text put into the prompt, so a long document cannot overflow the context. */
export const MAX_PROMPT_DOCUMENT_CHARS = 12_000;

/**
 * Extracts the keywords from a model's answer with the tolerant reader (strict schema, known
 * variants, fenced JSON, lines), trimmed and de-duplicated ignoring case, or says why it cannot.
 */
export function parseKeywordsAnswer(text: string, template: LoadedPromptTemplate): { keywords: string[]; readAs: AnswerReading; error: string | undefined } {
  const read = extractStringList(text, {
    key: template.answer.list,
    itemFields: template.answer.item_fields,
    isStrict: template.isStrict,
    maxItemChars: MAX_KEYWORD_CHARS,
  });
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const keyword of read.items) {
    const folded = keyword.toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    keywords.push(keyword);
  }
  return { keywords, readAs: read.readAs, error: keywords.length === 0 ? `no keywords in the answer: ${read.problem ?? 'nothing readable'}` : undefined };
}

/** The model load of a call that was a cold start, else 0. */
function coldLoadMs(call: LlmCall): number {
  const ms = call.cacheHit ? 0 : (call.timings.loadNs ?? 0) / 1e6;
  return ms >= COLD_START_MS ? ms : 0;
}

export interface LlmExtractorSettings {
  model: string;
  template: LoadedPromptTemplate;
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
      // A cold start's model load (Ollama's load_duration) is left out: it is not the method's
      // cost per document, and would sway the stage gates on processing time.
      processingMs: Math.max(0, performance.now() - started - calls.reduce((sum, c) => sum + coldLoadMs(c), 0)),
      error,
      cacheHit,
      calls,
    });
    const cached = this.cache.get(hash, this.promptRef, model);
    if (cached) return finish(cached, undefined, true, []);

    const call = await this.client.generate({
      model,
      prompt: renderPrompt(template, { min: target.min, max: target.max, document: document.text.slice(0, MAX_PROMPT_DOCUMENT_CHARS) }),
      ...(template.system !== undefined ? { system: template.system } : {}),
      format: answerFormat(template),
      ...splitRequestFields(this.settings.options),
    });
    if (call.error) return finish([], `${call.error.kind}: ${call.error.message}`, false, [call]);
    const { keywords, error } = parseKeywordsAnswer(call.text, template);
    if (error === undefined) this.cache.put(hash, this.promptRef, model, keywords);
    return finish(keywords, error, false, [call]);
  }
}
