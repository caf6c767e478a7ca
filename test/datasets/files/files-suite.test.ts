/**
 * A suite can import a folder of own documents itself (issue 16.5): `import: {format: files,
 * paths: [DIR], golden: FILE}` imports the documents and the golden file's questions when the
 * store lacks the dataset, logs the skipped files, and benchmarks the golden questions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../../lib/runs/bench-run';
import { parseSuite } from '../../../lib/suites/suite';
import { closedPortUrl } from '../../support/closed-port';
import { removeDir, tempDir } from '../../support/temp-store';
import { buildOwnDocuments } from './own-documents';

let root: string;
beforeAll(async () => {
  root = tempDir('benchlab-files-suite-');
  await buildOwnDocuments(path.join(root, 'docs'));
  fs.writeFileSync(
    path.join(root, 'golden.jsonl'),
    [
      { query_id: 'q1', question: 'Which fish has a pancreas that regenerates?', doc_id: 'papers/titled.pdf', grade: 2 },
      { query_id: 'q2', question: 'Do planarian heads regrow?', doc_id: 'papers/multi-page.pdf' },
    ].map((row) => JSON.stringify(row)).join('\n'),
  );
});
afterAll(() => removeDir(root));

describe('suite import of format files', () => {
  it('imports the folder with its golden file and runs the questions', async () => {
    const suite = path.join(root, 'own.yaml');
    fs.writeFileSync(
      suite,
      `name: own\ndataset: own\nimport: {format: files, paths: [${JSON.stringify(path.join(root, 'docs'))}], golden: ${JSON.stringify(path.join(root, 'golden.jsonl'))}}\n` +
        `generators:\n  - type: question-or\ngpu_sampling: false\n`,
    );
    const lines: string[] = [];
    const result = await runBench({ suite, dbPath: path.join(root, 'own.duckdb'), hosts: [{ url: await closedPortUrl(), provider: 'ollama', concurrency: 1 }], log: (l) => lines.push(l) });
    expect(result.status).toBe('completed');
    expect(lines).toContain("skipped papers/corrupt.pdf: not a readable PDF (corrupt or not a PDF: Invalid PDF structure.)");
    const generator = result.summary.generators.find((g) => g.generator === 'baseline:question-or');
    expect(generator?.items).toBe(2);
    expect(generator?.ndcg10).toBe(1);
  });

  it('refuses golden with another format, naming the field', () => {
    expect(() => parseSuite('name: x\ndataset: x\nimport: {format: beir, paths: [a], golden: g.csv}\ngenerators:\n  - type: question-or\n', 'bad.yaml')).toThrow(/import\.golden: golden is for format files/);
  });
});
