/**
 * Migration 9: the postings of each dataset packed for loading (lib/datasets/postings-packs.ts
 * writes and reads them). index_postings stays the index of record (positions, SQL engines);
 * these rows hold the same doc numbers and term frequencies as little-endian INT32 arrays in
 * (term_no, doc_no) order, cut into parts of at most a million postings, so the in-process
 * engine loads a dataset by copying a few blobs instead of scanning index_postings row by row.
 * Written in the import's transaction, so they always match the dataset; a dataset imported
 * before this migration has none and is loaded from index_postings as before.
 */
import type { Migration } from './migration';

export const postingsPacks: Migration = {
  version: 9,
  description: 'index_packs: postings packed as INT32 blobs per dataset for the in-process engine',
  statements: [
    `CREATE TABLE index_packs (
      dataset VARCHAR NOT NULL,
      part INTEGER NOT NULL,
      first_term_no INTEGER NOT NULL,
      postings INTEGER NOT NULL,
      doc_nos BLOB NOT NULL,
      tfs BLOB NOT NULL
    )`,
  ],
};
