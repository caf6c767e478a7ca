/**
 * Baseline: the question itself as a query, every word joined with OR. Words come from the
 * analyzer's tokenizer, so the query is always valid in the engine's syntax.
 */
import { Analyzer } from '../text/analyzer';
import type { Query } from '../datasets/types';
import { baselineGeneration, type GeneratedQueries, type QueryGenerator } from './types';

/** Uppercase operator words that must not appear bare as terms. */
const OPERATOR_WORDS = new Set(['and', 'or', 'not']);

export function questionAsOrQuery(text: string, analyzer: Analyzer = new Analyzer()): string {
  const words = [...new Set(analyzer.words(text).filter((w) => !OPERATOR_WORDS.has(w)))];
  return words.join(' OR ');
}

export class QuestionOrBaseline implements QueryGenerator {
  readonly id = 'baseline:question-or';
  readonly kind = 'question-or' as const;
  readonly model = undefined;

  async generate(question: Query): Promise<GeneratedQueries> {
    const started = performance.now();
    const query = questionAsOrQuery(question.text);
    return baselineGeneration(query === '' ? [] : [query], started, 'the question has no words');
  }
}
