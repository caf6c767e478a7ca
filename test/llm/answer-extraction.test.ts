import { describe, expect, it } from 'vitest';
import {
  ANSWER_READINGS,
  extractStringList,
  schemaPredicate,
  type ListAnswerSpec,
} from '../../lib/llm/answer-extraction';
import { splitThinking } from '../../lib/llm/thinking';

const schema = {
  type: 'object',
  properties: { queries: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } },
  required: ['queries'],
  additionalProperties: false,
};

const spec: ListAnswerSpec = {
  key: 'queries',
  itemFields: ['query', 'q', 'text', 'search', 'value'],
  isStrict: schemaPredicate(schema, 'test prompt'),
  maxItemChars: 2_000,
};

const read = (text: string, s: ListAnswerSpec = spec) => extractStringList(text, s);

describe('schemaPredicate', () => {
  it('accepts the strict shape and rejects others', () => {
    expect(spec.isStrict({ queries: ['a'] })).toBe(true);
    expect(spec.isStrict({ queries: ['a'], note: 'x' })).toBe(false);
    expect(spec.isStrict({ queries: [] })).toBe(false);
    expect(spec.isStrict(['a'])).toBe(false);
  });

  it('throws an error naming where for an invalid schema', () => {
    expect(() => schemaPredicate({ type: 'no-such-type' }, 'prompts/bad.json')).toThrow(/prompts\/bad\.json/);
  });
});

describe('ANSWER_READINGS', () => {
  it('lists every reading once, in ladder order', () => {
    expect(ANSWER_READINGS[0]).toBe('strict');
    expect(ANSWER_READINGS.slice(-4)).toEqual(['fenced', 'lines', 'prose', 'none']);
    expect(new Set(ANSWER_READINGS).size).toBe(ANSWER_READINGS.length);
    for (const v of ['query-string', 'bare-array', 'list-as-string', 'object-array', 'key-case', 'other-key', 'schema-mismatch']) {
      expect(ANSWER_READINGS).toContain(`variant:${v}`);
    }
  });
});

describe('extractStringList: strict', () => {
  it('reads the declared shape', () => {
    expect(read('  {"queries": ["heart failure AND diet", "\\"heart failure\\" OR HF"]}\n')).toEqual({
      items: ['heart failure AND diet', '"heart failure" OR HF'],
      readAs: 'strict',
      problem: undefined,
    });
  });
});

describe('extractStringList: variants', () => {
  it('query-string: {"query": "..."}', () => {
    expect(read('{"query": "covid-19 AND (vaccine OR vaccination)"}')).toMatchObject({
      items: ['covid-19 AND (vaccine OR vaccination)'],
      readAs: 'variant:query-string',
    });
  });

  it('bare-array: a top-level array of strings', () => {
    expect(read('["diabetes AND insulin", "type 2 diabetes"]')).toMatchObject({
      items: ['diabetes AND insulin', 'type 2 diabetes'],
      readAs: 'variant:bare-array',
    });
  });

  it('list-as-string: {"queries": "a\\nb"}, numbering stripped', () => {
    expect(read('{"queries": "1. diabetes AND insulin\\n2. metformin OR insulin"}')).toMatchObject({
      items: ['diabetes AND insulin', 'metformin OR insulin'],
      readAs: 'variant:list-as-string',
    });
    expect(read('{"queries": "diabetes AND insulin"}')).toMatchObject({
      items: ['diabetes AND insulin'],
      readAs: 'variant:list-as-string',
    });
  });

  it('object-array: a top-level array of objects', () => {
    expect(read('[{"query": "a AND b", "rationale": "x"}, {"query": "c OR d"}, {"note": "no query"}]')).toMatchObject({
      items: ['a AND b', 'c OR d'],
      readAs: 'variant:object-array',
    });
  });

  it('object-array: objects under the key, any of the item fields, first field in preference order', () => {
    expect(read('{"queries": [{"query": "a AND b"}, {"text": "c OR d"}, {"Value": "e", "q": "f"}]}')).toMatchObject({
      items: ['a AND b', 'c OR d', 'f'],
      readAs: 'variant:object-array',
    });
  });

  it('mixed arrays are read item by item, non-string scalars skipped', () => {
    expect(read('["a AND b", {"query": "c"}, 3, null, true, ["nested"]]')).toMatchObject({
      items: ['a AND b', 'c'],
      readAs: 'variant:object-array',
    });
    expect(read('["a AND b", 3, null]')).toMatchObject({ items: ['a AND b'], readAs: 'variant:bare-array' });
  });

  it('key-case: {"Queries": [...]} and {"QUERIES": [...]}', () => {
    expect(read('{"Queries": ["a AND b", "c"]}')).toMatchObject({ items: ['a AND b', 'c'], readAs: 'variant:key-case' });
    expect(read('{"QUERIES": ["a"]}')).toMatchObject({ items: ['a'], readAs: 'variant:key-case' });
  });

  it('other-key: {"search_queries": [...]}, {"query_list": [...]}, and the only array value', () => {
    expect(read('{"search_queries": ["a AND b"], "count": 1}')).toMatchObject({ items: ['a AND b'], readAs: 'variant:other-key' });
    expect(read('{"query_list": ["x"]}')).toMatchObject({ items: ['x'], readAs: 'variant:other-key' });
    expect(read('{"results": ["x", "y"], "explanation": "because"}')).toMatchObject({
      items: ['x', 'y'],
      readAs: 'variant:other-key',
    });
  });

  it('other-key for keywords: {"keyword_list": [...]}', () => {
    const keywords: ListAnswerSpec = { key: 'keywords', itemFields: ['keyword', 'text'], isStrict: () => false, maxItemChars: 100 };
    expect(read('{"keyword_list": ["insulin", "glucose"]}', keywords)).toMatchObject({
      items: ['insulin', 'glucose'],
      readAs: 'variant:other-key',
    });
    expect(read('{"keyword": "insulin"}', keywords)).toMatchObject({ items: ['insulin'], readAs: 'variant:query-string' });
  });

  it('schema-mismatch: the list is fine but the schema rejects an extra key', () => {
    expect(read('{"queries": ["a AND b", "c"], "explanation": "I combined the terms."}')).toMatchObject({
      items: ['a AND b', 'c'],
      readAs: 'variant:schema-mismatch',
    });
  });

  it('two competing lists under stem keys are not guessed between', () => {
    expect(read('{"boolean_queries": ["a"], "natural_queries": ["b"]}')).toMatchObject({ items: [], readAs: 'none' });
  });

  it('JSON without any usable list is none, with a preview', () => {
    const r = read('{"answer": 42}');
    expect(r.readAs).toBe('none');
    expect(r.items).toEqual([]);
    expect(r.problem).toContain('{"answer": 42}');
  });
});

describe('extractStringList: fenced and embedded JSON', () => {
  it('reads a ```json fence', () => {
    const text = 'Here are the queries:\n```json\n{"queries": ["a AND b", "c OR d"]}\n```\nHope this helps!';
    expect(read(text)).toMatchObject({ items: ['a AND b', 'c OR d'], readAs: 'fenced' });
  });

  it('reads a bare ``` fence holding a variant shape', () => {
    expect(read('```\n["x AND y"]\n```')).toMatchObject({ items: ['x AND y'], readAs: 'fenced' });
  });

  it('skips a fence that does not read and uses the next one', () => {
    const text = '```python\nprint("hi")\n```\nand\n```json\n{"queries": ["z"]}\n```';
    expect(read(text)).toMatchObject({ items: ['z'], readAs: 'fenced' });
  });

  it('reads JSON embedded after prose', () => {
    const text = 'Sure! Based on the question [1], here is my answer: {"queries": ["heart failure AND (diet OR salt)"]} Let me know.';
    expect(read(text)).toMatchObject({ items: ['heart failure AND (diet OR salt)'], readAs: 'fenced' });
  });

  it('reads JSON embedded before prose, with brackets inside strings', () => {
    const text = '{"queries": ["a} OR [b", "c"]}\n\nThese queries cover the topic.';
    expect(read(text)).toMatchObject({ items: ['a} OR [b', 'c'], readAs: 'fenced' });
  });
});

describe('extractStringList: lines', () => {
  it('reads a numbered list, skipping prose around it', () => {
    const text = 'Here are three queries for your question:\n\n1. "heart failure" AND diet\n2) sodium OR salt\n(3) `fluid restriction`\nQuery 4: "edema"\n\nThese should cover it.';
    expect(read(text)).toMatchObject({
      items: ['"heart failure" AND diet', 'sodium OR salt', 'fluid restriction', 'edema'],
      readAs: 'lines',
    });
  });

  it('reads Markdown-bold query labels as list markers', () => {
    expect(read('**Query 1:** a AND b\n**Query 2**: c OR d\n\nThe first one is narrower.')).toMatchObject({
      items: ['a AND b', 'c OR d'],
      readAs: 'lines',
    });
  });

  it('reads a bulleted list', () => {
    const text = 'Queries:\n- diabetes AND insulin\n* metformin\n• "type 2 diabetes" OR T2D\n+ glucose,';
    expect(read(text)).toMatchObject({
      items: ['diabetes AND insulin', 'metformin', '"type 2 diabetes" OR T2D', 'glucose'],
      readAs: 'lines',
    });
  });

  it('reads one query per line after an intro line ending with a colon', () => {
    const text = 'Here are the boolean queries:\ndiabetes AND insulin\n"insulin resistance" OR (obesity AND diabetes)\nQuery: glucose monitoring,';
    expect(read(text)).toMatchObject({
      items: ['diabetes AND insulin', '"insulin resistance" OR (obesity AND diabetes)', 'glucose monitoring'],
      readAs: 'lines',
    });
  });

  it('keeps inner quotes: a line is unwrapped only when nothing else is quoted inside', () => {
    expect(read('"heart failure" OR "cardiac failure"').items).toEqual(['"heart failure" OR "cardiac failure"']);
    expect(read("'Crohn's disease AND diet'").items).toEqual(["Crohn's disease AND diet"]);
    expect(read('“heart failure AND diet”').items).toEqual(['heart failure AND diet']);
  });

  it('drops headings, fences and long prose sentences', () => {
    const text = '# Queries\n```\nsmoking AND cancer\n```\nI think these queries will work well for your search.';
    expect(read(text)).toMatchObject({ items: ['smoking AND cancer'], readAs: 'lines' });
  });

  it('a prose-only answer is none', () => {
    const r = read("I'm sorry, but I cannot generate search queries for this question.");
    expect(r).toMatchObject({ items: [], readAs: 'none' });
    expect(r.problem).toMatch(/I'm sorry/);
    expect((r.problem ?? '').length).toBeLessThan(250);
  });

  it('an empty answer is none', () => {
    expect(read('')).toMatchObject({ items: [], readAs: 'none', problem: 'the answer is empty' });
    expect(read('   \n ')).toMatchObject({ items: [], readAs: 'none' });
  });
});

describe('extractStringList: thinking', () => {
  it('never reads a decoy inside <think> as the answer', () => {
    const text = '<think>Maybe {"queries": ["decoy"]} would do. Let me refine.</think>\n{"queries": ["real AND answer"]}';
    expect(read(text)).toMatchObject({ items: ['real AND answer'], readAs: 'strict' });
  });

  it('an unclosed <think> swallows the rest: none', () => {
    const r = read('<think>I will answer {"queries": ["decoy"]} once I am sure');
    expect(r).toMatchObject({ items: [], readAs: 'none' });
    expect(r.problem).toMatch(/thinking/);
  });

  it('splitThinking splits answer and thinking', () => {
    expect(splitThinking('<THINK>a</THINK> x <think>b</think> y')).toEqual({ answer: 'x  y', thinking: 'a\n\nb' });
    expect(splitThinking('reasoning without the opening tag</think>["q"]')).toEqual({
      answer: '["q"]',
      thinking: 'reasoning without the opening tag',
    });
    expect(splitThinking('plain')).toEqual({ answer: 'plain', thinking: '' });
  });
});

describe('extractStringList: item normalization', () => {
  it('trims, collapses whitespace, cuts, drops empties and exact duplicates, keeps order', () => {
    const short: ListAnswerSpec = { ...spec, maxItemChars: 10 };
    const r = read('{"queries": ["  b   AND\\n a ", "", "   ", "b AND a", "0123456789abc", "z"]}', short);
    expect(r.items).toEqual(['b AND a', '0123456789', 'z']);
    // "" fails minLength in the schema: the list is fine, the schema rejects it.
    expect(r.readAs).toBe('variant:schema-mismatch');
  });

  it('a list of only empty strings is none', () => {
    expect(read('{"queries": ["  "]}')).toMatchObject({ items: [], readAs: 'none' });
  });

  it('a predicate that throws counts as not strict', () => {
    const throwing: ListAnswerSpec = {
      ...spec,
      isStrict: () => {
        throw new Error('boom');
      },
    };
    expect(read('{"queries": ["a"]}', throwing)).toMatchObject({ items: ['a'], readAs: 'variant:schema-mismatch' });
  });
});

describe('extractStringList: hostile input', () => {
  it('returns for a 1 MB garbage answer', () => {
    const chunk = '{"a": [[{ "x" [ {{ ]] "unterminated \\" [[[ ';
    const garbage = chunk.repeat(Math.ceil(1_000_000 / chunk.length)).slice(0, 1_000_000);
    const r = read(garbage);
    expect(r.readAs).toBe('none');
    expect((r.problem ?? '').length).toBeLessThan(300);
  });

  it('returns for 1 MB of nested brackets', () => {
    const r = read('['.repeat(500_000) + ']'.repeat(499_999));
    expect(r.items).toEqual([]);
  });
});

describe('extractStringList: bare JSON scalars', () => {
  it('a JSON string answer is read as a line, not as JSON', () => {
    expect(read('"heart failure AND diet"')).toMatchObject({ items: ['heart failure AND diet'], readAs: 'lines' });
  });
});
