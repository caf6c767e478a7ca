import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCollection } from '../../lib/datasets';
import { findSmartFiles, parseSmart } from '../../lib/datasets/smart';
import { parseError, sharedPath, tmpDir, write } from './helpers';

const DOCS = `.I 1
.T
first   title
 continued
.A
A. AUTHOR
.W
some text
 spread over  lines .
.I 2
.W
second document
`;
const QRY = `.I 1
.W
first query
.I 2
.T
second
.W
query
`;

function smartDir(files: Record<string, string>): string {
  const dir = tmpDir();
  for (const [name, content] of Object.entries(files)) write(dir, name, content);
  return dir;
}

describe('parseSmart: records', () => {
  it('reads fields as lower-case letters, joining lines with single spaces', async () => {
    const dir = smartDir({ 'X.ALL': DOCS, 'X.QRY': QRY, 'X.REL': '1 1\n2 2\n' });
    const c = await parseSmart(dir);
    expect(c.format).toBe('smart');
    expect(c.documents).toEqual([
      { id: '1', fields: { t: 'first title continued', a: 'A. AUTHOR', w: 'some text spread over lines .' } },
      { id: '2', fields: { w: 'second document' } },
    ]);
    expect(c.queries).toEqual([
      { id: '1', text: 'first query' },
      { id: '2', text: 'second query' },
    ]);
    expect(c.qrels).toEqual([
      { queryId: '1', docId: '1', grade: 1 },
      { queryId: '2', docId: '2', grade: 1 },
    ]);
    expect(c.defaultFields).toEqual(['t', 'w']);
    expect(c.warnings).toEqual([]);
  });

  it('finds *.ALL/*.QRY/*.REL case-insensitively, and accepts the files explicitly', async () => {
    const dir = smartDir({ 'x.all': DOCS, 'X.Qry': QRY, 'x.rel': '1 1\n', 'README.txt': 'ignored' });
    expect(findSmartFiles(dir)).toEqual({
      documents: path.join(dir, 'x.all'),
      queries: path.join(dir, 'X.Qry'),
      qrels: path.join(dir, 'x.rel'),
    });
    const files = ['x.rel', 'X.Qry', 'x.all'].map((f) => path.join(dir, f));
    const c = await parseSmart(files);
    expect(c.documents).toHaveLength(2);
    const viaIndex = await parseCollection('smart', [dir]);
    expect(viaIndex.documents).toHaveLength(2);
  });

  it('names what is missing from a directory', async () => {
    const dir = smartDir({ 'X.ALL': DOCS, 'X.QRY': QRY });
    const err = await parseError(parseSmart(dir));
    expect(err.message).toContain('no judgments (*.REL) file');
    expect(err.message).toContain('X.ALL');
  });

  it('keeps the first of a repeated field (ADI doc 67) with a file:line warning; accumulates .A', async () => {
    const all = `.I 67
.T
a national plan
.A
R. A. JENSEN
.A
G. LUSTIG
.T
 a national plan (copy)
.W
text
`;
    const dir = smartDir({ 'ADI.ALL': all, 'ADI.QRY': QRY, 'ADI.REL': '1 67\n' });
    const c = await parseSmart(dir);
    expect(c.documents[0]?.fields).toEqual({ t: 'a national plan', a: 'R. A. JENSEN; G. LUSTIG', w: 'text' });
    const file = path.join(dir, 'ADI.ALL');
    expect(c.warnings).toContain(`${file}:8: document 67 repeats field .T; the repeat was dropped (first occurrence kept)`);
  });

  it('keeps an unknown marker as a field, with a warning', async () => {
    const all = '.I 1\n.W\ntext\n.Z\nzed\n.I 2\n.Z\nmore\n.W\nx\n';
    const dir = smartDir({ 'X.ALL': all, 'X.QRY': QRY, 'X.REL': '1 1\n' });
    const c = await parseSmart(dir);
    expect(c.documents[0]?.fields).toEqual({ w: 'text', z: 'zed' });
    expect(c.warnings).toContain(`${path.join(dir, 'X.ALL')}:4: unknown field marker .Z kept as field 'z' (2 occurrences)`);
  });

  it('warns about documents with no text', async () => {
    const all = '.I 1\n.W\ntext\n.I 2\n.T\n\n.W\n   \n.I 3\n';
    const dir = smartDir({ 'X.ALL': all, 'X.QRY': QRY, 'X.REL': '1 1\n' });
    const c = await parseSmart(dir);
    expect(c.documents.map((d) => d.id)).toEqual(['1', '2', '3']);
    expect(c.warnings).toContain('documents with no text: ids 2, 3');
  });

  it('handles a UTF-8 BOM and CRLF line ends, keeping line numbers', async () => {
    const all = '\uFEFF.I 1\r\n.W\r\nhello\r\nworld\r\n.I 1\r\n.W\r\nagain\r\n';
    const dir = smartDir({ 'X.ALL': all, 'X.QRY': QRY, 'X.REL': '1 1\r\n' });
    const err = await parseError(parseSmart(dir));
    expect(err.message).toBe(`${path.join(dir, 'X.ALL')}:5: duplicate document id 1 (first at line 1)`);
    write(dir, 'X.ALL', '\uFEFF.I 1\r\n.T\r\nT\u00e9l\u00e9\r\n.W\r\nhello\r\nworld\r\n');
    const c = await parseSmart(dir);
    expect(c.documents).toEqual([{ id: '1', fields: { t: 'T\u00e9l\u00e9', w: 'hello world' } }]);
  });

  it('uses the .T and .W of queries; MED-style queries have only .W', async () => {
    const dir = smartDir({ 'MED.ALL': DOCS, 'MED.QRY': '.I 1\n.W\n the crystalline lens.\n', 'MED.REL': '1 1 1\n' });
    const c = await parseSmart(dir);
    expect(c.queries).toEqual([{ id: '1', text: 'the crystalline lens.' }]);
    expect(c.defaultFields).toEqual(['t', 'w']);
  });
});

describe('parseSmart: malformed input reports file:line', () => {
  const cases: [string, Record<string, string>, string, number, string][] = [
    ['text before the first .I', { 'X.ALL': '\nstray text\n.I 1\n.W\nx\n' }, 'X.ALL', 2, 'text before the first .I record'],
    ['.I without an id', { 'X.ALL': '.I 1\n.W\nx\n.I\n.W\ny\n' }, 'X.ALL', 4, '.I without an id'],
    ['.I with a non-integer id', { 'X.ALL': '.I 1\n.W\nx\n.I 2a\n' }, 'X.ALL', 4, ".I with a non-integer id '2a'"],
    ['a duplicate document id', { 'X.ALL': '.I 1\n.W\nx\n.I 01\n.W\ny\n' }, 'X.ALL', 4, 'duplicate document id 1 (first at line 1)'],
    ['text after .I before a marker', { 'X.ALL': '.I 1\nno marker\n' }, 'X.ALL', 2, 'text after .I 1 before any field marker'],
    ['a duplicate query id', { 'X.QRY': '.I 1\n.W\nq\n.I 1\n.W\nr\n' }, 'X.QRY', 4, 'duplicate query id 1 (first at line 1)'],
    ['a non-numeric query id in .REL', { 'X.REL': '1 1\nq2 1\n' }, 'X.REL', 2, "non-numeric query id 'q2'"],
    ['a non-numeric document id in .REL', { 'X.REL': '1 1\n\n2 d7\n' }, 'X.REL', 3, "non-numeric document id 'd7'"],
    ['fewer than 2 columns in .REL', { 'X.REL': '1 1\n7\n' }, 'X.REL', 2, 'fewer than 2 columns'],
    ['a changing column count in .REL', { 'X.REL': '1 1 1\n1 2\n' }, 'X.REL', 2, '2 columns, but line 1 has 3'],
    ['a non-integer grade', { 'X.REL': '1 1 1\n1 2 high\n' }, 'X.REL', 2, "relevance 'high' is not an integer"],
  ];
  for (const [what, files, file, line, reason] of cases) {
    it(what, async () => {
      const dir = smartDir({ 'X.ALL': DOCS, 'X.QRY': QRY, 'X.REL': '1 1\n', ...files });
      const err = await parseError(parseSmart(dir));
      expect(err.file).toBe(path.join(dir, file));
      expect(err.line).toBe(line);
      expect(err.message).toContain(`${path.join(dir, file)}:${line}: ${reason}`);
    });
  }
});

describe('parseSmart: judgment layouts', () => {
  const parseRel = async (rel: string, options = {}) => {
    const dir = smartDir({ 'X.ALL': DOCS, 'X.QRY': QRY, 'X.REL': rel });
    return { c: await parseSmart(dir, options), file: path.join(dir, 'X.REL') };
  };

  it('TREC-like `qid 0 docid rel` (MED copies with four columns)', async () => {
    const { c } = await parseRel('1 0 13 1\n1 0 14 2\n2 0 1 0\n');
    expect(c.qrels).toEqual([
      { queryId: '1', docId: '13', grade: 1 },
      { queryId: '1', docId: '14', grade: 2 },
      { queryId: '2', docId: '1', grade: 0 },
    ]);
  });

  it('ADI/CISI `qid docid 0 0.000000`: extra columns ignored, every pair relevant', async () => {
    const { c, file } = await parseRel('1   17   0   0.000000   \n1   46   0   0.000000\n 2 12 0 0.000000\n');
    expect(c.qrels).toEqual([
      { queryId: '1', docId: '17', grade: 1 },
      { queryId: '1', docId: '46', grade: 1 },
      { queryId: '2', docId: '12', grade: 1 },
    ]);
    expect(c.warnings.some((w) => w.startsWith(`${file}: layout 'qid docid n n'`))).toBe(true);
  });

  it('CACM-style `01 1410 0 0` is pairs, not TREC (column 2 is not 0 throughout)', async () => {
    const { c } = await parseRel('01 1410 0 0\n01 1572 0 0\n');
    expect(c.qrels).toEqual([
      { queryId: '1', docId: '1410', grade: 1 },
      { queryId: '1', docId: '1572', grade: 1 },
    ]);
  });

  it('`qid docid grade` (MED.REL as shipped) keeps grades; binary scale flattens them', async () => {
    expect((await parseRel('1 13 1\n1 14 3\n1 15 0\n')).c.qrels.map((j) => j.grade)).toEqual([1, 3, 0]);
    const { c } = await parseRel('1 13 1\n1 14 3\n1 15 0\n', { relevanceScale: 'binary' });
    expect(c.qrels.map((j) => j.grade)).toEqual([1, 1, 0]);
  });

  it('plain `qid docid`', async () => {
    const { c } = await parseRel('1 2\n2 1\n');
    expect(c.qrels).toEqual([
      { queryId: '1', docId: '2', grade: 1 },
      { queryId: '2', docId: '1', grade: 1 },
    ]);
  });

  it('rejects four columns that fit neither layout', async () => {
    const dir = smartDir({ 'X.ALL': DOCS, 'X.QRY': QRY, 'X.REL': '1 2 0 0.0\n1 3 x 0.0\n' });
    const err = await parseError(parseSmart(dir));
    expect(err.message).toContain(`${path.join(dir, 'X.REL')}:2:`);
  });

  it('warns about repeated pairs and references to unknown ids', async () => {
    const { c, file } = await parseRel('1 1\n1 1\n9 1\n1 99\n');
    expect(c.qrels).toHaveLength(3);
    expect(c.warnings).toContain(`${file}: 1 repeated judgment(s) ignored, the first one kept: line 2 (1 1, first at line 1)`);
    expect(c.warnings).toContain('judgments for unknown queries: ids 9');
    expect(c.warnings).toContain('judgments for unknown documents: ids 99');
    expect(c.warnings).toContain('1 of 2 queries have no judgments: ids 2');
  });
});

describe('parseSmart: CRAN', () => {
  const cranAll = `.I 1
.T
experimental investigation of the aerodynamics of a wing in a slipstream .
.A
brenckman,m.
.B
j. ae. scs. 25, 1958, 324.
.W
experimental investigation of the aerodynamics of a wing .
.I 2
.T
simple shear flow past a flat plate .
.A
ting-yili
.B
department of aeronautical engineering.
.W
the problem of similar solutions .
`;
  // .I labels are not consecutive: cranqrel uses positions 1..4.
  const cranQry = `.I 001
.W
what similarity laws must be obeyed ?
.I 002
.W
what are the structural and aeroelastic problems ?
.I 004
.W
what problems of heat conduction in composite slabs ?
.I 008
.W
can a criterion be developed ?
`;
  const cranRel = '1 184 2\n1 29 -1\n2 12 1\n3 5 4\n4 1 3\n';

  function cranDir(): string {
    return smartDir({ 'cran.all.1400': cranAll, 'cran.qry': cranQry, cranqrel: cranRel });
  }

  it('finds cran.all.1400 / cran.qry / cranqrel in a directory', () => {
    const dir = cranDir();
    expect(findSmartFiles(dir)).toEqual({
      documents: path.join(dir, 'cran.all.1400'),
      queries: path.join(dir, 'cran.qry'),
      qrels: path.join(dir, 'cranqrel'),
    });
  });

  it('numbers queries by position and maps relevance codes 1..4/-1 to grades 4..1/0', async () => {
    const c = await parseSmart(cranDir());
    expect(c.queries.map((q) => q.id)).toEqual(['1', '2', '3', '4']);
    expect(c.queries[2]?.text).toBe('what problems of heat conduction in composite slabs ?');
    expect(c.qrels).toEqual([
      { queryId: '1', docId: '184', grade: 3 },
      { queryId: '1', docId: '29', grade: 0 },
      { queryId: '2', docId: '12', grade: 4 },
      { queryId: '3', docId: '5', grade: 1 },
      { queryId: '4', docId: '1', grade: 2 },
    ]);
    expect(c.documents[0]?.fields.b).toBe('j. ae. scs. 25, 1958, 324.');
    expect(c.defaultFields).toEqual(['t', 'w']);
    expect(c.warnings.some((w) => w.includes('query ids are positions 1..4'))).toBe(true);
  });

  it('options override the CRAN defaults', async () => {
    const c = await parseSmart(cranDir(), { queryIds: 'label', relevanceScale: 'graded' });
    expect(c.queries.map((q) => q.id)).toEqual(['1', '2', '4', '8']);
    expect(c.qrels.map((j) => j.grade)).toEqual([2, -1, 1, 4, 3]);
  });

  it('applies the CRAN scale to other file names when asked, and rejects unknown codes', async () => {
    const dir = smartDir({ 'C.ALL': cranAll, 'C.QRY': cranQry, 'C.REL': cranRel });
    const c = await parseSmart(dir, { queryIds: 'position', relevanceScale: 'cran' });
    expect(c.qrels.map((j) => j.grade)).toEqual([3, 0, 4, 1, 2]);
    write(dir, 'C.REL', '1 184 2\n1 29 7\n');
    const err = await parseError(parseSmart(dir, { relevanceScale: 'cran' }));
    expect(err.message).toContain(`${path.join(dir, 'C.REL')}:2: unknown CRAN relevance code '7'`);
  });
});

describe('shared SMART collections', () => {
  const med = sharedPath('datasets/med');
  const adi = sharedPath('datasets/adi');

  it.skipIf(med.skip)(`MED: 1033 documents, 30 queries, every MED.REL line a judgment${med.note}`, async () => {
    const relLines = fs
      .readFileSync(path.join(med.path, 'MED.REL'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    const c = await parseSmart(med.path);
    expect(c.documents).toHaveLength(1033);
    expect(c.queries).toHaveLength(30);
    expect(c.qrels).toHaveLength(relLines);
    expect(new Set(c.qrels.map((j) => j.queryId)).size).toBe(30);
    expect(c.qrels.every((j) => j.grade === 1)).toBe(true);
    expect(c.defaultFields).toEqual(['w']);
    expect(c.warnings).toEqual([]);
    expect(c.documents[0]?.fields.w).toMatch(/^correlation between maternal and fetal plasma levels of glucose and free fatty acids \. correlation/);
  });

  it.skipIf(adi.skip)(`ADI: 82 documents, 35 queries, doc 67's repeated title dropped${adi.note}`, async () => {
    const c = await parseSmart(adi.path);
    expect(c.documents).toHaveLength(82);
    expect(c.queries).toHaveLength(35);
    expect(c.qrels).toHaveLength(170);
    expect(c.qrels.every((j) => j.grade === 1)).toBe(true);
    expect(c.defaultFields).toEqual(['t', 'w']);
    const d67 = c.documents.find((d) => d.id === '67');
    expect(d67?.fields.t).toBe('a national plan for science abstracting and indexing services .');
    expect(c.warnings.some((w) => /ADI\.ALL:\d+: document 67 repeats field \.T/.test(w))).toBe(true);
    expect(c.documents.find((d) => d.id === '41')?.fields.a).toBe('K. H. MEYER-UHLENRIED; G. LUSTIG');
  });
});
