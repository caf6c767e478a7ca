/**
 * `--format files` (issue 16.5): a folder of a team's own documents read as a stream of
 * documents: one per file, id = the path relative to the folder with `/`, in sorted order; the
 * title and text of real PDFs (pdf-lib), Markdown, HTML and plain text; files that cannot be
 * read are skipped with the reason, the rest kept; documents handed over in batches.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectStream, type CollectionRest } from '../../../lib/datasets/document-stream';
import { openFilesStream } from '../../../lib/datasets/files/files-collection';
import { DatasetParseError } from '../../../lib/datasets/parse-error';
import { InputError } from '../../../lib/input-error';
import type { Document } from '../../../lib/datasets/types';
import { removeDir, tempDir } from '../../support/temp-store';
import { buildOwnDocuments, EXPECTED_DOCUMENTS, EXPECTED_SKIPPED, ROOT } from './own-documents';

let root: string;
let docsDir: string;
let documents: Document[];
let rest: CollectionRest;
beforeAll(async () => {
  root = tempDir('benchlab-files-');
  docsDir = path.join(root, 'docs');
  await buildOwnDocuments(docsDir);
  const collection = await collectStream(await openFilesStream(docsDir));
  documents = collection.documents;
  rest = collection as unknown as CollectionRest;
});
afterAll(() => removeDir(root));

describe('files format: documents', () => {
  it('imports one document per readable file, ids relative with / separators, in sorted path order', () => {
    expect(documents.map((d) => d.id)).toEqual(Object.keys(EXPECTED_DOCUMENTS).sort());
    for (const doc of documents) expect(Object.keys(doc.fields)).toEqual(['title', 'text']);
  });

  it('takes each title by its type rule: PDF metadata, first Markdown heading or front matter, HTML <title> or <h1>, else the first line', () => {
    const titles = Object.fromEntries(documents.map((d) => [d.id, d.fields.title]));
    expect(titles).toEqual(Object.fromEntries(Object.entries(EXPECTED_DOCUMENTS).map(([id, e]) => [id, e.title])));
  });

  it('extracts the text: every page of a PDF, Markdown without markup, HTML without scripts and styles and with entities decoded', () => {
    for (const doc of documents) {
      for (const words of EXPECTED_DOCUMENTS[doc.id]?.contains ?? []) expect(doc.fields.text, doc.id).toContain(words);
    }
    const text = (id: string) => documents.find((d) => d.id === id)?.fields.text ?? '';
    expect(text('papers/multi-page.pdf')).toBe('Chapter one: axolotl limbs regrow\n\nChapter two: planarian heads regrow');
    expect(text('notes/page.html')).not.toMatch(/zzscriptword|zzstyleword|zzmodulescript|example\.com|&amp;|&#8364;/);
    expect(text('notes/page.html')).not.toContain('Café & Bar guide'); // the <head> is not text
    expect(text('guide.md')).not.toMatch(/\*\*|`|#|\[|\]|\*started|zzmdscript|example\.com/); // list items keep a bullet
    expect(text('notes/post.markdown')).not.toMatch(/tags|news|---/); // front matter is not text
    expect(text('readme.txt')).toBe('\n  Plain text notes  \nsecond line about gardens\n');
  });
});

describe('files format: files that cannot be read', () => {
  it('skips each with the reason (the rest imported); hidden files and folders are left out silently', () => {
    const skipped = rest.skippedFiles ?? [];
    expect(skipped.map((s) => s.file)).toEqual(Object.keys(EXPECTED_SKIPPED).sort());
    for (const { file, reason } of skipped) expect(reason, file).toMatch(EXPECTED_SKIPPED[file] as RegExp);
    expect(JSON.stringify(skipped)).not.toMatch(/hidden|\.git/);
  });

  it('reports a file it may not read (chmod 000) as permission denied, when not running as root', async () => {
    const dir = path.join(root, 'locked');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'open.txt'), 'open words');
    fs.writeFileSync(path.join(dir, 'locked.txt'), 'locked words');
    fs.chmodSync(path.join(dir, 'locked.txt'), 0o000);
    try {
      const collection = await collectStream(await openFilesStream(dir));
      const skipped = (collection as unknown as CollectionRest).skippedFiles;
      if (ROOT) {
        // root reads any file: both are imported.
        expect(collection.documents.map((d) => d.id)).toEqual(['locked.txt', 'open.txt']);
      } else {
        expect(collection.documents.map((d) => d.id)).toEqual(['open.txt']);
        expect(skipped).toEqual([{ file: 'locked.txt', reason: 'cannot read: permission denied' }]);
      }
    } finally {
      fs.chmodSync(path.join(dir, 'locked.txt'), 0o644);
    }
  });

  it('fails with bad input (InputError) naming the reasons when no file could be imported', async () => {
    const dir = path.join(root, 'nothing');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'photo.jpg'), 'x');
    fs.writeFileSync(path.join(dir, 'blank.txt'), '  \n');
    const stream = await openFilesStream(dir);
    await stream.forEachBatch(10, async () => undefined);
    const error = await stream.finish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/no document imported: every file was skipped: blank\.txt \(no text.*\), photo\.jpg \(unsupported file type '\.jpg'/);
  });

  it('refuses a missing folder or a file in place of a folder, naming it', async () => {
    await expect(openFilesStream(path.join(root, 'missing'))).rejects.toThrow(DatasetParseError);
    await expect(openFilesStream(path.join(root, 'missing'))).rejects.toThrow(/missing: directory not found/);
    await expect(openFilesStream(path.join(docsDir, 'readme.txt'))).rejects.toThrow(/readme\.txt: not a directory/);
  });
});

describe('files format: streaming', () => {
  it('hands documents over in batches of the requested size while walking, with the entries visited as position', async () => {
    const stream = await openFilesStream(docsDir);
    expect(stream.size).toBe(Object.keys(EXPECTED_DOCUMENTS).length + Object.keys(EXPECTED_SKIPPED).length);
    const batches: { ids: string[]; position: number }[] = [];
    await stream.forEachBatch(3, async (batch, position) => {
      batches.push({ ids: batch.map((d) => d.id), position });
    });
    expect(batches.map((b) => b.ids.length)).toEqual([3, 3, 2]);
    expect(batches.flatMap((b) => b.ids)).toEqual(Object.keys(EXPECTED_DOCUMENTS).sort());
    const positions = batches.map((b) => b.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions.at(-1)).toBeLessThanOrEqual(stream.size);
  });
});
