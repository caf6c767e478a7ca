/**
 * Migration 8: RESERVED on branch i16-rag for the migration of branch i16-dense (embeddings),
 * which takes number 8. It changes nothing, so that migration 9 (rag_answers) can be listed on
 * this branch; when the branches merge, this file is replaced by i16-dense's migration 8.
 */
import type { Migration } from './migration';

export const reservedEight: Migration = {
  version: 8,
  description: 'reserved (i16-dense embeddings); no change',
  statements: [],
};
