import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCollection } from '../../lib/datasets';
import { classifyTrecFiles, parseTrec, readTrecTopics, sniffTrecRole } from '../../lib/datasets/trec';
import { parseError, tmpDir, write } from './helpers';

const SGML = `<top>

<num> Number: 401
<title> foreign minorities, Germany

<desc> Description:
What language and cultural differences impede the integration
of foreign minorities in Germany?

<narr> Narrative:
A relevant document will focus on the causes of the lack of
integration in a significant way.
</top>

<top>
<head> Tipster Topic Description
<num> Number: 051
<dom> Domain: International Economics
<title> Topic: Airbus Subsidies
<desc> Description:
Document will discuss government assistance to Airbus Industrie.
</top>
`;

const QRELS = '401 0 FBIS3-10082 1\n401 0 FBIS3-10169 0\n51 0 LA010189-0001 2\n';

const DOCS = [
  '{"id": "FBIS3-10082", "title": "Minorities", "contents": "Turkish workers in Germany"}',
  '{"docno": "FBIS3-10169", "text": "Unrelated"}',
  '{"_id": "LA010189-0001", "body": "Airbus subsidies dispute"}',
].join('\n');

function trecDir(files: Record<string, string> = {}): Record<string, string> {
  const dir = tmpDir();
  const all = { 'topics.401': SGML, 'qrels.txt': QRELS, 'docs.jsonl': DOCS, ...files };
  const out: Record<string, string> = {};
  for (const [name, content] of Object.entries(all)) out[name] = write(dir, name, content);
  return out;
}

describe('parseTrec', () => {
  it('reads SGML topics, 4-column qrels and JSONL documents with any accepted keys', async () => {
    const f = trecDir();
    const c = await parseTrec({ qrels: f['qrels.txt']!, topics: f['topics.401']!, documents: f['docs.jsonl']! });
    expect(c.format).toBe('trec');
    expect(c.queries).toEqual([
      { id: '401', text: 'foreign minorities, Germany' },
      { id: '51', text: 'Airbus Subsidies' },
    ]);
    expect(c.documents).toEqual([
      { id: 'FBIS3-10082', fields: { title: 'Minorities', text: 'Turkish workers in Germany' } },
      { id: 'FBIS3-10169', fields: { text: 'Unrelated' } },
      { id: 'LA010189-0001', fields: { text: 'Airbus subsidies dispute' } },
    ]);
    expect(c.qrels).toEqual([
      { queryId: '401', docId: 'FBIS3-10082', grade: 1 },
      { queryId: '401', docId: 'FBIS3-10169', grade: 0 },
      { queryId: '51', docId: 'LA010189-0001', grade: 2 },
    ]);
    expect(c.defaultFields).toEqual(['title', 'text']);
    expect(c.warnings).toEqual([]);
  });

  it('chooses the topic text with topicField', async () => {
    const f = trecDir();
    const desc = await readTrecTopics(f['topics.401']!, { topicField: 'desc' });
    expect(desc[0]?.text).toBe(
      'What language and cultural differences impede the integration of foreign minorities in Germany?',
    );
    const both = await readTrecTopics(f['topics.401']!, { topicField: 'title+desc' });
    expect(both[1]?.text).toBe('Airbus Subsidies Document will discuss government assistance to Airbus Industrie.');
  });

  it('accepts closing tags and tags sharing a line', async () => {
    const f = trecDir({
      't.sgml': '<top><num>7</num><title>short title</title>\n<desc>longer\ndescription</desc></top>\n',
    });
    expect(await readTrecTopics(f['t.sgml']!, { topicField: 'title+desc' })).toEqual([
      { id: '7', text: 'short title longer description' },
    ]);
  });

  it('reads TSV topics, skipping a header line', async () => {
    const f = trecDir({ 'topics.tsv': 'qid\tquery\n401\tforeign minorities\n051\tairbus\tsubsidies\n' });
    expect(await readTrecTopics(f['topics.tsv']!)).toEqual([
      { id: '401', text: 'foreign minorities' },
      { id: '51', text: 'airbus subsidies' },
    ]);
  });

  it('warns about judgments for unknown documents and topics', async () => {
    const f = trecDir({ 'qrels.txt': `${QRELS}402 0 XX-1 1\n` });
    const c = await parseTrec({ qrels: f['qrels.txt']!, topics: f['topics.401']!, documents: f['docs.jsonl']! });
    expect(c.warnings).toContain('judgments for unknown queries: ids 402');
    expect(c.warnings).toContain('judgments for unknown documents: ids XX-1');
  });

  it.each([
    ['qrels with 3 columns', { 'qrels.txt': '401 0 FBIS3-10082 1\n401 FBIS3-10169 0\n' }, 'qrels.txt', 2, '3 column(s); expected 4'],
    ['qrels with a non-integer grade', { 'qrels.txt': '401 0 FBIS3-10082 1\n\n401 0 FBIS3-10169 yes\n' }, 'qrels.txt', 3, "relevance 'yes' is not an integer"],
    ['a document without an id', { 'docs.jsonl': '{"id": "a", "text": "x"}\n{"title": "t", "text": "x"}\n' }, 'docs.jsonl', 2, 'no document id: expected one of id, docno, _id, docid'],
    ['a document without text', { 'docs.jsonl': '{"id": "a", "abstract": "x"}\n' }, 'docs.jsonl', 1, 'no document text'],
    ['a document with a non-string text', { 'docs.jsonl': '{"id": "a", "text": 3}\n' }, 'docs.jsonl', 1, 'text: expected string, received number'],
    ['a duplicate document id', { 'docs.jsonl': '{"id": "a", "text": "x"}\n{"docno": "a", "text": "y"}\n' }, 'docs.jsonl', 2, "duplicate document id 'a'"],
    ['a topic without <num>', { 'topics.401': '<top>\n<title> x\n</top>\n' }, 'topics.401', 1, 'topic without a <num>'],
    ['text outside <top>', { 'topics.401': '<top>\n<num> 1\n<title> x\n</top>\nstray\n' }, 'topics.401', 5, 'text outside <top>'],
    ['an unclosed <top>', { 'topics.401': '<top>\n<num> 1\n<title> x\n\n<top>\n' }, 'topics.401', 5, '<top> inside the topic opened at line 1'],
    ['a duplicate topic', { 'topics.401': '<top>\n<num> 1\n<title> x\n</top>\n<top>\n<num> 001\n<title> y\n</top>\n' }, 'topics.401', 5, 'duplicate topic id 1 (first at line 1)'],
  ])('rejects %s with file:line', async (_what, files, file, line, reason) => {
    const f = trecDir(files);
    const err = await parseError(
      parseTrec({ qrels: f['qrels.txt']!, topics: f['topics.401']!, documents: f['docs.jsonl']! }),
    );
    expect(err.file).toBe(f[file]);
    expect(err.line).toBe(line);
    expect(err.message).toContain(`${f[file]}:${line}: ${reason}`);
  });

  it('handles a BOM and CRLF in every file', async () => {
    const crlf = (s: string) => '\uFEFF' + s.replace(/\n/g, '\r\n');
    const f = trecDir({ 'topics.401': crlf(SGML), 'qrels.txt': crlf(QRELS), 'docs.jsonl': crlf(DOCS) });
    const c = await parseTrec({ qrels: f['qrels.txt']!, topics: f['topics.401']!, documents: f['docs.jsonl']! });
    expect(c.queries.map((q) => q.text)).toEqual(['foreign minorities, Germany', 'Airbus Subsidies']);
    expect(c.qrels).toHaveLength(3);
    expect(c.documents).toHaveLength(3);
  });
});

describe('classifyTrecFiles', () => {
  it('sorts paths into roles by extension and content', () => {
    const f = trecDir({ 'topics.tsv': '401\tforeign minorities\n402\tbehavioral genetics\n', 'qrels.tab': '401\t0\tD1\t1\n' });
    expect(sniffTrecRole(f['topics.401']!)).toBe('topics');
    expect(sniffTrecRole(f['topics.tsv']!)).toBe('topics');
    expect(sniffTrecRole(f['qrels.txt']!)).toBe('qrels');
    expect(sniffTrecRole(f['qrels.tab']!)).toBe('qrels');
    expect(sniffTrecRole(f['docs.jsonl']!)).toBe('documents');
    expect(classifyTrecFiles([f['docs.jsonl']!, f['qrels.txt']!, f['topics.401']!])).toEqual({
      qrels: [f['qrels.txt']],
      topics: [f['topics.401']],
      documents: [f['docs.jsonl']],
    });
  });

  it('expands a directory, and parseCollection("trec") uses it', async () => {
    const f = trecDir();
    const dir = path.dirname(f['qrels.txt']!);
    const c = await parseCollection('trec', [dir], { topicField: 'desc' });
    expect(c.queries[1]?.text).toBe('Document will discuss government assistance to Airbus Industrie.');
    expect(c.documents).toHaveLength(3);
  });

  it('rejects a file it cannot place, and a missing role', async () => {
    const f = trecDir({ 'notes.txt': 'just some words here\n' });
    const err1 = await parseError(parseCollection('trec', [f['notes.txt']!, f['qrels.txt']!]));
    expect(err1.message).toContain(`${f['notes.txt']}:1: cannot tell what this file is`);
    const err2 = await parseError(parseCollection('trec', [f['qrels.txt']!, f['docs.jsonl']!]));
    expect(err2.message).toContain('no topics file');
  });
});
