/**
 * PDF files of the `files` format: text extracted by unpdf (PDF.js, Mozilla's PDF reader, in
 * its serverless build: no worker, no canvas, no native module, no install script). Pinned to
 * unpdf 1.7.x: 1.8 needs Node 22, Benchlab supports Node 20.19.
 *
 * PDF.js parses the file in-process with `isEvalSupported: false` (fonts are never compiled
 * into JavaScript: the PDF is untrusted input) and its console warnings off. Pages are joined
 * with a blank line.
 *
 * Title: the document information dictionary's `Title`, else the first non-blank line of the
 * text. Reported and skipped: an encrypted PDF (a password is needed to open it), a file PDF.js
 * cannot parse (corrupt or not a PDF), a PDF with no text layer (scanned or image-only: OCR it
 * first).
 */
// unpdf's CommonJS entry is small; it loads its PDF.js bundle (1.6 MB) on first use.
import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import { cleanTitle, firstLineTitle, UnreadableFileError, type ExtractedText } from './extracted-text';


/** PDF.js's exception names -> the reason shown to the user. */
function reasonFor(error: unknown): string {
  const name = (error as { name?: unknown })?.name;
  const message = (error as { message?: unknown })?.message;
  if (name === 'PasswordException') return 'encrypted PDF: it needs a password to open; decrypt it first (e.g. qpdf --decrypt)';
  if (name === 'InvalidPDFException') return `not a readable PDF (corrupt or not a PDF: ${String(message ?? 'invalid PDF structure')})`;
  return `cannot read the PDF: ${String(message ?? error)}`;
}

function infoTitle(info: unknown): string {
  const title = (info as { Title?: unknown } | undefined)?.Title;
  return typeof title === 'string' ? cleanTitle(title) : '';
}

export async function extractPdf(bytes: Uint8Array): Promise<ExtractedText> {
  // PDF.js takes the buffer over (transfers it): hand it a copy, the caller's bytes stay usable.
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, verbosity: 0 });
  } catch (error) {
    throw new UnreadableFileError(reasonFor(error));
  }
  try {
    const { text: pages } = await extractText(pdf, { mergePages: false });
    const text = pages.map((page) => page.trim()).filter((page) => page !== '').join('\n\n');
    if (text === '') {
      throw new UnreadableFileError(
        `no text in the PDF (${pdf.numPages} page(s)): a scanned or image-only PDF has no text layer; run OCR on it first (e.g. ocrmypdf)`,
      );
    }
    const { info } = await getMeta(pdf);
    return { title: infoTitle(info) || firstLineTitle(text), text };
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(reasonFor(error));
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}
