/**
 * Dense retrieval over one embedding set: `prepare()` computes (or reuses) the documents'
 * embeddings (embed-collection.ts); `rankAll()` embeds questions in batches and returns the top k
 * documents of every question from one vector search statement (a document scores the max, or
 * the sum, over its chunks); `retrieveChunks()` returns the top k chunks of one question WITH
 * their text and offsets, for answers with citations (RAG).
 *
 * The store is reached only through `withStore` (opened per visit, waiting while another process
 * holds it), never held while the embedding server works.
 */
import { documentsById, indexedText } from '../datasets/document-reads';
import { getDataset } from '../datasets/catalog';
import type { ScoredDocument } from '../evaluation/types';
import { DEFAULT_CHUNKING, type ChunkingSettings } from './chunking';
import { EmbeddingClient, type EmbedSettings } from './embedding-client';
import { embedCollection, type EmbedCollectionResult, type WithStore, DEFAULT_EMBED_BATCH } from './embed-collection';
import { searchChunks, searchDocuments, type ChunkAggregate, type EmbeddingSet, type EmbeddingSetSpec } from './embedding-store';
import type { EmbeddingProgress } from './embedding-progress';

export interface DenseSettings {
  dataset: string;
  model: string;
  dimensions?: number | undefined;
  chunking?: ChunkingSettings | undefined;
  aggregate?: ChunkAggregate | undefined;
  truncate?: boolean | undefined;
  batchSize?: number | undefined;
  keepAlive?: string | number | undefined;
}

/** One retrieved chunk with its text: what an answer with citations is given. */
export interface RetrievedChunk {
  docId: string;
  chunkIndex: number;
  /** Character offsets into the document's indexed text. */
  start: number;
  end: number;
  text: string;
  score: number;
}

export interface RankedQuestion {
  key: string;
  text: string;
}

export interface RankAllResult {
  rankings: Map<string, ScoredDocument[]>;
  /** Wall time of embedding the questions, and of the one search over all of them. */
  embedMs: number;
  searchMs: number;
  /** Questions whose embedding failed (no ranking). */
  failed: Map<string, string>;
}

export class DenseRetriever {
  readonly spec: EmbeddingSetSpec;
  private set: EmbeddingSet | undefined;

  constructor(private readonly client: EmbeddingClient, private readonly withStore: WithStore, readonly settings: DenseSettings) {
    this.spec = {
      dataset: settings.dataset,
      provider: client.provider,
      model: settings.model,
      dimensions: settings.dimensions,
      chunking: settings.chunking ?? DEFAULT_CHUNKING,
      truncate: settings.truncate ?? true,
    };
  }

  private get embedSettings(): EmbedSettings {
    return { model: this.settings.model, dimensions: this.settings.dimensions, truncate: this.spec.truncate, keepAlive: this.settings.keepAlive };
  }

  /** Computes or reuses the document embeddings; later calls do nothing. */
  async prepare(options: { progress?: EmbeddingProgress; log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<EmbedCollectionResult> {
    const result = await embedCollection({
      spec: this.spec, client: this.client, withStore: this.withStore, batchSize: this.settings.batchSize, keepAlive: this.settings.keepAlive,
      progress: options.progress, log: options.log, signal: options.signal,
    });
    this.set = result.set;
    return result;
  }

  private dimensions(): { setId: string; n: number } {
    if (!this.set) throw new Error('DenseRetriever.prepare() must run first');
    if (this.set.dimensions === null) throw new Error(`embedding set ${this.set.setId} holds no vectors (every chunk failed?)`);
    return { setId: this.set.setId, n: this.set.dimensions };
  }

  /** The top `k` documents of every question: questions embedded in batches, one search for all. */
  async rankAll(questions: RankedQuestion[], k: number): Promise<RankAllResult> {
    const { setId, n } = this.dimensions();
    const embedStarted = performance.now();
    const vectors: { key: string; vector: number[] }[] = [];
    const failed = new Map<string, string>();
    const batch = Math.max(1, this.settings.batchSize ?? DEFAULT_EMBED_BATCH);
    for (let i = 0; i < questions.length; i += batch) {
      const part = questions.slice(i, i + batch);
      const result = await this.client.embedAll(part.map((q) => q.text), this.embedSettings);
      result.vectors.forEach((v, j) => {
        const q = part[j] as RankedQuestion;
        if (v) vectors.push({ key: q.key, vector: v });
      });
      for (const f of result.failures) failed.set((part[f.index] as RankedQuestion).key, f.error.message);
    }
    const embedMs = performance.now() - embedStarted;
    const searchStarted = performance.now();
    const rankings = await this.withStore((store) => searchDocuments(store, setId, n, vectors, k, this.settings.aggregate ?? 'max'));
    return { rankings, embedMs, searchMs: performance.now() - searchStarted, failed };
  }

  /** The top `k` chunks for a question, with their text (read from the documents by offsets). */
  async retrieveChunks(question: string, k: number): Promise<RetrievedChunk[]> {
    const { setId, n } = this.dimensions();
    const result = await this.client.embedAll([question], this.embedSettings);
    const vector = result.vectors[0];
    if (!vector) throw result.failures[0]?.error ?? new Error('the question could not be embedded');
    return this.withStore(async (store) => {
      const chunks = await searchChunks(store, setId, n, vector, k);
      const info = await getDataset(store, this.spec.dataset);
      const docs = await documentsById(store, this.spec.dataset, [...new Set(chunks.map((c) => c.docId))]);
      return chunks.map((c) => {
        const fields = docs.get(c.docId) ?? {};
        const text = indexedText({ id: c.docId, fields }, info.indexedFields).slice(c.start, c.end);
        return { ...c, text };
      });
    });
  }
}
