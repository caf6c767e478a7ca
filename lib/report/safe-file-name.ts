/**
 * File-name parts made from ids that came from data (run ids, experiment keys): only
 * letters, digits, '.', '_' and '-' are kept, anything else becomes '_', and the part is cut to
 * a length every file system accepts. When the id had to change, a short hash of the original
 * is appended, so two ids that differ only in replaced characters never share a file.
 */
import { createHash } from 'node:crypto';

/** Characters kept as they are; the same set report-files.ts keeps in run report names. */
const UNSAFE_FILE_CHARS = /[^A-Za-z0-9._-]/g;
/** Longest part kept from an id, well under the usual 255-byte file name limit. */
export const MAX_FILE_PART_CHARS = 80;
/** Hex digits of the sha256 of the original id appended when the id was changed. */
const HASH_CHARS = 8;

export function safeFilePart(id: string): string {
  const cleaned = id.replace(UNSAFE_FILE_CHARS, '_').slice(0, MAX_FILE_PART_CHARS);
  // Leading dots would make hidden files (or '..'); replace them too.
  const safe = cleaned.replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  if (safe === id && safe !== '') return safe;
  return `${safe}-${createHash('sha256').update(id).digest('hex').slice(0, HASH_CHARS)}`;
}
