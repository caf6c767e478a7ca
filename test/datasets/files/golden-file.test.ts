/**
 * The golden file of `--format files` (issue 16.5): questions and judgments from CSV (with a
 * header) or JSONL, one row per judgment with the question given once or repeated; errors name
 * the file, the line and the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDocId, readGoldenFile } from '../../../lib/datasets/files/golden-file';
import { DatasetParseError } from '../../../lib/datasets/parse-error';
import { removeDir, tempDir } from '../../support/temp-store';

let dir: string;
beforeAll(() => {
  dir = tempDir('benchlab-golden-');
});
afterAll(() => removeDir(dir));

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function failure(file: string): Promise<DatasetParseError> {
  const error = await readGoldenFile(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DatasetParseError);
  return error as DatasetParseError;
}

describe('golden file: CSV', () => {
  it('reads questions and judgments: question given once or repeated, grade defaulting to 1, extra columns ignored', async () => {
    const file = write(
      'golden.csv',
      '\uFEFFQuery_ID,Question,Doc_ID,Grade,notes\n' +
        'q1,"Which fish regenerates its pancreas?",papers/titled.pdf,2,from the report\n' +
        'q1,,guide.md,0,\n' +
        'q1,Which fish regenerates its pancreas?,.\\papers\\multi-page.pdf,,\n' +
        '\n' +
        'q2,"What does an axolotl regrow,\nand how?",papers/multi-page.pdf,1,\n' +
        'q3,A question nobody judged,,,\n',
    );
    const golden = await readGoldenFile(file);
    expect(golden.queries).toEqual([
      { id: 'q1', text: 'Which fish regenerates its pancreas?' },
      { id: 'q2', text: 'What does an axolotl regrow, and how?' },
      { id: 'q3', text: 'A question nobody judged' },
    ]);
    expect(golden.qrels).toEqual([
      { queryId: 'q1', docId: 'papers/titled.pdf', grade: 2 },
      { queryId: 'q1', docId: 'guide.md', grade: 0 },
      { queryId: 'q1', docId: 'papers/multi-page.pdf', grade: 1 },
      { queryId: 'q2', docId: 'papers/multi-page.pdf', grade: 1 },
    ]);
    expect(golden.warnings).toEqual([`${file}: 1 of 3 questions have no judgments: ids q3`]);
  });

  it('keeps the first of a repeated judgment, with a warning naming the lines', async () => {
    const file = write('dup.csv', 'query_id,question,doc_id,grade\nq1,Why?,a.txt,1\nq1,,a.txt,2\n');
    const golden = await readGoldenFile(file);
    expect(golden.qrels).toEqual([{ queryId: 'q1', docId: 'a.txt', grade: 1 }]);
    expect(golden.warnings[0]).toMatch(/dup\.csv: 1 repeated judgment\(s\) ignored, the first one kept: line 3 \(q1 a\.txt, first at line 2\)/);
  });

  it('names the file, line and field of bad input', async () => {
    expect((await failure(write('no-question.csv', 'query_id,doc_id,grade\nq1,a.txt,1\n'))).message).toMatch(
      /no-question\.csv:1: header: missing column\(s\) question; a golden CSV has the columns query_id, question, doc_id, grade/,
    );
    expect((await failure(write('grade.csv', 'query_id,question,doc_id,grade\nq1,Why?,a.txt,1\nq1,,b.txt,high\n'))).message).toMatch(
      /grade\.csv:3: grade: 'high' is not an integer/,
    );
    expect((await failure(write('differs.csv', 'query_id,question,doc_id\nq1,Why?,a.txt\nq1,Why not?,b.txt\n'))).message).toMatch(
      /differs\.csv:3: question: query q1 has a different question than at line 2/,
    );
    expect((await failure(write('untitled.csv', 'query_id,question,doc_id\nq1,,a.txt\nq2,How?,b.txt\n'))).message).toMatch(
      /untitled\.csv:2: question: query q1 has no question text on any of its rows/,
    );
    expect((await failure(write('empty-id.csv', 'query_id,question,doc_id\nq1,Why?,a.txt\n,How?,b.txt\n'))).message).toMatch(/empty-id\.csv:3: query_id: empty/);
    expect((await failure(write('ragged.csv', 'query_id,question,doc_id\nq1,Why?\n'))).message).toMatch(/ragged\.csv:2: .*columns length is 3, got 2/);
    expect((await failure(write('header-only.csv', 'query_id,question,doc_id\n'))).message).toMatch(/header-only\.csv: no questions in the golden file/);
  });
});

describe('golden file: JSONL', () => {
  it('reads one row per judgment or one line per question with its judgments', async () => {
    const file = write(
      'golden.jsonl',
      [
        JSON.stringify({ query_id: 1, question: 'Which fish regenerates its pancreas?', doc_id: 'papers/titled.pdf', grade: 2 }),
        JSON.stringify({ query_id: 1, doc_id: 'guide.md', grade: '0' }),
        '',
        JSON.stringify({ query_id: 'q2', question: 'What regrows?', judgments: [{ doc_id: 'papers/multi-page.pdf' }, { doc_id: './notes/page.html', grade: 3 }] }),
      ].join('\n') + '\n',
    );
    const golden = await readGoldenFile(file);
    expect(golden.queries).toEqual([
      { id: '1', text: 'Which fish regenerates its pancreas?' },
      { id: 'q2', text: 'What regrows?' },
    ]);
    expect(golden.qrels).toEqual([
      { queryId: '1', docId: 'papers/titled.pdf', grade: 2 },
      { queryId: '1', docId: 'guide.md', grade: 0 },
      { queryId: 'q2', docId: 'papers/multi-page.pdf', grade: 1 },
      { queryId: 'q2', docId: 'notes/page.html', grade: 3 },
    ]);
    expect(golden.warnings).toEqual([]);
  });

  it('names the file, line and field of bad input', async () => {
    expect((await failure(write('bad-json.jsonl', '{"query_id":"q1","question":"Why?"}\n{oops\n'))).message).toMatch(/bad-json\.jsonl:2: invalid JSON/);
    expect((await failure(write('no-id.jsonl', '{"question":"Why?","doc_id":"a.txt"}\n'))).message).toMatch(/no-id\.jsonl:1: query_id: /);
    expect((await failure(write('grade.jsonl', '{"query_id":"q1","question":"Why?","doc_id":"a.txt","grade":1.5}\n'))).message).toMatch(
      /grade\.jsonl:1: grade: expected an integer/,
    );
    expect((await failure(write('both.jsonl', '{"query_id":"q1","question":"Why?","doc_id":"a.txt","judgments":[]}\n'))).message).toMatch(
      /both\.jsonl:1: judgments: give either doc_id \(one judgment\) or judgments \(a list\), not both/,
    );
    expect((await failure(write('judgment.jsonl', '{"query_id":"q1","question":"Why?","judgments":[{"grade":1}]}\n'))).message).toMatch(
      /judgment\.jsonl:1: judgments\.0\.doc_id: /,
    );
  });
});

describe('golden file: the file itself', () => {
  it('refuses a missing file and a name that is neither .csv nor .jsonl', async () => {
    expect((await failure(path.join(dir, 'missing.csv'))).message).toMatch(/missing\.csv: golden file not found/);
    expect((await failure(write('golden.xlsx', 'x'))).message).toMatch(/golden\.xlsx: a golden file is CSV \(\.csv\) or JSONL/);
  });

  it('normalizes document ids to the import\'s: / separators, no leading ./', () => {
    expect(normalizeDocId(' .\\papers\\a.pdf ')).toBe('papers/a.pdf');
    expect(normalizeDocId('./notes/b.md')).toBe('notes/b.md');
  });
});
