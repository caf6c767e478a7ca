/**
 * Owns the streaming shape of a collection for the importer: documents handed over in batches,
 * in file order, without the collection being held; queries, judgments and parser warnings
 * (small) read afterwards. `collectionStream` adapts a fully parsed `ParsedCollection`.
 */
import type { DatasetFormat, Document, Judgment, ParsedCollection, Query } from './types';

/** One batch of documents and how far the source has got, in `DocumentStream.size` units. */
export type BatchHandler = (documents: Document[], position: number) => Promise<void>;

export interface CollectionRest {
  queries: Query[];
  qrels: Judgment[];
  /** The parser's non-fatal observations, as `ParsedCollection.warnings`. */
  warnings: string[];
  /** Source files left out, with the reason (the `files` format reads what it can; other formats stop at bad input). */
  skippedFiles?: SkippedFile[];
  /**
   * The default fields, for a stream that knows them only once its documents are read (TREC:
   * `title` only when some document has one): those of `DocumentStream.defaultFields` that occur,
   * in the same order. The others had no text in any document, so indexing them added nothing.
   */
  defaultFields?: string[];
}

/** A source file that was not imported, and why; `file` as the format names it (`files`: the path relative to DIR). */
export interface SkippedFile {
  file: string;
  reason: string;
}

export interface DocumentStream {
  format: DatasetFormat;
  /** The fields indexed when the user names none, or their candidates when `CollectionRest.defaultFields` narrows them. */
  defaultFields: string[];
  /** How much there is to read, for progress: bytes of the corpus file, or documents. */
  size: number;
  /** Reads the documents in order and hands them to `onBatch` in batches of `batchSize`, awaiting each. */
  forEachBatch(batchSize: number, onBatch: BatchHandler): Promise<void>;
  /** Queries, judgments and warnings; called once, after `forEachBatch`. */
  finish(): Promise<CollectionRest>;
}

/** A parsed collection as a stream (small collections, and the parsers that read whole files). */
export function collectionStream(collection: ParsedCollection): DocumentStream {
  return {
    format: collection.format,
    defaultFields: collection.defaultFields,
    size: collection.documents.length,
    async forEachBatch(batchSize, onBatch) {
      for (let start = 0; start < collection.documents.length; start += batchSize) {
        const batch = collection.documents.slice(start, start + batchSize);
        await onBatch(batch, start + batch.length);
      }
    },
    finish: async () => ({ queries: collection.queries, qrels: collection.qrels, warnings: collection.warnings }),
  };
}

/** Reads a whole stream into a `ParsedCollection`. */
export async function collectStream(stream: DocumentStream): Promise<ParsedCollection> {
  const documents: Document[] = [];
  await stream.forEachBatch(Number.MAX_SAFE_INTEGER, async (batch) => {
    documents.push(...batch);
  });
  const rest = await stream.finish();
  return { format: stream.format, documents, ...rest, defaultFields: rest.defaultFields ?? stream.defaultFields };
}
