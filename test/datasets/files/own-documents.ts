/**
 * Builds a folder of "own documents" for the `files` format tests, in a temp folder: real PDFs
 * written by pdf-lib (one with a Title in its document information, a two-page one, an
 * encrypted one, an image-only one, a corrupt one), Markdown, HTML, plain text, and entries that
 * cannot be read (invalid UTF-8, a broken symbolic link, a link to a directory, an unsupported
 * type, an empty file; a chmod 000 file that only a non-root user cannot read).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, PDFHexString, StandardFonts } from 'pdf-lib';

/** A 1x1 PNG: the "scan" of the image-only PDF. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A PDF whose pages hold `pages` (one line of text each, or lines separated by \n), `title` in its metadata when given. */
export async function textPdf(pages: string[], title?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title !== undefined) doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = doc.addPage();
    text.split('\n').forEach((line, i) => page.drawText(line, { x: 50, y: 700 - i * 20, font, size: 12 }));
  }
  return doc.save();
}

/**
 * A PDF encrypted with the standard security handler and a user password (revision 2): its
 * /Encrypt dictionary's U entry does not match the empty password, so a reader must ask for one,
 * which PDF.js reports as a PasswordException, as for a real password-protected file.
 */
export async function encryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText('classified words', { x: 50, y: 700, font, size: 12 });
  const ctx = doc.context;
  ctx.trailerInfo.Encrypt = ctx.register(
    ctx.obj({ Filter: 'Standard', V: 1, R: 2, Length: 40, P: -4, O: PDFHexString.of('11'.repeat(32)), U: PDFHexString.of('22'.repeat(32)) }),
  );
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of('33'.repeat(16)), PDFHexString.of('33'.repeat(16))]);
  return doc.save({ useObjectStreams: false });
}

/** A PDF with an image and no text layer, as a scanner writes it. */
export async function imageOnlyPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const image = await doc.embedPng(PIXEL_PNG);
  doc.addPage().drawImage(image, { x: 50, y: 50, width: 400, height: 600 });
  return doc.save();
}

export const HTML_PAGE = `<!DOCTYPE html>
<html><head><title>Caf&eacute; &amp; Bar guide</title>
<style>body { font-family: zzstyleword; }</style>
<script>var zzscriptword = "never indexed";</script></head>
<body><h1>Opening hours</h1>
<p>Fish &lt;and&gt; chips cost &#8364;5&nbsp;at the <a href="https://example.com/menu">harbour kiosk</a>.</p>
<ul><li>Monday</li><li>Tuesday</li></ul>
<script type="module">document.write('zzmodulescript')</script>
</body></html>
`;

export const MARKDOWN_GUIDE = `Intro line before the heading.

# Getting *started* with \`benchlab\`

Install it with **npm** and read the [manual](https://example.com/manual "the manual").

- first item
- second item

<script>alert('zzmdscript')</script>

\`\`\`sh
benchlab import --format files docs/
\`\`\`
`;

export const MARKDOWN_POST = `---
title: "Release notes: spring"
tags: [news]
---
## What changed

The ranking of lighthouse documents improved.
`;

/** What `buildOwnDocuments` writes: the documents that must be imported, id -> title and words in their text. */
export const EXPECTED_DOCUMENTS: Record<string, { title: string; contains: string[] }> = {
  'guide.md': { title: 'Getting started with benchlab', contains: ['Intro line before the heading.', 'Install it with npm and read the manual.', 'first item', 'benchlab import --format files docs/'] },
  'notes/page.html': { title: 'Café & Bar guide', contains: ['Opening hours', 'Fish <and> chips cost €5\u00a0at the harbour kiosk.', 'Monday', 'Tuesday'] },
  'notes/fragment.htm': { title: 'Fragment heading', contains: ['Fragment heading', 'no head here'] },
  'notes/post.markdown': { title: 'Release notes: spring', contains: ['What changed', 'The ranking of lighthouse documents improved.'] },
  'papers/multi-page.pdf': { title: 'Chapter one: axolotl limbs regrow', contains: ['Chapter one: axolotl limbs regrow', 'Chapter two: planarian heads regrow'] },
  'papers/titled.pdf': { title: 'Annual Report 2023', contains: ['The zebrafish pancreas regenerates quickly.'] },
  'readme.txt': { title: 'Plain text notes', contains: ['Plain text notes', 'second line about gardens'] },
  'sub/dir/deep.txt': { title: 'deep file', contains: ['deep file'] },
};

/** What `buildOwnDocuments` writes that must be skipped, id -> a pattern its reason matches. */
export const EXPECTED_SKIPPED: Record<string, RegExp> = {
  'broken-link.txt': /^broken symbolic link/,
  'empty.md': /^no text/,
  'image.png': /^unsupported file type '\.png'; read are \.pdf \.md \.markdown \.html \.htm \.txt$/,
  'latin1.txt': /^not valid UTF-8 \(line 2\)/,
  'linked-dir': /^symbolic link to a directory \(not followed\)$/,
  'LICENSE': /^no file extension/,
  'papers/corrupt.pdf': /^not a readable PDF \(corrupt or not a PDF/,
  'papers/encrypted.pdf': /^encrypted PDF: it needs a password/,
  'papers/scanned.pdf': /^no text in the PDF \(1 page\(s\)\): a scanned or image-only PDF/,
};

/** Whether this process can read files whose mode is 000 (root can). */
export const ROOT = process.getuid?.() === 0;

/** Writes the documents of EXPECTED_DOCUMENTS and EXPECTED_SKIPPED (plus hidden files) into `dir`. */
export async function buildOwnDocuments(dir: string): Promise<void> {
  const write = (rel: string, data: string | Uint8Array): void => {
    const file = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  };
  write('papers/titled.pdf', await textPdf(['The zebrafish pancreas regenerates quickly.'], 'Annual Report 2023'));
  write('papers/multi-page.pdf', await textPdf(['Chapter one: axolotl limbs regrow', 'Chapter two: planarian heads regrow']));
  const valid = await textPdf(['This file gets cut in half.']);
  write('papers/corrupt.pdf', valid.slice(0, Math.floor(valid.length / 2)));
  write('papers/encrypted.pdf', await encryptedPdf());
  write('papers/scanned.pdf', await imageOnlyPdf());
  write('guide.md', MARKDOWN_GUIDE);
  write('notes/post.markdown', MARKDOWN_POST);
  write('notes/page.html', HTML_PAGE);
  write('notes/fragment.htm', '<h1>Fragment heading</h1><p>no head here</p>');
  write('readme.txt', '\n  Plain text notes  \r\nsecond line about gardens\r\n');
  write('sub/dir/deep.txt', 'deep file');
  write('latin1.txt', Buffer.concat([Buffer.from('first line\ncaf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]));
  write('empty.md', '<!-- only a comment -->\n');
  write('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  write('LICENSE', 'MIT');
  write('.hidden.txt', 'hidden words');
  write('.git/HEAD', 'ref: refs/heads/main');
  fs.symlinkSync(path.join(dir, 'no-such-target.txt'), path.join(dir, 'broken-link.txt'));
  fs.symlinkSync(path.join(dir, 'sub'), path.join(dir, 'linked-dir'));
}
