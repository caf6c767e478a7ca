import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../lib/text/analyzer';

describe('Analyzer', () => {
  it('lowercases, tokenizes on non-word characters and applies Porter2 stemming', () => {
    const analyzer = new Analyzer();
    expect(analyzer.terms('Generously RUNNING, crystalline-lens; vertebrates!')).toEqual([
      'generous', 'run', 'crystallin', 'len', 'vertebr',
    ]);
  });

  it('keeps digits and letters of any script, and joins apostrophes', () => {
    const analyzer = new Analyzer({ stem: false, stopwords: false });
    expect(analyzer.terms("Crohn's disease, 15th day, Ångström 1100")).toEqual(['crohns', 'disease', '15th', 'day', 'ångström', '1100']);
  });

  it('drops stopwords only when asked, leaving a position gap so phrases do not bridge them', () => {
    expect(new Analyzer({ stem: true, stopwords: false }).terms('the heart of the matter')).toEqual(['the', 'heart', 'of', 'the', 'matter']);
    const tokens = new Analyzer({ stem: true, stopwords: true }).tokens('the heart of the matter');
    expect(tokens).toEqual([
      { term: 'heart', word: 'heart', position: 1 },
      { term: 'matter', word: 'matter', position: 4 },
    ]);
  });

  it('analyzes queries and documents identically', () => {
    const analyzer = new Analyzer();
    expect(analyzer.terms('Diabetic')).toEqual(analyzer.terms('diabetic'));
    expect(analyzer.terms('')).toEqual([]);
    expect(analyzer.terms('  ...  ')).toEqual([]);
  });
});
