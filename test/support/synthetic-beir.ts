/**
 * A synthetic BEIR collection for import-scale tests: a fixed-seed (mt19937) corpus of
 * pseudo-English documents over a Zipf-like vocabulary, about 1 kB of text per document, with a
 * few queries and judgments. The same seed and size always write the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import mt19937 from '@stdlib/random-base-mt19937';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qui', 'dor', 'len', 'mar', 'tis', 'bel'];
const VOCABULARY_SIZE = 40_000;

function vocabulary(): string[] {
  const words: string[] = [];
  for (let i = 0; words.length < VOCABULARY_SIZE; i++) {
    let n = i;
    let word = '';
    do {
      word += SYLLABLES[n % SYLLABLES.length];
      n = Math.floor(n / SYLLABLES.length);
    } while (n > 0);
    words.push(word);
  }
  return words;
}

/** Writes corpus.jsonl, queries.jsonl and qrels/test.tsv of `documents` documents under `dir`; returns `dir`. */
export function writeSyntheticBeir(dir: string, documents: number, seed = 15): string {
  const random = mt19937.factory({ seed });
  const max = mt19937.MAX;
  const words = vocabulary();
  // Zipf-like: index = floor(V * u^3) favours the first words heavily.
  const word = () => words[Math.floor(VOCABULARY_SIZE * (random() / max) ** 3)] as string;
  const sentence = (length: number) => Array.from({ length }, word).join(' ');
  fs.mkdirSync(path.join(dir, 'qrels'), { recursive: true });
  const fd = fs.openSync(path.join(dir, 'corpus.jsonl'), 'w');
  try {
    let lines: string[] = [];
    for (let i = 0; i < documents; i++) {
      // Ids not in byte order of their writing, so doc_no differs from file order.
      const id = `doc${(i * 7919) % documents}-${i % 3 === 0 ? 'A' : 'b'}`;
      lines.push(JSON.stringify({ _id: id, title: sentence(8), text: sentence(140) }));
      if (lines.length === 1000) {
        fs.writeSync(fd, lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length > 0) fs.writeSync(fd, lines.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
  const queries = Array.from({ length: 20 }, (_, i) => JSON.stringify({ _id: `q${i}`, text: sentence(4) }));
  fs.writeFileSync(path.join(dir, 'queries.jsonl'), queries.join('\n') + '\n');
  const qrels = Array.from({ length: 20 }, (_, i) => `q${i}\tdoc${i}-${i % 3 === 0 ? 'A' : 'b'}\t1`);
  fs.writeFileSync(path.join(dir, 'qrels', 'test.tsv'), ['query-id\tcorpus-id\tscore', ...qrels].join('\n') + '\n');
  return dir;
}
