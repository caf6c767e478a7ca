/**
 * The import rules of .dependency-cruiser.cjs, checked on lib/ and jobs/ with dependency-cruiser
 * so they stay true as the code changes:
 * - no cycle between lib/ top-level folders (data flows one way: a folder that imports another
 *   must not be imported back by it, directly or through other folders), so each folder can be
 *   read, tested and changed from the folders below it; the modules at the top of lib/ are
 *   neutral leaves and lib/index.ts is imported by none, so no folder cycle hides behind them;
 * - no cycle between modules, type-only imports included;
 * - no import of test code from product code (the build ships lib/ and jobs/ only; fakes and
 *   measurement harnesses live under test/);
 * - no orphan module.
 * A failure lists each cycle with the imports that make it (folder by folder), so the fix (move the
 * shared piece down) can be read from the message.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
/** Imports listed per folder edge in a failure message; the rest are counted. */
const SHOWN_IMPORTS = 3;

// dependency-cruiser is an ES module: loaded with import() (a CommonJS file cannot require it),
// and its result types are taken from what import() returns.
const loadCruiser = () => import('dependency-cruiser');
type CruiseResult = Exclude<Awaited<ReturnType<Awaited<ReturnType<typeof loadCruiser>>['cruise']>>['output'], string>;
type CruisedModule = CruiseResult['modules'][number];
type Violation = CruiseResult['summary']['violations'][number];

let result: CruiseResult;

beforeAll(async () => {
  const { cruise } = await loadCruiser();
  const { default: extractDepcruiseOptions } = await import('dependency-cruiser/config-utl/extract-depcruise-options');
  const { default: extractTSConfig } = await import('dependency-cruiser/config-utl/extract-ts-config');
  const options = await extractDepcruiseOptions(CONFIG);
  const cwd = process.cwd();
  process.chdir(ROOT); // module names are relative to the working directory
  try {
    const reported = await cruise(['lib', 'jobs'], options, undefined, { tsConfig: extractTSConfig(path.join(ROOT, 'tsconfig.json')) });
    result = reported.output as CruiseResult;
  } finally {
    process.chdir(cwd);
  }
}, 60_000);

function violationsOf(rule: string): Violation[] {
  return result.summary.violations.filter((v) => v.rule.name === rule);
}

/** The modules of lib/X that import modules of lib/Y, as `a.ts → b.ts`. */
function importsBetween(fromFolder: string, toFolder: string): string[] {
  const inFolder = (name: string, folder: string): boolean => name.startsWith(folder + '/');
  return result.modules
    .filter((m: CruisedModule) => inFolder(m.source, fromFolder))
    .flatMap((m) => m.dependencies.filter((d) => inFolder(d.resolved, toFolder)).map((d) => `${m.source} → ${d.resolved}`));
}

/** `a → b → c → a`, the cycle starting at its alphabetically first member so each is listed once. */
function cycleKey(members: string[]): string {
  const first = members.indexOf([...members].sort()[0] as string);
  const rotated = [...members.slice(first), ...members.slice(0, first)];
  return [...rotated, rotated[0]].join(' → ');
}

/** Each folder cycle once, with the imports behind each of its edges. */
function folderCycles(): string[] {
  const described = new Map<string, string>();
  for (const v of violationsOf('no-folder-cycle')) {
    const members = [v.from, ...(v.cycle ?? []).map((c) => c.name).filter((name) => name !== v.from)];
    const key = cycleKey(members);
    if (described.has(key)) continue;
    const [start, ...rest] = key.split(' → ');
    const edges: string[] = [];
    let at = start as string;
    for (const next of rest) {
      const imports = importsBetween(at, next);
      const more = imports.length > SHOWN_IMPORTS ? ` (+${imports.length - SHOWN_IMPORTS} more)` : '';
      edges.push(`    ${at} → ${next}: ${imports.slice(0, SHOWN_IMPORTS).join(', ')}${more}`);
      at = next;
    }
    described.set(key, `${key}\n${edges.join('\n')}`);
  }
  return [...described.values()].sort();
}

function moduleCycles(): string[] {
  const keys = new Set(violationsOf('no-module-cycle').map((v) => cycleKey([v.from, ...(v.cycle ?? []).map((c) => c.name).filter((n) => n !== v.from)])));
  return [...keys].sort();
}

describe('import rules (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('cruised the whole of lib/ and jobs/', () => {
    const sources = result.modules.map((m) => m.source);
    expect(sources).toEqual(expect.arrayContaining(['lib/index.ts', 'lib/cli/main.ts', 'jobs/daemon.ts']));
    expect(sources.filter((s) => s.startsWith('lib/')).length).toBeGreaterThan(200);
    // The folder rule sees real folder edges (a rule over an empty graph would pass vacuously).
    expect(importsBetween('lib/cli', 'lib/runs').length).toBeGreaterThan(0);
  });

  it('has no cycle between lib/ folders', () => {
    expect(folderCycles()).toEqual([]);
  });

  it('keeps the modules at the top of lib/ below the folders, and lib/index.ts unimported', () => {
    // Otherwise a folder cycle could pass through a root module, which no folder holds.
    const rules = ['root-module-is-leaf', 'no-import-of-public-index'];
    expect(rules.flatMap((rule) => violationsOf(rule).map((v) => `${rule}: ${v.from} → ${v.to}`))).toEqual([]);
  });

  it('has no cycle between modules', () => {
    expect(moduleCycles()).toEqual([]);
  });

  it('does not import test code from lib/ or jobs/', () => {
    expect(violationsOf('no-test-import').map((v) => `${v.from} → ${v.to}`)).toEqual([]);
  });

  it('has no orphan module', () => {
    expect(violationsOf('no-orphan').map((v) => v.from)).toEqual([]);
  });

  it('breaks no other rule', () => {
    const known = new Set(['no-folder-cycle', 'root-module-is-leaf', 'no-import-of-public-index', 'no-module-cycle', 'no-test-import', 'no-orphan']);
    expect(result.summary.violations.filter((v) => !known.has(v.rule.name)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });
});
