/**
 * Owns the hallucination check for extracted keywords: a keyword is hallucinated when one of its
 * stems (its terms under the dataset's analyzer: Porter2 stems when the dataset is stemmed) does
 * not occur in the document, or when it has no terms at all. "heart attacks" is grounded in a
 * document that says "heart attack"; "myocardial infarction" is not.
 */
import type { Analyzer } from '../text/analyzer';

/** The keywords not grounded in `documentText`, in their original order. */
export function hallucinatedKeywords(keywords: readonly string[], documentText: string, analyzer: Analyzer): string[] {
  const documentTerms = new Set(analyzer.terms(documentText));
  return keywords.filter((keyword) => {
    const terms = analyzer.terms(keyword);
    return terms.length === 0 || terms.some((term) => !documentTerms.has(term));
  });
}
