/**
 * Migration 10: dense retrieval's embeddings (owned by lib/embeddings, written by
 * lib/embeddings/embedding-store.ts).
 *
 * - embedding_sets: one row per (dataset as imported, provider, model, requested dimensions,
 *   chunking, truncate), with its provenance: the host it was computed on, the server version
 *   (/api/version), the model digest (/api/tags), when it was created and completed, the vector
 *   length (known after the first answer) and how many chunks it holds or failed.
 * - embedding_chunks: the set's chunks, one row per (set, document, chunk index) with the chunk's
 *   character offsets into the document's indexed text, its word count and its content hash
 *   (sha256 of the model, its digest, the dimensions, truncate and the chunk text). A row exists
 *   only once its vector is stored (both in one transaction), so a killed run loses nothing
 *   committed and a re-run computes only what has no row.
 *
 * The vectors live in one table per vector length, `embedding_vectors_<N>` (content_hash
 * PRIMARY KEY, vec FLOAT[N]), created by the writer when a set of that length first needs it:
 * DuckDB's fixed-size ARRAY type, which array_inner_product and array_cosine_similarity work on
 * without a cast, needs N in the column type, and N (768, 1024, 384, ...) is the model's, known
 * only when it answers. Keyed by content hash, a vector is computed once and shared by every set
 * whose chunk has the same text for the same model and settings (two chunkings of one dataset,
 * two datasets sharing documents).
 */
import type { Migration } from './migration';

export const embeddings: Migration = {
  version: 10,
  description: 'embedding sets and chunks (vectors in embedding_vectors_<N>, FLOAT[N], created per vector length)',
  statements: [
    `CREATE TABLE embedding_sets (
      set_id VARCHAR PRIMARY KEY,
      dataset VARCHAR NOT NULL,
      dataset_imported_at TIMESTAMP NOT NULL,
      provider VARCHAR NOT NULL,
      model VARCHAR NOT NULL,
      requested_dimensions INTEGER,
      dimensions INTEGER,
      chunk_max_tokens INTEGER NOT NULL,
      chunk_overlap_tokens INTEGER NOT NULL,
      truncate BOOLEAN NOT NULL,
      host VARCHAR,
      server_version VARCHAR,
      model_digest VARCHAR,
      created_at TIMESTAMP NOT NULL,
      completed_at TIMESTAMP,
      chunk_count BIGINT,
      failed_chunks BIGINT
    )`,
    `CREATE TABLE embedding_chunks (
      set_id VARCHAR NOT NULL,
      doc_id VARCHAR NOT NULL,
      chunk_index INTEGER NOT NULL,
      start_char INTEGER NOT NULL,
      end_char INTEGER NOT NULL,
      tokens INTEGER NOT NULL,
      content_hash VARCHAR NOT NULL,
      PRIMARY KEY (set_id, doc_id, chunk_index)
    )`,
  ],
};
