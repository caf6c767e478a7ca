/**
 * Owns frequency-based keyword extraction (the control arm): the document's words weighted by
 * TF-IDF against a collection (lib/querygen's `tfidfKeywords`: tf in the document times
 * ln(N / df) of the word's indexed term), top `targetCount` kept. Collection statistics come
 * from an imported dataset's index, or are built in memory from a set of documents (an inbox).
 */
import type { Store } from '../store/store';
import { datasetDocCount, termDocFrequencies } from '../datasets/document-reads';
import type { Analyzer } from '../text/analyzer';
import { tfidfKeywords, type TermStatistics } from '../querygen/tfidf-keywords-baseline';
import { hallucinatedKeywords } from './hallucination';
import { targetCount, type KeywordDocument, type KeywordExtraction, type KeywordExtractor, type KeywordTarget } from './keyword-extraction';

/** Document frequencies of a dataset's index terms. */
export async function loadTermStatistics(store: Store, dataset: string): Promise<TermStatistics> {
  const docFreq = await termDocFrequencies(store, dataset);
  return { docCount: await datasetDocCount(store, dataset), docFreq };
}

/** Document frequencies computed from documents in memory (for inbox documents that are not imported). */
export function termStatisticsOf(documents: readonly KeywordDocument[], analyzer: Analyzer): TermStatistics {
  const docFreq = new Map<string, number>();
  for (const doc of documents) for (const term of new Set(analyzer.terms(doc.text))) docFreq.set(term, (docFreq.get(term) ?? 0) + 1);
  return { docCount: documents.length, docFreq };
}

export class FrequencyKeywordExtractor implements KeywordExtractor {
  readonly method = 'frequency' as const;

  constructor(
    private readonly stats: TermStatistics,
    private readonly analyzer: Analyzer,
    private readonly target: KeywordTarget,
  ) {}

  async extract(document: KeywordDocument): Promise<KeywordExtraction> {
    const started = performance.now();
    const keywords = tfidfKeywords(document.text, this.stats, this.analyzer, targetCount(this.target));
    return {
      docId: document.id,
      method: this.method,
      keywords,
      count: keywords.length,
      hallucinated: hallucinatedKeywords(keywords, document.text, this.analyzer),
      processingMs: performance.now() - started,
      error: keywords.length === 0 ? 'no word of the document occurs in the collection' : undefined,
      cacheHit: false,
      calls: [],
    };
  }
}
