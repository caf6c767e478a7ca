/**
 * Synthetic collections for import-scale tests: a fixed-seed (mt19937) corpus of pseudo-English
 * documents over a Zipf-like vocabulary, about 1 kB of text per document, with a few queries and
 * judgments, in the BEIR layout (`writeSyntheticBeir`) or as TREC files (`writeSyntheticTrec`:
 * JSONL documents, TSV topics, 4-column qrels). The same seed and size always write the same bytes,
 * and both layouts hold the same documents.
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

/** `length` words drawn from the seeded generator. */
function sentences(seed: number): (length: number) => string {
  const random = mt19937.factory({ seed });
  const max = mt19937.MAX;
  const words = vocabulary();
  // Zipf-like: index = floor(V * u^3) favours the first words heavily.
  const word = () => words[Math.floor(VOCABULARY_SIZE * (random() / max) ** 3)] as string;
  return (length: number) => Array.from({ length }, word).join(' ');
}

/** Ids not in byte order of their writing, so doc_no differs from file order. */
const docId = (i: number, documents: number) => `doc${(i * 7919) % documents}-${i % 3 === 0 ? 'A' : 'b'}`;
/** The document ids the judgments name (some are not in the corpus: the importer warns, as real qrels can). */
const judgedId = (i: number) => `doc${i}-${i % 3 === 0 ? 'A' : 'b'}`;

/** Writes one JSON line per document, 1,000 lines at a time; `line` gets the id, title and text. */
function writeCorpus(file: string, documents: number, sentence: (length: number) => string, line: (id: string, title: string, text: string) => object): void {
  const fd = fs.openSync(file, 'w');
  try {
    let lines: string[] = [];
    for (let i = 0; i < documents; i++) {
      const title = sentence(8);
      lines.push(JSON.stringify(line(docId(i, documents), title, sentence(140))));
      if (lines.length === 1000) {
        fs.writeSync(fd, lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length > 0) fs.writeSync(fd, lines.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes corpus.jsonl, queries.jsonl and qrels/test.tsv of `documents` documents under `dir`; returns `dir`. */
export function writeSyntheticBeir(dir: string, documents: number, seed = 15): string {
  const sentence = sentences(seed);
  fs.mkdirSync(path.join(dir, 'qrels'), { recursive: true });
  writeCorpus(path.join(dir, 'corpus.jsonl'), documents, sentence, (_id, title, text) => ({ _id, title, text }));
  const queries = Array.from({ length: 20 }, (_, i) => JSON.stringify({ _id: `q${i}`, text: sentence(4) }));
  fs.writeFileSync(path.join(dir, 'queries.jsonl'), queries.join('\n') + '\n');
  const qrels = Array.from({ length: 20 }, (_, i) => `q${i}\t${judgedId(i)}\t1`);
  fs.writeFileSync(path.join(dir, 'qrels', 'test.tsv'), ['query-id\tcorpus-id\tscore', ...qrels].join('\n') + '\n');
  return dir;
}

/** The files of a synthetic TREC collection, by role (as `parseTrec` takes them). */
export interface SyntheticTrecFiles {
  qrels: string;
  topics: string;
  documents: string;
}

/**
 * Writes docs.jsonl (`{"docno", "title", "contents"}`), topics.tsv (`qid<TAB>text`) and
 * qrels.txt (`qid 0 docid rel`) of `documents` documents under `dir`: the documents and queries
 * of `writeSyntheticBeir` with the same seed.
 */
export function writeSyntheticTrec(dir: string, documents: number, seed = 15): SyntheticTrecFiles {
  const sentence = sentences(seed);
  fs.mkdirSync(dir, { recursive: true });
  const files = { qrels: path.join(dir, 'qrels.txt'), topics: path.join(dir, 'topics.tsv'), documents: path.join(dir, 'docs.jsonl') };
  writeCorpus(files.documents, documents, sentence, (docno, title, contents) => ({ docno, title, contents }));
  const topics = Array.from({ length: 20 }, (_, i) => `${i + 1}\t${sentence(4)}`);
  fs.writeFileSync(files.topics, topics.join('\n') + '\n');
  const qrels = Array.from({ length: 20 }, (_, i) => `${i + 1} 0 ${judgedId(i)} 1`);
  fs.writeFileSync(files.qrels, qrels.join('\n') + '\n');
  return files;
}
