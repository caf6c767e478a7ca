/**
 * Migration 9: reserved, changes nothing. Number 9 belongs to the postings packs (index_packs),
 * which main adds beside this branch; dense retrieval's embeddings are migration 10. This
 * placeholder keeps the list 1, 2, 3, ... on this branch; the merge replaces it with the real
 * migration 9 (a database that ran it holds schema version 9 without index_packs, which a store
 * of this branch never needs).
 */
import type { Migration } from './migration';

export const reservedNine: Migration = {
  version: 9,
  description: 'reserved for the postings packs (index_packs); nothing on this branch',
  statements: [],
};
