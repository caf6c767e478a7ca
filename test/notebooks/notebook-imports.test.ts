/**
 * The notebooks import the built package by name (`benchlab`) and, for what the package index
 * does not export, by a path into its build (`benchlab/dist/lib/...`). A module that moves in
 * lib/ must take those paths along: a stale dist/ from an earlier build would still hold the old
 * file and hide the break, so this checks every such path against lib/'s sources, not dist/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const NOTEBOOKS = path.join(ROOT, 'notebooks');

describe('notebook imports', () => {
  it('every benchlab/dist/lib/... module a notebook imports has its source in lib/', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const name of fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb'))) {
      const notebook = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, name), 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] };
      for (const cell of notebook.cells.filter((c) => c.cell_type === 'code')) {
        const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
        for (const match of source.matchAll(/from ['"]benchlab\/dist\/(lib\/[^'"]+)['"]/g)) {
          seen++;
          const module = match[1] as string;
          if (!fs.existsSync(path.join(ROOT, `${module.replace(/\.js$/, '')}.ts`))) missing.push(`${name}: ${module}`);
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
