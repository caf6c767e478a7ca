import { describe, expect, it } from 'vitest';
import { positiveTerms, queryToString, type QueryNode } from '../../lib/retrieval/query-ast';
import { MAX_NESTING_DEPTH, MAX_QUERY_LENGTH, parseQuery } from '../../lib/retrieval/query-parser';

const t = (text: string, prefix = false): QueryNode => ({ kind: 'term', text, prefix });
const ph = (...words: string[]): QueryNode => ({ kind: 'phrase', words });
const and = (...children: QueryNode[]): QueryNode => ({ kind: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ kind: 'or', children });
const not = (child: QueryNode): QueryNode => ({ kind: 'not', child });

function parseOk(input: string): QueryNode {
  const result = parseQuery(input);
  if (!result.ok) {
    throw new Error(`expected ${JSON.stringify(input)} to parse, got ${JSON.stringify(result.error)}`);
  }
  return result.ast;
}

describe('parseQuery: valid queries', () => {
  // [input, canonical string, AST]
  const cases: Array<[string, string, QueryNode]> = [
    ['heart', 'heart', t('heart')],
    ['  heart  ', 'heart', t('heart')],
    // implicit AND between adjacent operands
    ['heart failure', 'heart AND failure', and(t('heart'), t('failure'))],
    ['heart AND failure', 'heart AND failure', and(t('heart'), t('failure'))],
    ['(a)(b)', 'a AND b', and(t('a'), t('b'))],
    ['a"b c"', 'a AND "b c"', and(t('a'), ph('b', 'c'))],
    ['a NOT b', 'a AND NOT b', and(t('a'), not(t('b')))],
    // precedence NOT > AND > OR
    ['a OR b AND c', 'a OR (b AND c)', or(t('a'), and(t('b'), t('c')))],
    ['a OR (b AND c)', 'a OR (b AND c)', or(t('a'), and(t('b'), t('c')))],
    ['a AND b OR c', '(a AND b) OR c', or(and(t('a'), t('b')), t('c'))],
    ['a b OR c d', '(a AND b) OR (c AND d)', or(and(t('a'), t('b')), and(t('c'), t('d')))],
    ['NOT a AND b', 'NOT a AND b', and(not(t('a')), t('b'))],
    ['NOT a OR b', 'NOT a OR b', or(not(t('a')), t('b'))],
    ['(a OR b) AND NOT c', '(a OR b) AND NOT c', and(or(t('a'), t('b')), not(t('c')))],
    ['a & (b | !c)', 'a AND (b OR NOT c)', and(t('a'), or(t('b'), not(t('c'))))],
    ['a && b || c', '(a AND b) OR c', or(and(t('a'), t('b')), t('c'))],
    ['a&b|c', '(a AND b) OR c', or(and(t('a'), t('b')), t('c'))],
    ['"heart attack" AND myocard*', '"heart attack" AND myocard*', and(ph('heart', 'attack'), t('myocard', true))],
    ['\u201Cheart attack\u201D OR MI', '"heart attack" OR MI', or(ph('heart', 'attack'), t('MI'))],
    ['\u201Dodd quotes\u201D', '"odd quotes"', ph('odd', 'quotes')],
    ['"mixed quotes\u201D', '"mixed quotes"', ph('mixed', 'quotes')],
    ['"heart"', '"heart"', ph('heart')],
    ['"heart-attack, acute!"', '"heart-attack acute"', ph('heart-attack', 'acute')],
    ['"AND or NOT ( *"', '"AND or NOT"', ph('AND', 'or', 'NOT')],
    // flattening
    ['a AND (b AND c)', 'a AND b AND c', and(t('a'), t('b'), t('c'))],
    ['(a OR b) OR (c OR d)', 'a OR b OR c OR d', or(t('a'), t('b'), t('c'), t('d'))],
    ['((a))', 'a', t('a')],
    ['(a OR b) (c OR d)', '(a OR b) AND (c OR d)', and(or(t('a'), t('b')), or(t('c'), t('d')))],
    // negation forms
    ['NOT a', 'NOT a', not(t('a'))],
    ['NOT x AND NOT y', 'NOT x AND NOT y', and(not(t('x')), not(t('y')))],
    ['NOT (a AND b)', 'NOT (a AND b)', not(and(t('a'), t('b')))],
    ['!!a', 'NOT NOT a', not(not(t('a')))],
    ['a AND NOT b AND NOT c', 'a AND NOT b AND NOT c', and(t('a'), not(t('b')), not(t('c')))],
    ['a OR NOT b', 'a OR NOT b', or(t('a'), not(t('b')))],
    ['-term', 'NOT term', not(t('term'))],
    ['a -b', 'a AND NOT b', and(t('a'), not(t('b')))],
    ['a -(b OR c)', 'a AND NOT (b OR c)', and(t('a'), not(or(t('b'), t('c'))))],
    ['a-(b)', 'a AND NOT b', and(t('a'), not(t('b')))],
    ['-"a b"', 'NOT "a b"', not(ph('a', 'b'))],
    ['-diabet*', 'NOT diabet*', not(t('diabet', true))],
    ['a*-b', 'a* AND NOT b', and(t('a', true), not(t('b')))],
    ['-5', 'NOT 5', not(t('5'))],
    // word operators: upper case whole words only
    ['heart and lung or liver', 'heart AND and AND lung AND or AND liver', and(t('heart'), t('and'), t('lung'), t('or'), t('liver'))],
    ['not sure', 'not AND sure', and(t('not'), t('sure'))],
    ['And Or', 'And AND Or', and(t('And'), t('Or'))],
    ['AND*', 'AND*', t('AND', true)],
    ['NOT-a', 'NOT-a', t('NOT-a')],
    ['ANDROID ORAL NOTE', 'ANDROID AND ORAL AND NOTE', and(t('ANDROID'), t('ORAL'), t('NOTE'))],
    ['a AND(b)', 'a AND b', and(t('a'), t('b'))],
    // word shape and separators
    ['covid-19 vaccine', 'covid-19 AND vaccine', and(t('covid-19'), t('vaccine'))],
    ["don't stop", "don't AND stop", and(t("don't"), t('stop'))],
    ['don\u2019t', 'don\u2019t', t('don\u2019t')],
    ['snake_case', 'snake_case', t('snake_case')],
    ['U.S. policy?', 'U.S AND policy', and(t('U.S'), t('policy'))],
    ['title:foo', 'title AND foo', and(t('title'), t('foo'))],
    ['a, b; c', 'a AND b AND c', and(t('a'), t('b'), t('c'))],
    ['a\tAND\nb\r\n', 'a AND b', and(t('a'), t('b'))],
    ['x\u200By', 'x AND y', and(t('x'), t('y'))],
    ['Stra\u00DFe caf\u00E9 nai\u0308ve', 'Stra\u00DFe AND caf\u00E9 AND nai\u0308ve', and(t('Stra\u00DFe'), t('caf\u00E9'), t('nai\u0308ve'))],
    ['\u7CD6\u5C3F\u75C5 OR \u5FC3\u810F\u75C5', '\u7CD6\u5C3F\u75C5 OR \u5FC3\u810F\u75C5', or(t('\u7CD6\u5C3F\u75C5'), t('\u5FC3\u810F\u75C5'))],
    ['\u{1D49C}bc*', '\u{1D49C}bc*', t('\u{1D49C}bc', true)],
    ['HbA1c diabet* OR "type 2"', '(HbA1c AND diabet*) OR "type 2"', or(and(t('HbA1c'), t('diabet', true)), ph('type', '2'))],
  ];

  it.each(cases)('%j -> %s', (input, canonical, ast) => {
    const parsed = parseOk(input);
    expect(parsed).toEqual(ast);
    expect(queryToString(parsed)).toBe(canonical);
    expect(parseOk(canonical)).toEqual(ast);
  });

  it('keeps surface text: no lowercasing or stemming', () => {
    expect(parseOk('Diabetes MELLITUS running')).toEqual(and(t('Diabetes'), t('MELLITUS'), t('running')));
  });

  it('accepts a query of exactly MAX_QUERY_LENGTH characters', () => {
    const input = 'a '.repeat(MAX_QUERY_LENGTH / 2);
    expect(input.length).toBe(MAX_QUERY_LENGTH);
    const ast = parseOk(input);
    expect(ast.kind === 'and' && ast.children.length).toBe(MAX_QUERY_LENGTH / 2);
  });

  it('accepts nesting of exactly MAX_NESTING_DEPTH', () => {
    const parens = '('.repeat(MAX_NESTING_DEPTH) + 'a' + ')'.repeat(MAX_NESTING_DEPTH);
    expect(parseOk(parens)).toEqual(t('a'));
    let expected: QueryNode = t('a');
    for (let i = 0; i < MAX_NESTING_DEPTH; i += 1) expected = not(expected);
    expect(parseOk('!'.repeat(MAX_NESTING_DEPTH) + 'a')).toEqual(expected);
    // parentheses and negations count together
    expect(parseQuery('(!'.repeat(MAX_NESTING_DEPTH / 2) + 'a' + ')'.repeat(MAX_NESTING_DEPTH / 2)).ok).toBe(true);
  });
});

describe('parseQuery: malformed queries', () => {
  // [input, position, message substring]
  const cases: Array<[string, number, string]> = [
    ['', 0, 'empty query'],
    ['   ', 0, 'empty query'],
    [', ; : . ?', 0, 'empty query'],
    // operators with a missing operand: reported at the operator
    ['AND', 0, "'AND' is missing its left operand"],
    ['AND OR', 0, "'AND' is missing its left operand"],
    ['| a', 0, "'|' is missing its left operand"],
    ['OR x', 0, "'OR' is missing its left operand"],
    ['NOT', 0, "'NOT' is missing its operand"],
    ['!', 0, "'!' is missing its operand"],
    ['heart AND', 6, "'AND' is missing its right operand"],
    ['heart OR ,', 6, "'OR' is missing its right operand"],
    ['a & | b', 2, "'&' is missing its right operand"],
    ['a && || b', 2, "'&&' is missing its right operand"],
    ['a OR OR b', 2, "'OR' is missing its right operand"],
    ['a AND NOT', 6, "'NOT' is missing its operand"],
    ['a NOT OR b', 2, "'NOT' is missing its operand"],
    ['(AND a)', 1, "'AND' is missing its left operand"],
    ['(a AND)', 3, "'AND' is missing its right operand"],
    ['a & (b | )', 7, "'|' is missing its right operand"],
    // parentheses
    ['(a OR b', 0, "unmatched '('"],
    ['((a)', 0, "unmatched '('"],
    ['(a) (b', 4, "unmatched '('"],
    ['a (b (c', 2, "unmatched '('"],
    ['a OR b)', 6, "unmatched ')'"],
    [')', 0, "unmatched ')'"],
    ['a )( b', 2, "unmatched ')'"],
    ['heart AND )', 10, "unmatched ')'"],
    ['()', 0, 'empty parentheses'],
    ['a AND ( , )', 6, 'empty parentheses'],
    ['(())', 1, 'empty parentheses'],
    // phrases
    ['"heart attack', 0, 'unterminated phrase'],
    ['a "b', 2, 'unterminated phrase'],
    ['a \u201Cb c', 2, 'unterminated phrase'],
    ['"a" "b', 4, 'unterminated phrase'],
    ['(a "b', 3, 'unterminated phrase'], // lexical errors come before parentheses
    ['""', 0, 'empty phrase'],
    ['a " , "', 2, 'empty phrase'],
    ['\u201C\u201D', 0, 'empty phrase'],
    // wildcards
    ['*', 0, "bare '*'"],
    ['a *', 2, "bare '*'"],
    ['"a b"*', 5, "bare '*'"],
    ['a**', 2, "bare '*'"],
    ['(*)', 1, "bare '*'"],
    ['diab*tes', 4, 'only supported at the end of a term'],
    // minus
    ['a - b', 2, "'-' must be directly followed by a term, phrase or '('"],
    ['a-', 1, "'-' must be directly followed"],
    ['-', 0, "'-' must be directly followed"],
    ['--a', 0, "'-' must be directly followed"],
    // stray characters
    ['a @ b', 2, "unexpected character '@' (U+0040)"],
    ['C++', 1, "unexpected character '+'"],
    ["'quoted'", 0, "unexpected character '''"],
    ['[a]', 0, "unexpected character '['"],
    ['_a', 0, "unexpected character '_'"],
    ['a \u{1F600}', 2, 'U+1F600'],
    ['a \uD800 b', 2, 'U+D800'],
  ];

  it.each(cases)('%j -> error at %i (%s)', (input, position, message) => {
    const result = parseQuery(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.position).toBe(position);
    expect(result.error.message).toContain(message);
  });

  it('rejects input longer than MAX_QUERY_LENGTH without scanning it', () => {
    const result = parseQuery('a '.repeat(MAX_QUERY_LENGTH / 2) + 'b');
    expect(result).toEqual({
      ok: false,
      error: { position: MAX_QUERY_LENGTH, message: `query is longer than ${MAX_QUERY_LENGTH} characters` },
    });
  });

  it('rejects nesting deeper than MAX_NESTING_DEPTH at the token that goes too deep', () => {
    const depthMessage = `deeper than ${MAX_NESTING_DEPTH} levels`;
    const parens = '('.repeat(MAX_NESTING_DEPTH + 1) + 'a' + ')'.repeat(MAX_NESTING_DEPTH + 1);
    expect(parseQuery(parens)).toMatchObject({ ok: false, error: { position: MAX_NESTING_DEPTH } });
    const nots = '!'.repeat(MAX_NESTING_DEPTH + 1) + 'a';
    expect(parseQuery(nots)).toMatchObject({ ok: false, error: { position: MAX_NESTING_DEPTH } });
    const mixed = '(!'.repeat(MAX_NESTING_DEPTH / 2) + '-a' + ')'.repeat(MAX_NESTING_DEPTH / 2);
    expect(parseQuery(mixed)).toMatchObject({ ok: false, error: { position: MAX_NESTING_DEPTH } });
    for (const input of [parens, nots, mixed]) {
      const result = parseQuery(input);
      expect(!result.ok && result.error.message).toContain(depthMessage);
    }
  });

  it('survives hostile inputs at the length limit without throwing', () => {
    const hostile = [
      '('.repeat(MAX_QUERY_LENGTH),
      ')'.repeat(MAX_QUERY_LENGTH),
      '!'.repeat(MAX_QUERY_LENGTH - 1) + 'a',
      '-'.repeat(MAX_QUERY_LENGTH),
      '"'.repeat(MAX_QUERY_LENGTH - 1),
      '('.repeat(MAX_QUERY_LENGTH / 2) + ')'.repeat(MAX_QUERY_LENGTH / 2),
      'a AND '.repeat(MAX_QUERY_LENGTH / 6),
      'a OR b AND '.repeat(MAX_QUERY_LENGTH / 11) + 'c',
      '\uD800'.repeat(MAX_QUERY_LENGTH),
    ];
    for (const input of hostile) {
      expect(input.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
      const result = parseQuery(input);
      if (!result.ok) {
        expect(result.error.position).toBeGreaterThanOrEqual(0);
        expect(result.error.position).toBeLessThanOrEqual(input.length);
        expect(result.error.message).not.toContain('internal');
      }
    }
  });

  it('returns an error, not an exception, for non-string input from untyped callers', () => {
    for (const bad of [undefined, null, 42, {}, ['a']]) {
      const result = parseQuery(bad as unknown as string);
      expect(result).toEqual({ ok: false, error: { position: 0, message: 'query must be a string' } });
    }
  });
});

/** mulberry32: small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('pick from empty list');
  return item;
}

describe('parseQuery: properties', () => {
  const OPERANDS = [
    'heart', 'failure', 'diabet*', 'covid-19', 'U.S.', 'caf\u00E9', '\u7CD6\u5C3F\u75C5', "don't", 'x1',
    'and', 'or', 'AND*', '-x', '"heart attack"', '\u201Cmyo infarct\u201D', '"AND (x"',
  ] as const;
  const BINARY = ['AND', 'OR', '&', '|', '&&', '||', 'AND NOT', ''] as const; // '' = implicit AND
  const PREFIXES = ['', '', '', 'NOT ', '!', '-', '! '] as const;
  const NOISE = [
    ...BINARY, 'NOT', '!', '(', ')', ',', ':', '-', '-(', '"', '\u201C', '""', '"-"', '*', 'x*y', ';', '.', '@', '+',
  ] as const;
  const GLUE = [' ', ' ', ' ', '  ', '\t', ''] as const;

  /** A random, mostly well-formed expression as a list of tokens. */
  function expression(rand: () => number, depth: number): string[] {
    const n = 1 + Math.floor(rand() * 4);
    const out: string[] = [];
    for (let i = 0; i < n; i += 1) {
      if (i > 0) out.push(pick(rand, BINARY));
      const prefix = pick(rand, PREFIXES);
      if (depth > 0 && rand() < 0.3) {
        out.push(prefix + '(', ...expression(rand, depth - 1), ')');
      } else {
        out.push(prefix + pick(rand, OPERANDS));
      }
    }
    return out;
  }

  /** A well-formed-ish token list, then 0-2 random insertions/deletions, glued with random spacing. */
  function randomQuery(rand: () => number): string {
    const tokens = expression(rand, 3);
    const edits = rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 2);
    for (let e = 0; e < edits; e += 1) {
      const at = Math.floor(rand() * (tokens.length + 1));
      if (rand() < 0.6) tokens.splice(at, 0, pick(rand, NOISE));
      else tokens.splice(at, 1);
    }
    let s = '';
    tokens.forEach((token, i) => {
      s += (i === 0 ? '' : pick(rand, GLUE)) + token;
    });
    return s;
  }

  it('never throws on 2,000 random token strings, and canonical output round-trips', () => {
    const rand = prng(0xc0ffee);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < 2000; i += 1) {
      const input = randomQuery(rand);
      let result: ReturnType<typeof parseQuery> | undefined;
      expect(() => {
        result = parseQuery(input);
      }, input).not.toThrow();
      if (result === undefined) throw new Error('unreachable');
      if (result.ok) {
        ok += 1;
        const canonical = queryToString(result.ast);
        const again = parseQuery(canonical);
        expect(again, `${input} -> ${canonical}`).toEqual({ ok: true, ast: result.ast });
        if (again.ok) expect(queryToString(again.ast)).toBe(canonical);
      } else {
        failed += 1;
        const { position, message } = result.error;
        expect(Number.isInteger(position), input).toBe(true);
        expect(position, input).toBeGreaterThanOrEqual(0);
        expect(position, input).toBeLessThanOrEqual(input.length);
        expect(message.length, input).toBeGreaterThan(0);
        expect(message, input).not.toContain('internal');
      }
    }
    // The generator must exercise both paths substantially for the property to mean anything.
    expect(ok).toBeGreaterThan(600);
    expect(failed).toBeGreaterThan(400);
  });

  it('never throws on 1,000 strings of random UTF-16 code units', () => {
    const rand = prng(42);
    const ALPHABET = 'aZ9 ()"*&|!-,:\u201C\u201D\u00E9\u0301_.\'';
    for (let i = 0; i < 1000; i += 1) {
      const n = Math.floor(rand() * 40);
      let s = '';
      for (let j = 0; j < n; j += 1) {
        s += rand() < 0.5 ? pick(rand, [...ALPHABET]) : String.fromCharCode(Math.floor(rand() * 0x10000));
      }
      const result = parseQuery(s);
      if (result.ok) {
        expect(parseQuery(queryToString(result.ast)), s).toEqual(result);
      } else {
        expect(result.error.position).toBeGreaterThanOrEqual(0);
        expect(result.error.position).toBeLessThanOrEqual(s.length);
        expect(result.error.message).not.toContain('internal');
      }
    }
  });

  it('parses the canonical form of 500 random trees back to the same tree', () => {
    const rand = prng(7);
    const WORDS = ['heart', 'failure', 'covid-19', 'U.S', "don't", 'caf\u00E9', '\u7CD6\u5C3F\u75C5', 'x1', '2'];
    const PHRASE_WORDS = [...WORDS, 'AND', 'OR', 'NOT', 'and'];

    function leaf(): QueryNode {
      if (rand() < 0.3) {
        const n = 1 + Math.floor(rand() * 3);
        return ph(...Array.from({ length: n }, () => pick(rand, PHRASE_WORDS)));
      }
      if (rand() < 0.1) return t(pick(rand, ['AND', 'OR', 'NOT']), true);
      return t(pick(rand, WORDS), rand() < 0.3);
    }

    function tree(depth: number): QueryNode {
      const r = rand();
      if (depth <= 0 || r < 0.3) return leaf();
      if (r < 0.45) return not(tree(depth - 1));
      const kind = r < 0.75 ? 'and' : 'or';
      const n = 2 + Math.floor(rand() * 3);
      const children: QueryNode[] = [];
      for (let i = 0; i < n; i += 1) {
        const child = tree(depth - 1);
        // keep the parser's invariant: no child of the same kind
        if (child.kind === kind) children.push(...child.children);
        else children.push(child);
      }
      return { kind, children };
    }

    for (let i = 0; i < 500; i += 1) {
      const ast = tree(5);
      const printed = queryToString(ast);
      expect(parseQuery(printed), printed).toEqual({ ok: true, ast });
    }
  });
});

describe('positiveTerms', () => {
  it('excludes everything under a negation', () => {
    expect(positiveTerms(parseOk('(a OR b) AND NOT c'))).toEqual([
      { text: 'a', prefix: false },
      { text: 'b', prefix: false },
    ]);
    expect(positiveTerms(parseOk('"heart attack" AND myocard* AND NOT (stroke OR "brain bleed")'))).toEqual([
      { phrase: ['heart', 'attack'] },
      { text: 'myocard', prefix: true },
    ]);
    expect(positiveTerms(parseOk('a -b c !"d e" -(f g)'))).toEqual([
      { text: 'a', prefix: false },
      { text: 'c', prefix: false },
    ]);
  });

  it('is empty for a query made only of negations (double negation included)', () => {
    expect(parseQuery('NOT x').ok).toBe(true);
    expect(positiveTerms(parseOk('NOT x'))).toEqual([]);
    expect(positiveTerms(parseOk('NOT NOT x'))).toEqual([]);
    expect(positiveTerms(parseOk('-x -"y z"'))).toEqual([]);
  });

  it('keeps query order and duplicates', () => {
    expect(positiveTerms(parseOk('b a OR b diab*'))).toEqual([
      { text: 'b', prefix: false },
      { text: 'a', prefix: false },
      { text: 'b', prefix: false },
      { text: 'diab', prefix: true },
    ]);
  });

  it('returns copies, not the tree arrays', () => {
    const ast = parseOk('"a b"');
    const [first] = positiveTerms(ast);
    if (first === undefined || !('phrase' in first)) throw new Error('expected a phrase');
    first.phrase.push('c');
    expect(ast).toEqual(ph('a', 'b'));
  });
});

describe('queryToString on hand-built trees', () => {
  it('parenthesizes nested operators of the same kind and never throws', () => {
    expect(queryToString(and(t('a'), and(t('b'), t('c'))))).toBe('a AND (b AND c)');
    expect(queryToString(or(or(t('a'), t('b')), t('c')))).toBe('(a OR b) OR c');
    expect(queryToString(not(or(t('a'))))).toBe('NOT a');
    expect(queryToString(and())).toBe('()');
  });
});
