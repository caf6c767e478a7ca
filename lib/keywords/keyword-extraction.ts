/**
 * Owns the keyword-extraction contract shared by both methods: what a document to enrich looks
 * like, what one extraction records (keywords, count, hallucinated keywords, processing time,
 * error, cache hit), the method names, and the target keyword count of the plan (10-15).
 */
import type { LlmCall } from '../llm/llm-client';

/** The extraction methods: frequency-based (TF-IDF, the control) and LLM-based (the treatment). */
export const KEYWORD_METHODS = ['frequency', 'llm'] as const;
export type KeywordMethod = (typeof KEYWORD_METHODS)[number];

/** How many keywords a method should return: the plan's 10-15, aiming at the middle. */
export interface KeywordTarget {
  min: number;
  max: number;
}

export const DEFAULT_KEYWORD_TARGET: KeywordTarget = { min: 10, max: 15 };

/** The count a method aims at inside the target range (frequency extraction returns exactly this many when it can). */
export function targetCount(target: KeywordTarget): number {
  return Math.round((target.min + target.max) / 2);
}

/** A document to enrich: its id and its text (indexed fields joined). */
export interface KeywordDocument {
  id: string;
  text: string;
}

export interface KeywordExtraction {
  docId: string;
  method: KeywordMethod;
  keywords: string[];
  /** keywords.length, kept for queries that should not unpack arrays. */
  count: number;
  /** Keywords with a stem that does not occur in the document (see hallucination.ts). */
  hallucinated: string[];
  /** Wall time of this extraction, including a cache lookup or the LLM call. */
  /** Time the extraction took, model load left out. */
  processingMs: number;
  /** Why the extraction failed (an LLM error, a malformed answer); undefined when it worked. */
  error: string | undefined;
  /** The answer came from the keyword cache (document hash + prompt version + model). */
  cacheHit: boolean;
  /** Model and prompt for LLM extractions. */
  model?: string;
  prompt?: string;
  /** LLM calls made (none for a cache hit or the frequency method), for `llm_calls`. */
  calls: LlmCall[];
}

export interface KeywordExtractor {
  readonly method: KeywordMethod;
  /** Extracts keywords; never throws for a per-document failure (it is recorded in `error`). */
  extract(document: KeywordDocument): Promise<KeywordExtraction>;
}
