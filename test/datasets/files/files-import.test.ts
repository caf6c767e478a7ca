/**
 * `benchlab import --format files DIR --golden FILE` (issue 16.5) end to end: the documents of
 * a folder go through the streaming importer into DuckDB with the golden file's questions and
 * judgments; the files that could not be read are listed with reasons and the import still
 * succeeds (exit 0); nothing readable is bad input (exit 3). Through the built CLI, a question
 * about a word that only a PDF holds finds that PDF with `benchlab retrieve`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../lib/cli/exit-codes';
import { getDataset } from '../../../lib/datasets/catalog';
import { allDocuments } from '../../../lib/datasets/document-reads';
import { importDocumentStream, type ImportSummary } from '../../../lib/datasets/import';
import { openCollectionStream } from '../../../lib/datasets/index';
import { withStore } from '../../../lib/store/store';
import { runCli } from '../../support/run-cli';
import { removeDir, tempDir } from '../../support/temp-store';
import { buildOwnDocuments, EXPECTED_DOCUMENTS, EXPECTED_SKIPPED } from './own-documents';

/** Questions whose words each occur in one document only; q3 judges a skipped PDF and a file that does not exist. */
const GOLDEN_CSV =
  'query_id,question,doc_id,grade\n' +
  'q1,Which fish has a pancreas that regenerates?,papers/titled.pdf,2\n' +
  'q2,Do planarian heads regrow?,papers/multi-page.pdf,1\n' +
  'q3,What is classified?,papers/encrypted.pdf,1\n' +
  'q3,,nope.txt,1\n' +
  'q4,Where is the harbour kiosk?,notes/page.html,1\n';

let root: string;
let docsDir: string;
let goldenFile: string;
let db: string;
beforeAll(async () => {
  root = tempDir('benchlab-files-import-');
  docsDir = path.join(root, 'docs');
  await buildOwnDocuments(docsDir);
  goldenFile = path.join(root, 'golden.csv');
  fs.writeFileSync(goldenFile, GOLDEN_CSV);
  db = path.join(root, 'files.duckdb');
});
afterAll(() => removeDir(root));

describe('import --format files into the store', () => {
  let summary: ImportSummary;
  beforeAll(async () => {
    summary = await withStore({ dbPath: path.join(root, 'lib.duckdb') }, async (store) =>
      importDocumentStream(store, 'own', await openCollectionStream('files', [docsDir], { golden: goldenFile }), { batchSize: 3 }),
    );
  });

  it('stores the readable documents with their fields, the questions and the judgments', async () => {
    expect(summary).toMatchObject({ dataset: 'own', format: 'files', documents: 8, queries: 4, judgments: 5, judgedQueries: 4, indexedFields: ['title', 'text'] });
    await withStore({ dbPath: path.join(root, 'lib.duckdb'), readOnly: true }, async (store) => {
      const docs = await allDocuments(store, 'own');
      expect(docs.map((d) => d.id).sort()).toEqual(Object.keys(EXPECTED_DOCUMENTS).sort());
      expect(docs.find((d) => d.id === 'papers/titled.pdf')?.fields).toEqual({ title: 'Annual Report 2023', text: 'The zebrafish pancreas regenerates quickly.' });
      const info = await getDataset(store, 'own');
      expect(info.format).toBe('files');
      expect(info.queryCount).toBe(4);
    });
  });

  it('lists the skipped files with reasons, and warns about judgments of skipped or unknown documents', () => {
    expect(summary.skippedFiles?.map((s) => s.file)).toEqual(Object.keys(EXPECTED_SKIPPED).sort());
    expect(summary.warnings).toContainEqual(expect.stringMatching(/^1 judged document\(s\) were skipped, not imported: papers\/encrypted\.pdf \(encrypted PDF/));
    // The importer's own check (checkReferences) for ids not in the corpus, as for every format.
    expect(summary.warnings).toContainEqual(expect.stringMatching(/^2 judged document id\(s\) not in the corpus, e\.g\. papers\/encrypted\.pdf, nope\.txt$/));
  });
});

describe('benchlab import --format files (built CLI)', () => {
  it('imports, exits 0 with the skipped files in --json, and retrieve finds a PDF by a word in it', async () => {
    const imported = await runCli(['--db', db, 'import', '--format', 'files', '--dataset', 'own', '--golden', goldenFile, '--json', docsDir]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(EXIT.ok);
    const out = JSON.parse(imported.stdout) as ImportSummary;
    expect(out.documents).toBe(8);
    expect(out.skippedFiles).toContainEqual({ file: 'papers/corrupt.pdf', reason: expect.stringMatching(/^not a readable PDF/) as unknown as string });
    expect(out.skippedFiles).toHaveLength(Object.keys(EXPECTED_SKIPPED).length);

    const runFile = path.join(root, 'own.run');
    const retrieved = await runCli(['--db', db, 'retrieve', '--dataset', 'own', '--run-out', runFile, '--json']);
    expect(retrieved.code).toBe(EXIT.ok);
    const firstRanked = new Map<string, string>();
    for (const line of fs.readFileSync(runFile, 'utf8').trim().split('\n')) {
      const [qid, , docId, rank] = line.split(' ');
      if (rank === '1') firstRanked.set(qid as string, docId as string);
    }
    expect(firstRanked.get('q1')).toBe('papers/titled.pdf'); // "pancreas", "fish"~"zebrafish" only in the PDF
    expect(firstRanked.get('q2')).toBe('papers/multi-page.pdf'); // "planarian": on the PDF's second page
    expect(firstRanked.get('q4')).toBe('notes/page.html');
  });

  it('prints each skipped file with its reason on stderr, and the count in the summary table', async () => {
    const result = await runCli(['--db', db, 'import', '--format', 'files', '--dataset', 'own2', docsDir]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stderr).toContain('skipped: papers/corrupt.pdf: not a readable PDF');
    expect(result.stderr).toContain("skipped: image.png: unsupported file type '.png'");
    expect(result.stdout).toMatch(/skipped files/);
  });

  it('exits 3 (bad input) without a stack trace when no file could be imported, keeping the old dataset', async () => {
    const empty = path.join(root, 'unreadable');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'scan.pdf'), 'not a pdf');
    const result = await runCli(['--db', db, 'import', '--format', 'files', '--dataset', 'own', empty]);
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toMatch(/no document imported: every file was skipped: scan\.pdf \(not a readable PDF/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const listed = JSON.parse((await runCli(['--db', db, 'datasets', '--json'])).stdout) as { name: string; docCount: number }[];
    expect(listed.find((d) => d.name === 'own')?.docCount).toBe(8);
  });

  it('exits 3 on a bad golden file (file:line: field) and on --golden with another format', async () => {
    const bad = path.join(root, 'bad.csv');
    fs.writeFileSync(bad, 'query_id,question,doc_id,grade\nq1,Why?,a.txt,very\n');
    const result = await runCli(['--db', db, 'import', '--format', 'files', '--dataset', 'own3', '--golden', bad, docsDir]);
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toContain(`${bad}:2: grade: 'very' is not an integer`);
    const other = await runCli(['--db', db, 'import', '--format', 'beir', '--dataset', 'own3', '--golden', goldenFile, docsDir]);
    expect(other.code).toBe(EXIT.input);
    expect(other.stderr).toMatch(/--golden is for --format files/);
  });
});
