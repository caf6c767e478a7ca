/**
 * Document embeddings end to end: a DuckDB store in a temp folder, the Ollama-compatible test
 * server, the real client. Embeddings are requested in batches, stored as FLOAT[N] with
 * provenance, reused by content hash (a second pass sends nothing), and a pass stopped part-way
 * keeps every committed batch (the next pass computes only the rest). Dense search ranks the
 * relevant document first; retrieveChunks returns chunk texts with offsets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EmbeddingClient } from '../../lib/embeddings/embedding-client';
import { DenseRetriever } from '../../lib/embeddings/dense-retriever';
import { embedCollection } from '../../lib/embeddings/embed-collection';
import { findSet, setIdOf, type EmbeddingSetSpec } from '../../lib/embeddings/embedding-store';
import { importCollection } from '../../lib/datasets/import';
import { getDataset } from '../../lib/datasets/catalog';
import { withStore, type Store } from '../../lib/store/store';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama/server';
import { removeDir, tempDir } from '../support/temp-store';
import { tinyCollection } from '../support/tiny-collection';
import path from 'node:path';

let fake: FakeOllama;
let dir: string;
let dbPath: string;
const use = <T>(work: (store: Store) => Promise<T>): Promise<T> => withStore({ dbPath }, work);

beforeEach(async () => {
  fake = await startFakeOllama();
  dir = tempDir();
  dbPath = path.join(dir, 'test.duckdb');
  await use((store) => importCollection(store, 'tiny', tinyCollection()).then(() => undefined));
});

afterEach(async () => {
  await fake.close();
  removeDir(dir);
});

const client = () => new EmbeddingClient({ hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 } });
const SPEC: EmbeddingSetSpec = { dataset: 'tiny', provider: 'ollama', model: 'nomic-embed-text', chunking: { maxTokens: 4, overlapTokens: 0 }, truncate: true };
const embedInputs = () => fake.requests.filter((r) => r.path === '/api/embed').map((r) => (r.body as { input: string[] }).input);

describe('embedCollection', () => {
  it('embeds every chunk in batches, stores the set with provenance, and a second pass computes nothing', async () => {
    const first = await embedCollection({ spec: SPEC, client: client(), withStore: use, batchSize: 3 });
    const inputs = embedInputs();
    expect(inputs.every((b) => b.length <= 3)).toBe(true);
    expect(inputs.length).toBeGreaterThan(1);
    expect(first.computed).toBe(inputs.flat().length);
    expect(first.failed).toBe(0);
    expect(first.set).toMatchObject({ dimensions: 768, provenance: { provider: 'ollama', host: fake.url, serverVersion: '0.12.0' } });
    expect(first.set.provenance.modelDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(first.set.completedAt).not.toBeNull();
    expect(first.set.chunkCount).toBe(first.computed);

    const again = await embedCollection({ spec: SPEC, client: client(), withStore: use, batchSize: 3 });
    expect(embedInputs()).toHaveLength(inputs.length); // no new /api/embed request
    expect(again).toMatchObject({ computed: 0, present: first.computed });
  });

  it('a pass stopped after its first batch keeps it; the next computes only the rest', async () => {
    const stop = new AbortController();
    let writes = 0;
    const stopping = <T>(work: (store: Store) => Promise<T>): Promise<T> =>
      use(work).then((r) => {
        if (++writes === 3) stop.abort(); // visits: the set, the first page, the first batch stored
        return r;
      });
    const partial = await embedCollection({ spec: SPEC, client: client(), withStore: stopping, batchSize: 2, signal: stop.signal });
    expect(partial.computed).toBe(2);
    expect(partial.set.completedAt).toBeNull();
    const done = await embedCollection({ spec: SPEC, client: client(), withStore: use, batchSize: 2 });
    const all = embedInputs().flat();
    expect(new Set(all).size).toBe(all.length); // nothing embedded twice
    expect(done.computed + 2).toBe(done.set.chunkCount);
  });

  it('reuses stored vectors by content hash for another chunking with the same chunks', async () => {
    await embedCollection({ spec: SPEC, client: client(), withStore: use });
    const sent = embedInputs().flat().length;
    // 5 overlap words cannot change 4-word chunks of short sentences: same texts, new set.
    const other = await embedCollection({ spec: { ...SPEC, chunking: { maxTokens: 4, overlapTokens: 3 } }, client: client(), withStore: use });
    expect(other.set.spec.chunking).toEqual({ maxTokens: 4, overlapTokens: 3 });
    expect(other.reused).toBeGreaterThan(0);
    expect(embedInputs().flat().length - sent).toBe(other.computed);
  });
});

describe('DenseRetriever', () => {
  it('ranks every question in one search, and returns top chunks with their text', async () => {
    const dense = new DenseRetriever(client(), use, { dataset: 'tiny', model: 'nomic-embed-text', chunking: { maxTokens: 64, overlapTokens: 8 } });
    await dense.prepare();
    const { rankings } = await dense.rankAll([{ key: 'q1', text: 'heart attack' }, { key: 'q2', text: 'influenza vaccines' }], 3);
    expect(rankings.get('q1')?.[0]?.docId).toBe('d1');
    expect(rankings.get('q2')?.[0]?.docId).toBe('d4');
    const chunks = await dense.retrieveChunks('influenza vaccination', 2);
    expect(chunks[0]).toMatchObject({ docId: 'd4', chunkIndex: 0, start: 0 });
    expect(chunks[0]?.text).toContain('Influenza vaccination in the elderly.');
    const set = await use(async (store) => findSet(store, setIdOf(dense.spec, (await getDataset(store, 'tiny')).importedAt)));
    expect(set?.dimensions).toBe(768);
  });
});

describe('a re-imported dataset', () => {
  it('gets a new set (removed documents leave nothing behind) that reuses the vectors of unchanged text', async () => {
    await embedCollection({ spec: SPEC, client: client(), withStore: use });
    const sent = embedInputs().flat().length;
    const collection = tinyCollection();
    collection.documents = collection.documents.filter((d) => d.id !== 'd2');
    await use((store) => importCollection(store, 'tiny', collection).then(() => undefined));
    const again = await embedCollection({ spec: SPEC, client: client(), withStore: use });
    expect(again.computed).toBe(0);
    expect(embedInputs().flat().length).toBe(sent);
    const dense = new DenseRetriever(client(), use, { dataset: 'tiny', model: 'nomic-embed-text', chunking: SPEC.chunking });
    await dense.prepare();
    const { rankings } = await dense.rankAll([{ key: 'q', text: 'diabetic patients and heart disease' }], 10);
    expect(rankings.get('q')?.map((d) => d.docId)).not.toContain('d2');
  });
});
