import { describe, expect, it } from 'vitest';
import { checkQueries, repairQuery } from '../../lib/querygen/query-repair';
import { MAX_QUERY_LENGTH, parseQuery } from '../../lib/retrieval/query-parser';

describe('repairQuery: typographic-quotes', () => {
  it('turns typographic double quotes into straight ones', () => {
    expect(repairQuery('“heart failure” AND „diet” OR ″salt″')).toEqual({
      query: '"heart failure" AND "diet" OR "salt"',
      repairs: ['typographic-quotes'],
    });
  });

  it('turns ‘…’ phrase quotes into "…" but keeps apostrophes inside words', () => {
    expect(repairQuery('‘heart failure’ AND diet')).toEqual({ query: '"heart failure" AND diet', repairs: ['typographic-quotes'] });
    expect(repairQuery('‘Crohn’s disease’ OR colitis')).toEqual({ query: '"Crohn’s disease" OR colitis', repairs: ['typographic-quotes'] });
  });

  it('leaves a word apostrophe alone', () => {
    expect(repairQuery('Crohn’s AND diet')).toEqual({ query: 'Crohn’s AND diet', repairs: [] });
  });
});

describe('repairQuery: lowercase-operators', () => {
  it('uppercases and/or/not between operands in a structured query', () => {
    expect(repairQuery('(cancer or tumor) and smoking')).toEqual({
      query: '(cancer OR tumor) AND smoking',
      repairs: ['lowercase-operators'],
    });
    expect(repairQuery('"heart failure" and diet not salt')).toEqual({
      query: '"heart failure" AND diet NOT salt',
      repairs: ['lowercase-operators'],
    });
    expect(repairQuery('diabet* Or insulin AND glucose and not obesity')).toEqual({
      query: 'diabet* OR insulin AND glucose AND NOT obesity',
      repairs: ['lowercase-operators'],
    });
  });

  it('does not touch natural language without boolean structure', () => {
    expect(repairQuery('effects of diet and exercise on heart failure')).toEqual({
      query: 'effects of diet and exercise on heart failure',
      repairs: [],
    });
    expect(repairQuery('smoking or vaping and not alcohol')).toEqual({ query: 'smoking or vaping and not alcohol', repairs: [] });
  });

  it('does not touch words inside phrases, hyphenated words or operator pairs', () => {
    expect(repairQuery('"salt and pepper" AND cooking')).toEqual({ query: '"salt and pepper" AND cooking', repairs: [] });
    expect(repairQuery('rock-and-roll AND music')).toEqual({ query: 'rock-and-roll AND music', repairs: [] });
    expect(repairQuery('(a and or b)')).toEqual({ query: '(a and or b)', repairs: [] });
    expect(repairQuery('and* OR android')).toEqual({ query: 'and* OR android', repairs: [] });
  });
});

describe('repairQuery: closed-parenthesis', () => {
  it('appends the missing closing parentheses', () => {
    expect(repairQuery('(heart OR cardiac) AND (failure OR (insufficiency')).toEqual({
      query: '(heart OR cardiac) AND (failure OR (insufficiency))',
      repairs: ['closed-parenthesis'],
    });
  });

  it('ignores parentheses inside phrases', () => {
    expect(repairQuery('"a (b" AND c')).toEqual({ query: '"a (b" AND c', repairs: [] });
  });

  it('leaves a stray ) and an unterminated phrase alone', () => {
    expect(repairQuery('a OR b) AND c')).toEqual({ query: 'a OR b) AND c', repairs: [] });
    expect(repairQuery('a) OR (b')).toEqual({ query: 'a) OR (b', repairs: [] });
    expect(repairQuery('(a OR "b')).toEqual({ query: '(a OR "b', repairs: [] });
  });
});

describe('repairQuery: combinations and no-ops', () => {
  it('applies all three repairs in order', () => {
    expect(repairQuery('(“heart failure” or HF')).toEqual({
      query: '("heart failure" OR HF)',
      repairs: ['typographic-quotes', 'lowercase-operators', 'closed-parenthesis'],
    });
  });

  it('leaves valid balanced queries unchanged', () => {
    for (const q of ['(a OR b) AND NOT c', '"heart failure" AND diet*', 'covid-19 & vaccine', "Crohn's disease"]) {
      expect(repairQuery(q)).toEqual({ query: q, repairs: [] });
    }
  });

  it('never throws and does no work past MAX_QUERY_LENGTH', () => {
    const long = '('.repeat(MAX_QUERY_LENGTH + 1);
    expect(repairQuery(long)).toEqual({ query: long, repairs: [] });
    for (const q of ['', '‘', '’‘’', '"', '((((', ')))', 'and', 'not', '\u{1F600} and (x', '\uD800 or (']) {
      expect(() => repairQuery(q)).not.toThrow();
    }
  });
});

describe('checkQueries', () => {
  it('without repair reports the parser position and message', () => {
    const [check] = checkQueries(['  (a OR b  '], { repair: false });
    const parsed = parseQuery('(a OR b');
    expect(parsed.ok).toBe(false);
    expect(check).toEqual({
      original: '(a OR b',
      query: '(a OR b',
      repairs: [],
      valid: false,
      position: 0,
      message: parsed.ok ? undefined : parsed.error.message,
    });
  });

  it('with repair makes (a OR b valid and flags it', () => {
    expect(checkQueries(['(a OR b'], { repair: true })).toEqual([
      { original: '(a OR b', query: '(a OR b)', repairs: ['closed-parenthesis'], valid: true },
    ]);
  });

  it('a stray ) stays invalid even with repair', () => {
    const [check] = checkQueries(['a OR b)'], { repair: true });
    expect(check).toMatchObject({ query: 'a OR b)', repairs: [], valid: false, position: 6 });
    expect(check?.message).toMatch(/unmatched '\)'/);
  });

  it('checks each query, keeping order', () => {
    const checks = checkQueries(['diet and exercise', '(x or y', ''], { repair: true });
    expect(checks.map((c) => [c.query, c.valid])).toEqual([
      ['diet and exercise', true],
      ['(x OR y)', true],
      ['', false],
    ]);
    expect(checks[1]?.repairs).toEqual(['lowercase-operators', 'closed-parenthesis']);
  });
});
