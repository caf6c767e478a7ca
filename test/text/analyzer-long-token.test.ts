/**
 * Issue 13.3: one 200,000-character token made a 24-document import take 269 s, because Porter2
 * stemming is quadratic in word length. The analyzer cuts tokens to MAX_TOKEN_CHARS (64) code
 * points, so analysis is linear in the text; these tests check the cut and that such an import
 * finishes (the old code spends minutes in the stemmer: the timed parts run in child processes
 * with a time limit, since a synchronous stemmer cannot be interrupted in-process). The CLI and
 * the child analyzer are the built ones (dist/, `npm run build`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import stem from 'wink-porter2-stemmer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Analyzer, capToken, MAX_TOKEN_CHARS } from '../../lib/text/analyzer';
import { retrieveTexts } from '../../lib/retrieval/retrieve';
import { searchBoolean } from '../../lib/retrieval/boolean-search';
import { withStore } from '../../lib/store/store';
import { CLI } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

/** The built library (npm run build), for the child processes. */
const DIST = path.resolve(__dirname, '../../dist/lib');
/** How long a child process may take before it counts as the old, quadratic behaviour. */
const CHILD_LIMIT_MS = 30_000;

const LONG = 200_000;
/** A long token that is not one letter repeated ('acgtacgt...', like a sequence), ending in a suffix a stemmer strips. */
const longToken = (n: number) => `${'acgt'.repeat(Math.ceil(n / 4)).slice(0, n - 3)}ing`;

describe('the token length cap', () => {
  it('is 64 code points', () => {
    expect(MAX_TOKEN_CHARS).toBe(64);
  });

  it('cuts a longer token to its first 64 characters, then stems it like any word', () => {
    const analyzer = new Analyzer({ stem: false, stopwords: false });
    const token = longToken(LONG);
    const [, word] = analyzer.words(`before ${token} after`);
    expect(word?.length).toBe(MAX_TOKEN_CHARS); // first: a failing diff of 200,000 characters takes minutes
    expect(word).toBe(token.slice(0, MAX_TOKEN_CHARS));
    // Positions are kept: the cut token still sits between its neighbours.
    expect(new Analyzer().tokens(`before ${token} after`).map((t) => [t.word.length, t.position])).toEqual([
      [6, 0], [MAX_TOKEN_CHARS, 1], [5, 2],
    ]);
    // A 64-character token is untouched; stemming applies after the cut.
    const exact = 'ba'.repeat((MAX_TOKEN_CHARS - 4) / 2) + 'ning';
    expect(exact).toHaveLength(MAX_TOKEN_CHARS);
    expect(analyzer.words(exact)).toEqual([exact]);
    expect(stem(exact)).not.toBe(exact);
    expect(new Analyzer().terms(exact)).toEqual([stem(exact)]);
    expect(new Analyzer().normalize(token)).toBe(new Analyzer().normalize(token.slice(0, MAX_TOKEN_CHARS)));
  });

  it('counts code points and never splits a surrogate pair', () => {
    const bold = '\u{1D400}'; // MATHEMATICAL BOLD CAPITAL A: a letter outside the BMP (two UTF-16 units)
    const word = `a${bold.repeat(100)}`;
    const cut = capToken(word);
    expect([...cut]).toHaveLength(MAX_TOKEN_CHARS);
    expect(cut).toBe(`a${bold.repeat(MAX_TOKEN_CHARS - 1)}`);
    expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut); // a lone surrogate would not survive UTF-8
  });

  it('analyzes a 200,000-character token in linear time (in a child process, so the old quadratic stemmer is cut off)', () => {
    const script = `
      const { Analyzer } = require(${JSON.stringify(path.join(DIST, 'text', 'analyzer.js'))});
      const token = (n) => 'acgt'.repeat(Math.ceil(n / 4)).slice(0, n - 3) + 'ing';
      const started = performance.now();
      const terms = [...new Analyzer().terms(token(${LONG})), ...new Analyzer().terms(token(${2 * LONG}))];
      process.stdout.write(JSON.stringify({ lengths: terms.map((t) => t.length), ms: performance.now() - started }));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: CHILD_LIMIT_MS });
    expect(child.signal, 'the analysis was cut off: it is not linear').toBeNull();
    const out = JSON.parse(child.stdout) as { lengths: number[]; ms: number };
    expect(out.lengths).toHaveLength(2);
    expect(Math.max(...out.lengths)).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
    expect(out.ms).toBeLessThan(5_000); // generous for a slow shared machine; the uncapped stemmer took minutes
  }, 2 * CHILD_LIMIT_MS);
});

describe('importing a collection with a 200,000-character token', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  it('completes, indexes the token cut to 64 characters, and finds the document by it', async () => {
    const token = longToken(LONG);
    const root = path.join(dir, 'beir');
    fs.mkdirSync(path.join(root, 'qrels'), { recursive: true });
    const docs = Array.from({ length: 24 }, (_, i) => ({
      _id: `d${i + 1}`,
      title: `document ${i + 1}`,
      text: i === 6 ? `a blob follows ${token} and ends here` : `ordinary text number ${i + 1} about hearts`,
    }));
    fs.writeFileSync(path.join(root, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    fs.writeFileSync(path.join(root, 'queries.jsonl'), `${JSON.stringify({ _id: 'q1', text: 'hearts' })}\n`);
    fs.writeFileSync(path.join(root, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\n');
    const dbPath = path.join(dir, 'db.duckdb');

    // The built CLI in a child process with a time limit: the old analyzer spent minutes in the
    // stemmer, synchronously, which no in-process test timeout can interrupt.
    const started = performance.now();
    const child = spawnSync(process.execPath, [CLI, '--db', dbPath, 'import', '--format', 'beir', '--dataset', 'blob', '--json', root], {
      encoding: 'utf8',
      timeout: CHILD_LIMIT_MS,
    });
    const importMs = performance.now() - started;
    expect(child.signal, 'the import was cut off').toBeNull();
    expect(child.status, child.stderr).toBe(0);
    expect((JSON.parse(child.stdout) as { documents: number }).documents).toBe(24);
    // Generous: well under a second of work here, plus the CLI's start; the uncapped analyzer took minutes.
    expect(importMs).toBeLessThan(15_000);

    const cut = token.slice(0, MAX_TOKEN_CHARS);
    await withStore({ dbPath, readOnly: true }, async (store) => {
      const longest = await store.one<{ n: number }>(
        `SELECT max(length(term))::INTEGER AS n FROM index_terms WHERE dataset = 'blob'`);
      expect(longest?.n).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
      const words = await store.all<{ word: string; term: string }>(
        `SELECT word, term FROM index_words WHERE dataset = 'blob' AND length(word) >= 60`);
      expect(words).toEqual([{ word: cut, term: new Analyzer().normalize(cut) }]);
      // The same long token in a query is cut the same way, so it finds its document.
      const run = await retrieveTexts(store, 'blob', [{ key: 'k', text: token }]);
      expect(run.get('k')?.map((d) => d.docId)).toEqual(['d7']);
      const [prefix] = await searchBoolean(store, 'blob', [{ key: 'p', text: `${token.slice(0, 40)}*` }]);
      expect(prefix?.ok && prefix.results.map((d) => d.docId)).toEqual(['d7']);
    });
  }, 2 * CHILD_LIMIT_MS);
});
