import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCollection } from '../../lib/datasets';
import { beirSplits, parseBeir } from '../../lib/datasets/beir';
import { parseError, tmpDir, write } from './helpers';

const SAMPLE = path.resolve(__dirname, '../../data/sample');

function beirDir(files: Record<string, string>): string {
  const dir = tmpDir();
  const all = {
    'corpus.jsonl': '{"_id": "d1", "title": "T1", "text": "one"}\n{"_id": "d2", "title": "", "text": "two"}\n',
    'queries.jsonl': '{"_id": "q1", "text": "first"}\n{"_id": "q2", "text": "second"}\n',
    'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\td2\t1\n',
    ...files,
  };
  for (const [name, content] of Object.entries(all)) write(dir, name, content);
  return dir;
}

describe('parseBeir', () => {
  it('reads corpus, queries and the test split', async () => {
    const c = await parseBeir(beirDir({}));
    expect(c.format).toBe('beir');
    expect(c.documents).toEqual([
      { id: 'd1', fields: { title: 'T1', text: 'one' } },
      { id: 'd2', fields: { title: '', text: 'two' } },
    ]);
    expect(c.queries).toEqual([
      { id: 'q1', text: 'first' },
      { id: 'q2', text: 'second' },
    ]);
    expect(c.qrels).toEqual([
      { queryId: 'q1', docId: 'd1', grade: 2 },
      { queryId: 'q1', docId: 'd2', grade: 0 },
      { queryId: 'q2', docId: 'd2', grade: 1 },
    ]);
    expect(c.defaultFields).toEqual(['title', 'text']);
    expect(c.warnings).toEqual([]);
  });

  it('coerces numeric ids, tolerates a missing title and extra keys, keeps unjudged queries', async () => {
    const dir = beirDir({
      'corpus.jsonl': '{"_id": 17, "text": "x", "metadata": {"url": "u"}}\n\n{"_id": "18", "title": null, "text": "y"}\n',
      'queries.jsonl': '{"_id": 1, "text": "q", "metadata": {}}\n{"_id": 2, "text": "unjudged"}\n',
      'qrels/test.tsv': '1\t17\t1\n',
    });
    const c = await parseBeir(dir);
    expect(c.documents).toEqual([
      { id: '17', fields: { title: '', text: 'x' } },
      { id: '18', fields: { title: '', text: 'y' } },
    ]);
    expect(c.queries.map((q) => q.id)).toEqual(['1', '2']);
    expect(c.qrels).toEqual([{ queryId: '1', docId: '17', grade: 1 }]);
    expect(c.warnings).toContain('1 of 2 queries have no judgments: ids 2');
  });

  it('reads another split, and lists the available ones when the split is missing', async () => {
    const dir = beirDir({ 'qrels/dev.tsv': 'query-id\tcorpus-id\tscore\nq2\td1\t1\n' });
    expect(beirSplits(dir)).toEqual(['dev', 'test']);
    expect((await parseBeir(dir, { split: 'dev' })).qrels).toEqual([{ queryId: 'q2', docId: 'd1', grade: 1 }]);
    const err = await parseError(parseBeir(dir, { split: 'train' }));
    expect(err.message).toContain("no judgments for split 'train'; available splits: dev, test");
  });

  it('reports an invalid JSON line with file:line and the zod field path', async () => {
    const lines = Array.from({ length: 16 }, (_, i) => `{"_id": "d${i}", "title": "", "text": "t"}`);
    lines.push('{"title": "no id", "text": "t"}');
    const dir = beirDir({ 'corpus.jsonl': lines.join('\n') + '\n' });
    const err = await parseError(parseBeir(dir));
    expect(err.line).toBe(17);
    expect(err.message).toBe(`${path.join(dir, 'corpus.jsonl')}:17: _id: expected string or number, received undefined`);
    expect(err.message).toContain('corpus.jsonl:17: _id: expected string');
  });

  it.each([
    ['a non-string text', { 'queries.jsonl': '{"_id": "q1", "text": 5}\n' }, 'queries.jsonl', 1, 'text: expected string, received number'],
    ['broken JSON', { 'corpus.jsonl': '{"_id": "d1", "text": "a"}\n{"_id": \n' }, 'corpus.jsonl', 2, 'invalid JSON'],
    ['a JSON array', { 'corpus.jsonl': '[1, 2]\n' }, 'corpus.jsonl', 1, 'expected object, received array'],
    ['a duplicate _id', { 'corpus.jsonl': '{"_id": "d1", "text": "a"}\n{"_id": "d1", "text": "b"}\n' }, 'corpus.jsonl', 2, "duplicate _id 'd1' (first at line 1)"],
    ['a non-integer score', { 'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0.5\n' }, 'qrels/test.tsv', 3, "score '0.5' is not an integer"],
    ['too few columns', { 'qrels/test.tsv': 'q1\td1\n' }, 'qrels/test.tsv', 1, '2 column(s)'],
  ])('rejects %s with file:line', async (_what, files, file, line, reason) => {
    const dir = beirDir(files);
    const err = await parseError(parseBeir(dir));
    expect(err.file).toBe(path.join(dir, file));
    expect(err.line).toBe(line);
    expect(err.message).toContain(`${path.join(dir, file)}:${line}: ${reason}`);
  });

  it('handles a BOM and CRLF line ends', async () => {
    const dir = beirDir({
      'corpus.jsonl': '\uFEFF{"_id": "d1", "title": "T", "text": "one"}\r\n{"_id": "d2", "text": "two"}\r\n',
      'qrels/test.tsv': '\uFEFFquery-id\tcorpus-id\tscore\r\nq1\td1\t1\r\n',
    });
    const c = await parseBeir(dir);
    expect(c.documents.map((d) => d.id)).toEqual(['d1', 'd2']);
    expect(c.qrels).toEqual([{ queryId: 'q1', docId: 'd1', grade: 1 }]);
  });

  it('says which file is missing', async () => {
    const dir = tmpDir();
    write(dir, 'corpus.jsonl', '');
    const err = await parseError(parseBeir(dir));
    expect(err.message).toContain('queries.jsonl');
  });

  it('is reachable through parseCollection with the directory or a file in it', async () => {
    const dir = beirDir({});
    expect((await parseCollection('beir', [dir])).documents).toHaveLength(2);
    expect((await parseCollection('beir', [path.join(dir, 'corpus.jsonl')])).queries).toHaveLength(2);
    expect((await parseCollection('beir', [path.join(dir, 'qrels', 'test.tsv')])).qrels).toHaveLength(3);
  });
});

describe('built-in sample collection (data/sample)', () => {
  it('parses: 32 questions, all judged, grades in {0,1,2}, 3-8 relevant documents each', async () => {
    const c = await parseBeir(SAMPLE);
    expect(c.warnings).toEqual([]);
    expect(c.documents.length).toBeGreaterThanOrEqual(300);
    expect(c.queries).toHaveLength(32);
    expect(c.queries.map((q) => q.id)).toEqual(Array.from({ length: 32 }, (_, i) => `q${String(i + 1).padStart(2, '0')}`));
    for (const d of c.documents) {
      expect(d.id).toMatch(/^d\d{3}$/);
      expect(d.fields.title).not.toBe('');
      expect(d.fields.text).not.toBe('');
    }
    const docIds = new Set(c.documents.map((d) => d.id));
    for (const j of c.qrels) {
      expect([0, 1, 2]).toContain(j.grade);
      expect(docIds.has(j.docId)).toBe(true);
    }
    for (const q of c.queries) {
      const relevant = c.qrels.filter((j) => j.queryId === q.id && j.grade > 0);
      expect(relevant.length, q.id).toBeGreaterThanOrEqual(3);
      expect(relevant.length, q.id).toBeLessThanOrEqual(8);
      expect(relevant.some((j) => j.grade === 2), q.id).toBe(true);
    }
    expect(c.qrels.some((j) => j.grade === 0)).toBe(true);
  });
});
