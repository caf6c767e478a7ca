/**
 * The file types the `files` format reads: extension -> kind -> extractor (a typed registry: a
 * kind without an extractor is a compile error). Extensions are matched case-insensitively.
 */
import type { ExtractedText } from './extracted-text';
import { extractHtml } from './html-text';
import { extractMarkdown } from './markdown-text';
import { extractPdf } from './pdf-text';
import { extractPlainText } from './plain-text';

export type FileKind = 'pdf' | 'markdown' | 'html' | 'text';

export type Extractor = (bytes: Uint8Array) => Promise<ExtractedText>;

export const FILE_EXTRACTORS: Record<FileKind, Extractor> = {
  pdf: extractPdf,
  markdown: extractMarkdown,
  html: extractHtml,
  text: extractPlainText,
};

const KIND_BY_EXTENSION: Readonly<Record<string, FileKind>> = {
  '.pdf': 'pdf',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.txt': 'text',
};

/** The extensions read, for messages and the README. */
export const SUPPORTED_EXTENSIONS = Object.keys(KIND_BY_EXTENSION);

/** The kind of a file by its name's extension; undefined when the type is not read. */
export function fileKindOf(name: string): FileKind | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return KIND_BY_EXTENSION[name.slice(dot).toLowerCase()];
}
