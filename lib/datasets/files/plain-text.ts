/**
 * Plain-text files (`.txt`) of the `files` format: UTF-8 (invalid UTF-8 is reported), line
 * endings normalised to `\n`; title = the first non-blank line.
 */
import { decodeUtf8, firstLineTitle, type ExtractedText } from './extracted-text';

export async function extractPlainText(bytes: Uint8Array): Promise<ExtractedText> {
  const text = decodeUtf8(bytes).replace(/\r\n?/g, '\n');
  return { title: firstLineTitle(text), text };
}
