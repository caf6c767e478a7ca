/**
 * The public API of lib/keywords: keyword extraction by two methods behind one interface
 * (frequency-based TF-IDF, the control; LLM-based with a versioned prompt, the treatment), the
 * hallucination check, the LLM keyword cache, and the retrieval effect of keyword expansion.
 */
export { KEYWORD_METHODS, DEFAULT_KEYWORD_TARGET, targetCount, type KeywordDocument, type KeywordExtraction, type KeywordExtractor, type KeywordMethod, type KeywordTarget } from './keyword-extraction';
export { hallucinatedKeywords } from './hallucination';
export { FrequencyKeywordExtractor, loadTermStatistics, termStatisticsOf } from './frequency-extractor';
export { LlmKeywordExtractor, parseKeywordsAnswer } from './llm-extractor';
export { KeywordCache, documentHash } from './keyword-cache';
export { evaluateExpansions, derivedDatasetName, type ExpansionQuality } from './expansion-quality';
