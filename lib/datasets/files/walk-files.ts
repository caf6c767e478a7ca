/**
 * Walks a directory tree for the `files` format: every entry below it, depth first, each
 * directory's entries sorted by name (UTF-16 code units, the same on every machine and file
 * system), so an import reads files in the same order every time. Hidden entries (names starting
 * with `.`) are left out, directories included. Held at any time: the entries of the
 * directories on the current path, never the whole tree.
 *
 * Yields regular files (a symbolic link to a file counts as the file) with their id: the path
 * relative to the root with `/` separators. Entries that cannot be read are yielded as skipped,
 * with the reason: a broken symbolic link, a symbolic link to a directory (not followed: links
 * can make cycles), something that is not a regular file (socket, FIFO, device), a directory
 * that cannot be listed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type WalkEntry =
  | { kind: 'file'; id: string; path: string }
  | { kind: 'skipped'; id: string; reason: string };

/** A Node file-system error's reason, in words. */
export function fsErrorReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'file not found (removed while importing?)';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e?.message ?? String(error);
  }
}

const byName = (a: fs.Dirent, b: fs.Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The entries below `root` (an existing directory), in the order described in the module header. */
export async function* walkFiles(root: string): AsyncGenerator<WalkEntry> {
  yield* walkDirectory(root, '');
}

async function* walkDirectory(dir: string, prefix: string): AsyncGenerator<WalkEntry> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (error) {
    yield { kind: 'skipped', id: prefix === '' ? '.' : `${prefix}/`, reason: `cannot list the directory: ${fsErrorReason(error)}` };
    return;
  }
  entries.sort(byName);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const id = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      yield* walkDirectory(full, id);
    } else if (entry.isFile()) {
      yield { kind: 'file', id, path: full };
    } else if (entry.isSymbolicLink()) {
      yield await followLink(full, id);
    } else {
      yield { kind: 'skipped', id, reason: 'not a regular file (socket, FIFO or device)' };
    }
  }
}

async function followLink(full: string, id: string): Promise<WalkEntry> {
  let target: fs.Stats;
  try {
    target = await fs.promises.stat(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'broken symbolic link (its target does not exist)' : fsErrorReason(error);
    return { kind: 'skipped', id, reason };
  }
  if (target.isFile()) return { kind: 'file', id, path: full };
  if (target.isDirectory()) return { kind: 'skipped', id, reason: 'symbolic link to a directory (not followed)' };
  return { kind: 'skipped', id, reason: 'not a regular file (socket, FIFO or device)' };
}
