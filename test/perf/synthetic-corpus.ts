/**
 * Synthetic BEIR collections for the scale benchmark (`npm run perf -- scale`): N documents of about
 * 1 KB each, built from the real sentences of the classic collections in ../shared/datasets (MED,
 * ADI) so that the vocabulary and term frequencies are those of real abstracts, written streaming
 * (one document in memory at a time) as `corpus.jsonl`, `queries.jsonl` and `qrels/test.tsv`.
 *
 * Deterministic: the same seed and sizes give byte-identical files (a Mersenne Twister,
 * lib/stats/seeded-random).
 *
 * Questions: the real MED and ADI queries (65), repeated in order up to the number asked for (200
 * for the scale corpora, 225 for the CRAN-sized one); the copies of one real query share its
 * judgments, so each copy's ranking and measures equal the original's. Judgments: for each real
 * query, as many documents as it has relevant ones in the real qrels (at least 3, capped so that
 * at most half the corpus is relevant to something) are chosen at random; each of them holds half
 * the query's words (drawn at random, as one sentence), three sentences of the query's real
 * relevant documents, and random sentences, so BM25 finds them high but not always first (the
 * measures are meaningful, not 1.0).
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parseSmart } from '../../lib/datasets/smart';
import { seededRandom, type SeededRandom } from '../../lib/stats/seeded-random';

/** The seed of every synthetic corpus (a fixed seed: the figures are comparable run to run). */
export const SYNTHETIC_SEED = 20261207;
/** Questions of the scale corpora. */
export const SYNTHETIC_QUESTIONS = 200;
/** The CRAN-sized variant: CRAN's 1,400 documents and 225 queries. */
export const CRAN_SIZE = { documents: 1400, questions: 225 } as const;

/** Shortest and longest document body, in bytes (uniform between; about 1 KB on average). */
const BODY_MIN_BYTES = 550;
const BODY_MAX_BYTES = 1150;
/** Share of a query's words a relevant document repeats. */
const QUERY_WORD_KEPT = 0.5;

export interface SyntheticCorpusOptions {
  /** Folder to write into (created; must not hold another collection). */
  dir: string;
  documents: number;
  questions: number;
  /** The folders of MED and ADI (SMART layout). */
  sources: string[];
  seed?: number;
}

export interface SyntheticCorpus {
  dir: string;
  documents: number;
  questions: number;
  judgments: number;
  /** Bytes of corpus.jsonl. */
  corpusBytes: number;
  /** Bytes of title + text over all documents. */
  textBytes: number;
}

interface RealQuery {
  id: string;
  text: string;
  /** Sentences of the query's real relevant documents. */
  relevantSentences: string[];
  relevantCount: number;
}

interface SentencePools {
  titles: string[];
  sentences: string[];
  queries: RealQuery[];
}

/** Splits text into sentences at '.', '?' or '!' followed by white space (SMART's " . " included). */
function sentencesOf(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.?!])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 12);
}

/** Titles, body sentences and queries (with their relevant documents' sentences) of the real collections. */
async function readPools(sources: string[]): Promise<SentencePools> {
  const pools: SentencePools = { titles: [], sentences: [], queries: [] };
  for (const source of sources) {
    const collection = await parseSmart(source);
    const name = path.basename(source);
    const byId = new Map<string, string[]>();
    for (const doc of collection.documents) {
      const body = sentencesOf(doc.fields['w'] ?? '');
      const title = doc.fields['t'];
      // ADI has a .T title; a MED record's first sentence is its title.
      if (title !== undefined && title.trim() !== '') pools.titles.push(title.replace(/\s+/g, ' ').trim());
      else if (body.length > 1) pools.titles.push(body.shift() as string);
      pools.sentences.push(...body);
      byId.set(doc.id, body);
    }
    for (const query of collection.queries) {
      const relevant = collection.qrels.filter((j) => j.queryId === query.id && j.grade > 0);
      pools.queries.push({
        id: `${name}-${query.id}`,
        text: query.text.replace(/\s+/g, ' ').trim(),
        relevantSentences: relevant.flatMap((j) => byId.get(j.docId) ?? []),
        relevantCount: relevant.length,
      });
    }
  }
  if (pools.sentences.length === 0 || pools.queries.length === 0) throw new Error(`no sentences or queries in ${sources.join(', ')}`);
  return pools;
}

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.index(items.length)] as T;
}

/** Writes `text` to `stream`, waiting when its buffer is full (no whole corpus in memory). */
async function write(stream: fs.WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function close(stream: fs.WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** The document id of position `i` (fixed width: byte order = numeric order). */
function docId(i: number, documents: number): string {
  return `d${String(i).padStart(String(documents - 1).length, '0')}`;
}

/** Writes a synthetic BEIR collection; see the header. */
export async function generateSyntheticCorpus(options: SyntheticCorpusOptions): Promise<SyntheticCorpus> {
  const { dir, documents, questions } = options;
  const random = seededRandom(options.seed ?? SYNTHETIC_SEED);
  const pools = await readPools(options.sources);
  fs.mkdirSync(path.join(dir, 'qrels'), { recursive: true });

  // Relevant documents per real query, chosen up front (a few thousand numbers at most).
  const cap = Math.max(1, Math.floor(documents / 2 / pools.queries.length));
  const relevantTo = new Map<number, number[]>();
  const judged: number[][] = pools.queries.map((query, q) => {
    const chosen = new Set<number>();
    const want = Math.min(Math.max(query.relevantCount, 3), cap);
    while (chosen.size < want) chosen.add(random.index(documents));
    const docs = [...chosen].sort((a, b) => a - b);
    for (const d of docs) relevantTo.set(d, [...(relevantTo.get(d) ?? []), q]);
    return docs;
  });

  const corpus = fs.createWriteStream(path.join(dir, 'corpus.jsonl'));
  let corpusBytes = 0;
  let textBytes = 0;
  for (let i = 0; i < documents; i++) {
    const title = pick(random, pools.titles);
    const target = BODY_MIN_BYTES + random.index(BODY_MAX_BYTES - BODY_MIN_BYTES + 1);
    const body: string[] = [];
    let bytes = 0;
    const add = (sentence: string): void => {
      body.push(sentence);
      bytes += sentence.length + 1;
    };
    for (const q of relevantTo.get(i) ?? []) {
      const query = pools.queries[q] as RealQuery;
      // The query's words, each kept with probability QUERY_WORD_KEPT (in order): found, not always first.
      add(query.text.split(' ').filter(() => random.uniform() < QUERY_WORD_KEPT).join(' '));
      for (let k = 0; k < 3 && query.relevantSentences.length > 0; k++) add(pick(random, query.relevantSentences));
    }
    while (bytes < target) add(pick(random, pools.sentences));
    // The query's sentences at random places among the others (a Fisher-Yates shuffle).
    for (let k = body.length - 1; k > 0; k--) {
      const j = random.index(k + 1);
      [body[k], body[j]] = [body[j] as string, body[k] as string];
    }
    const text = body.join(' ');
    const line = JSON.stringify({ _id: docId(i, documents), title, text }) + '\n';
    corpusBytes += Buffer.byteLength(line);
    textBytes += Buffer.byteLength(title) + Buffer.byteLength(text);
    await write(corpus, line);
  }
  await close(corpus);

  const queryLines: string[] = [];
  const qrelLines: string[] = ['query-id\tcorpus-id\tscore'];
  for (let n = 0; n < questions; n++) {
    const q = n % pools.queries.length;
    const query = pools.queries[q] as RealQuery;
    const id = n < pools.queries.length ? query.id : `${query.id}-r${Math.floor(n / pools.queries.length)}`;
    queryLines.push(JSON.stringify({ _id: id, text: query.text }));
    for (const d of judged[q] as number[]) qrelLines.push(`${id}\t${docId(d, documents)}\t1`);
  }
  fs.writeFileSync(path.join(dir, 'queries.jsonl'), queryLines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'qrels', 'test.tsv'), qrelLines.join('\n') + '\n');
  return { dir, documents, questions, judgments: qrelLines.length - 1, corpusBytes, textBytes };
}
