/**
 * Owns the manual-review sample: N enriched documents per arm, chosen by a seeded hash of the
 * document id (the same N every time, independent of processing order), each with both methods'
 * keywords side by side. The document's own arm's keywords are its latest extraction; the other
 * method's come from its latest extraction too when there is one (a document can be processed in
 * several stages), and frequency keywords are computed on the spot when missing.
 */
import path from 'node:path';
import type { Store } from '../store/store';
import { getDataset } from '../datasets/catalog';
import { allDocuments, indexedText } from '../datasets/document-reads';
import { Analyzer } from '../text/analyzer';
import { FrequencyKeywordExtractor, loadTermStatistics } from '../keywords/frequency-extractor';
import type { KeywordMethod } from '../keywords/keyword-extraction';
import { growthbookHash } from './growthbook-hash';
import { ARMS, type Arm } from './assignment';
import type { ExperimentState } from './experiment-store';
import { INBOX_SOURCE, readInbox } from './batch-step';
import { datasetSource } from './rollout-quality';

export const DEFAULT_REVIEW_PER_ARM = 5;
/** Characters of document text shown per sampled document. */
export const REVIEW_EXCERPT_CHARS = 400;
const REVIEW_SEED = 'benchlab-review';
const SAMPLE_HASH_VERSION = 2;

export interface ReviewDocument {
  docId: string;
  arm: Arm;
  excerpt: string;
  keywords: Record<KeywordMethod, string[] | null>;
  hallucinated: string[];
  error: string | null;
}

interface ExtractionRow {
  doc_id: string;
  arm: Arm;
  method: KeywordMethod;
  keywords: string[];
  hallucinated: string[];
  error: string | null;
  [key: string]: unknown;
}

/** A sample of `perArm` enriched documents per arm, with both methods' keywords. */
export async function reviewSample(store: Store, state: ExperimentState, perArm: number = DEFAULT_REVIEW_PER_ARM): Promise<ReviewDocument[]> {
  const source = state.config.source;
  if (!source) return [];
  const sourceName = source.dataset !== undefined ? datasetSource(source.dataset) : INBOX_SOURCE;
  const rows = await store.all<ExtractionRow>(
    `SELECT doc_id, arm, method, keywords, hallucinated, error FROM keyword_extractions
     WHERE experiment_key = $key AND source = $source
     QUALIFY row_number() OVER (PARTITION BY doc_id, method ORDER BY created_at DESC, event_id DESC) = 1`,
    { key: state.key, source: sourceName },
  );
  const byDoc = new Map<string, ExtractionRow[]>();
  for (const row of rows) byDoc.set(row.doc_id, [...(byDoc.get(row.doc_id) ?? []), row]);

  // Each document's own arm is that of its newest extraction.
  const latestArm = new Map<string, ExtractionRow>();
  const newest = await store.all<{ doc_id: string; arm: Arm; method: KeywordMethod }>(
    `SELECT doc_id, arm, method FROM keyword_extractions WHERE experiment_key = $key AND source = $source
     QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY created_at DESC, event_id DESC) = 1`,
    { key: state.key, source: sourceName },
  );
  for (const n of newest) {
    const row = byDoc.get(n.doc_id)?.find((r) => r.method === n.method);
    if (row) latestArm.set(n.doc_id, row);
  }
  const order = (id: string) => growthbookHash(REVIEW_SEED, id, SAMPLE_HASH_VERSION) ?? 0;
  const chosen = ARMS.flatMap((arm) =>
    [...latestArm.values()].filter((r) => r.arm === arm).sort((a, b) => order(a.doc_id) - order(b.doc_id) || (a.doc_id < b.doc_id ? -1 : 1)).slice(0, perArm),
  );
  if (chosen.length === 0) return [];

  // Document texts, and frequency keywords for documents that have none stored.
  let texts = new Map<string, string>();
  let frequency: FrequencyKeywordExtractor | undefined;
  if (source.dataset !== undefined) {
    const info = await getDataset(store, source.dataset);
    texts = new Map((await allDocuments(store, source.dataset)).map((d) => [d.id, indexedText(d, info.indexedFields)]));
    frequency = new FrequencyKeywordExtractor(await loadTermStatistics(store, source.dataset), new Analyzer(info.analyzer), state.config.keywords);
  } else {
    texts = new Map(readInbox(path.resolve(source.inbox ?? '')).map((d) => [d.id, d.text]));
  }
  const out: ReviewDocument[] = [];
  for (const row of chosen) {
    const text = texts.get(row.doc_id) ?? '';
    const stored = byDoc.get(row.doc_id) ?? [];
    const ofMethod = (method: KeywordMethod) => {
      const hit = stored.find((r) => r.method === method && r.error === null);
      return hit ? hit.keywords : null;
    };
    let frequencyKeywords = ofMethod('frequency');
    if (frequencyKeywords === null && frequency && text !== '') frequencyKeywords = (await frequency.extract({ id: row.doc_id, text })).keywords;
    out.push({
      docId: row.doc_id,
      arm: row.arm,
      excerpt: text.length > REVIEW_EXCERPT_CHARS ? `${text.slice(0, REVIEW_EXCERPT_CHARS)}…` : text,
      keywords: { frequency: frequencyKeywords, llm: ofMethod('llm') },
      hallucinated: row.hallucinated,
      error: row.error,
    });
  }
  return out;
}
