/**
 * Issue 13.7: a TREC file that fits no role (wrong columns) is reported with its file and the
 * line that breaks the pattern, through the library and through `benchlab import` (exit 3, no
 * stack trace).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCollection } from '../../lib/datasets';
import { explainUnknownTrecFile, sniffTrecRole } from '../../lib/datasets/trec';
import { runCli } from '../support/run-cli';
import { parseError, tmpDir, write } from './helpers';

const TOPICS = '401\tforeign minorities germany\n402\tbehavioral genetics\n';
const DOCS = '{"id": "D1", "text": "minorities in Germany"}\n{"id": "D2", "text": "genetics"}\n';

function collection(qrels: string): { qrels: string; topics: string; docs: string } {
  const dir = tmpDir();
  return {
    qrels: write(dir, 'qrels.txt', qrels),
    topics: write(dir, 'topics.tsv', TOPICS),
    docs: write(dir, 'docs.jsonl', DOCS),
  };
}

describe('a TREC file with wrong columns', () => {
  it('names the qrels line with the wrong number of columns', async () => {
    const f = collection('401 0 D1 1\n402 0 D2 0\n401 D2 1\n402 0 D1 0\n');
    expect(sniffTrecRole(f.qrels)).toBeUndefined();
    const err = await parseError(parseCollection('trec', [f.qrels, f.topics, f.docs]));
    expect(err.file).toBe(f.qrels);
    expect(err.line).toBe(3);
    expect(err.message).toBe(
      `${f.qrels}:3: cannot tell what this file is: the other lines look like qrels, but this one has 3 column(s), where qrels have 4 (qid iter docid rel)`,
    );
  });

  it('names a qrels line whose relevance is not an integer, and a topics line with too many tabs', () => {
    const dir = tmpDir();
    const qrels = write(dir, 'q.txt', '401 0 D1 1\n\n401 0 D2 yes\n401 0 D3 1\n');
    expect(explainUnknownTrecFile(qrels)).toEqual({
      line: 3,
      reason: "cannot tell what this file is: the other lines look like qrels, but this one has relevance 'yes' is not an integer (qrels: qid iter docid rel)",
    });
    const topics = write(dir, 't.tsv', 'qid\ttext\n1\tfirst topic\n2\tsecond\ttopic\n3\tthird topic\n');
    expect(explainUnknownTrecFile(topics)).toEqual({
      line: 3,
      reason: 'cannot tell what this file is: the other lines look like topics, but this one has 3 tab-separated column(s), where topics have 2 (qid<TAB>text)',
    });
  });

  it('names the first line of a file that fits no pattern at all', () => {
    const dir = tmpDir();
    const odd = write(dir, 'odd.txt', '\n\na b c\nd e f\n');
    expect(explainUnknownTrecFile(odd)).toEqual({
      line: 3,
      reason:
        'cannot tell what this file is: this line has 1 tab-separated and 3 whitespace-separated column(s); ' +
        'expected documents (.jsonl), topics (<top> SGML or qid<TAB>text) or qrels (qid 0 docid rel)',
    });
    expect(explainUnknownTrecFile(write(dir, 'blank.txt', '\n \n')).line).toBeUndefined();
  });

  it('benchlab import exits 3 with file:line and no stack trace', async () => {
    const f = collection('401 0 D1 1\n402 0 D2 0\n401 D2 1\n');
    const db = path.join(path.dirname(f.qrels), 'x.duckdb');
    const result = await runCli(['--db', db, 'import', '--format', 'trec', '--dataset', 'bad', f.qrels, f.topics, f.docs]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${f.qrels}:3: cannot tell what this file is`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
