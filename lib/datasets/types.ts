/**
 * The in-memory shape of a test collection, shared by every format parser (BEIR, TREC, SMART, files)
 * and by the importer that writes it to the store. Parsers produce a `ParsedCollection`;
 * nothing here touches the database.
 */

/** One document: an id and its named text fields (e.g. `title`, `text`, SMART `T`/`W`). */
export interface Document {
  id: string;
  /** Field name -> text. Field names are lower-case; which ones are indexed is the importer's choice. */
  fields: Record<string, string>;
}

/** One query / topic / research question. */
export interface Query {
  id: string;
  text: string;
}

/** One relevance judgment. `grade` is kept as judged (graded qrels stay graded); <= 0 means not relevant. */
export interface Judgment {
  queryId: string;
  docId: string;
  grade: number;
}

export type DatasetFormat = 'beir' | 'trec' | 'smart' | 'files';

export interface ParsedCollection {
  format: DatasetFormat;
  documents: Document[];
  queries: Query[];
  qrels: Judgment[];
  /** Fields indexed by default for this collection when the user does not choose (e.g. ['title','text']). */
  defaultFields: string[];
  /** Non-fatal observations made while parsing (e.g. "ADI.REL: extra columns ignored"). */
  warnings: string[];
}
