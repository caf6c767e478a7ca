/**
 * Baseline: frequency-based keyword extraction. The question's words are weighted by TF-IDF
 * against the collection (tf in the question times ln(N / df) of the word's indexed term), and
 * the top `keywords` become an OR query. Words absent from the collection are dropped: they can
 * match nothing.
 */
import { Analyzer } from '../text/analyzer';
import type { Query } from '../datasets/types';
import { baselineGeneration, type GeneratedQueries, type QueryGenerator } from './types';

export const DEFAULT_KEYWORDS = 5;

/** Document frequency of each index term and the collection size, loaded once per run. */
export interface TermStatistics {
  docCount: number;
  docFreq: ReadonlyMap<string, number>;
}

export function tfidfKeywords(text: string, stats: TermStatistics, analyzer: Analyzer, count: number): string[] {
  const weights = new Map<string, { word: string; weight: number }>();
  for (const word of analyzer.words(text)) {
    const term = analyzer.normalize(word);
    if (term === undefined) continue;
    const df = stats.docFreq.get(term);
    if (!df) continue;
    const idf = Math.log(stats.docCount / df);
    const current = weights.get(term);
    weights.set(term, { word: current?.word ?? word, weight: (current?.weight ?? 0) + idf });
  }
  return [...weights.values()]
    .sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : 1))
    .slice(0, count)
    .map((w) => w.word);
}

export class TfidfKeywordsBaseline implements QueryGenerator {
  readonly id: string;
  readonly kind = 'tfidf-keywords' as const;
  readonly model = undefined;

  constructor(
    private readonly stats: TermStatistics,
    private readonly analyzer: Analyzer,
    private readonly keywords: number = DEFAULT_KEYWORDS,
  ) {
    this.id = 'baseline:tfidf-keywords';
  }

  async generate(question: Query): Promise<GeneratedQueries> {
    const started = performance.now();
    const words = tfidfKeywords(question.text, this.stats, this.analyzer, this.keywords).filter((w) => !['and', 'or', 'not'].includes(w));
    return baselineGeneration(words.length > 0 ? [words.join(' OR ')] : [], started, 'no question word occurs in the collection');
  }
}
