/**
 * One owner per table: lib/store/table-owners.ts names, for every table and view the migrations
 * create, the lib/ folder that owns it and the one file that writes it. This test reads the SQL
 * in lib/ (migrations aside) and fails on a write (INSERT INTO, UPDATE, DELETE FROM, CREATE /
 * ALTER / DROP TABLE, store.append) outside the table's writer, a read (FROM, JOIN) outside the
 * owning folder that is not a listed exception, or a read inside the folder by a file the entry's
 * `readers` leaves out. Each problem is listed as `file:line table`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_OWNERS, type TableOwner } from '../../lib/store/table-owners';

const ROOT = path.resolve(__dirname, '../..');
const LIB = path.join(ROOT, 'lib');
const MIGRATIONS = 'lib/store/migrations/';
/** SQL sent to the team's own PostgreSQL (the search backend), not to Benchlab's store: its tables are the team's. */
const EXTERNAL_SQL = 'lib/backends/postgres/';
const owners: Record<string, TableOwner> = TABLE_OWNERS;

/** lib/ sources as repository-relative paths with forward slashes. */
function libFiles(): string[] {
  return fs
    .readdirSync(LIB, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => `lib/${f.split(path.sep).join('/')}`)
    .sort();
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Benchlab writes SQL keywords in upper case; table names are lower-case identifiers. */
const WRITES = [
  /\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+([a-z_][a-z0-9_]*)/g,
  /\bUPDATE\s+([a-z_][a-z0-9_]*)\s+SET\b/g,
  /\bDELETE\s+FROM\s+([a-z_][a-z0-9_]*)/g,
  /\b(?:CREATE|ALTER|DROP|TRUNCATE)\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?([a-z_][a-z0-9_]*)/g,
  /\.append\(\s*['"`]([a-z_][a-z0-9_]*)['"`]/g,
];
const READS = /\b(FROM|JOIN)\s+([a-z_][a-z0-9_]*)/g;
/** A write to a table whose name is computed (a variable or constant): only a writer may do that, for its own tables. */
const COMPUTED_WRITES = /\b(?:INTO|UPDATE|DELETE\s+FROM|TABLE)\s+\$\{|\.append\(\s*(?!['"`])[A-Za-z_]/g;

interface Use {
  file: string;
  line: number;
  table: string;
  kind: 'write' | 'read';
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** A match on a comment line is prose, not SQL. */
function inComment(text: string, index: number): boolean {
  const start = text.lastIndexOf('\n', index) + 1;
  return /^\s*(\*|\/\/|\/\*)/.test(text.slice(start, index + 1));
}

function tableUses(file: string, text: string): Use[] {
  const uses: Use[] = [];
  for (const pattern of WRITES) {
    for (const m of text.matchAll(pattern)) {
      const table = m[1] ?? '';
      if (table in owners && !inComment(text, m.index)) uses.push({ file, line: lineOf(text, m.index), table, kind: 'write' });
    }
  }
  for (const m of text.matchAll(READS)) {
    const table = m[2] ?? '';
    if (!(table in owners) || inComment(text, m.index)) continue;
    if (m[1] === 'FROM' && /\bDELETE\s+$/.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    uses.push({ file, line: lineOf(text, m.index), table, kind: 'read' });
  }
  return uses;
}

const folderOf = (file: string) => file.split('/')[1] ?? '';

function violation(use: Use): string | null {
  const owner = owners[use.table] as TableOwner;
  const where = `${use.file}:${use.line} ${use.table}`;
  if (use.kind === 'write') return use.file === owner.writer ? null : `${where} (written outside ${owner.writer ?? 'the migrations: it is a view'})`;
  if (use.file === owner.writer) return null;
  if (folderOf(use.file) === owner.folder) {
    if (owner.readers === undefined || owner.readers.includes(use.file)) return null;
    return `${where} (read in lib/${owner.folder} by a file its entry's readers leaves out)`;
  }
  if ((owner.exceptions ?? []).some((e) => e.file === use.file)) return null;
  return `${where} (read outside lib/${owner.folder})`;
}

function migrationObjects(): string[] {
  const names = new Set<string>();
  for (const file of libFiles().filter((f) => f.startsWith(MIGRATIONS))) {
    for (const m of read(file).matchAll(/\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/g)) names.add(m[1] ?? '');
  }
  names.delete('schema_version');
  return [...names].sort();
}

describe('one owner per table', () => {
  const sources = libFiles().filter((f) => !f.startsWith(MIGRATIONS) && !f.startsWith(EXTERNAL_SQL));
  const uses = sources.flatMap((file) => tableUses(file, read(file)));

  it('names every table and view the migrations create, and nothing else', () => {
    const created = migrationObjects();
    expect(created.length).toBeGreaterThan(20);
    expect(Object.keys(owners).sort()).toEqual(created);
  });

  it('points at files that exist, a writer and readers inside the owning folder, exceptions outside it with a reason', () => {
    const problems: string[] = [];
    for (const [table, owner] of Object.entries(owners)) {
      const inFolder = [...(owner.writer === null ? [] : [owner.writer]), ...(owner.readers ?? [])];
      for (const file of inFolder) {
        if (!fs.existsSync(path.join(ROOT, file))) problems.push(`${table}: ${file} does not exist`);
        if (!file.startsWith(`lib/${owner.folder}/`)) problems.push(`${table}: ${file} is not in lib/${owner.folder}`);
      }
      for (const e of owner.exceptions ?? []) {
        if (!fs.existsSync(path.join(ROOT, e.file))) problems.push(`${table}: exception ${e.file} does not exist`);
        if (e.file.startsWith(`lib/${owner.folder}/`)) problems.push(`${table}: exception ${e.file} is inside lib/${owner.folder}`);
        if (e.reason.trim().length < 20) problems.push(`${table}: exception ${e.file} gives no reason`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds the SQL it checks', () => {
    // The scanner still sees the owners' own statements: a regex that stopped matching would pass everything.
    expect(uses.filter((u) => u.kind === 'write').length).toBeGreaterThan(20);
    expect(uses.filter((u) => u.kind === 'read').length).toBeGreaterThan(50);
    expect(uses.some((u) => u.file === 'lib/runs/run-store.ts' && u.table === 'runs' && u.kind === 'write')).toBe(true);
  });

  it('writes each table only in its writer, and reads it only in its folder or a listed exception', () => {
    const violations = uses.map(violation).filter((v): v is string => v !== null);
    expect(violations, `table use outside its owner (see lib/store/table-owners.ts):\n${violations.join('\n')}`).toEqual([]);
  });

  it('writes to a computed table name only in a writer file (its own tables)', () => {
    const writers = new Set(Object.values(owners).flatMap((o) => (o.writer === null ? [] : [o.writer])));
    const violations = sources.flatMap((file) => {
      if (writers.has(file)) return [];
      const text = read(file);
      return [...text.matchAll(COMPUTED_WRITES)].filter((m) => !inComment(text, m.index)).map((m) => `${file}:${lineOf(text, m.index)} ${m[0].trim()}`);
    });
    expect(violations, `writes to a computed table name outside the owners' writers:\n${violations.join('\n')}`).toEqual([]);
  });
});
