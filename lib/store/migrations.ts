/**
 * The versioned schema of the Benchlab store: every migration, in order. Each migration lives in
 * its own file under migrations/ named NNN-what-it-does.ts; `schema_version` records which have
 * run. Migrations are only ever appended: never edit one that has shipped, add the next number.
 */
import type { Migration } from './migrations/migration';
import { initialSchema } from './migrations/001-initial-schema';
import { selectionViews } from './migrations/002-selection-views';
import { gpuPhases } from './migrations/003-gpu';
import { rolloutSchema } from './migrations/004-rollout';
import { llmAnswers } from './migrations/005-llm-answers';
import { runItemsKey } from './migrations/006-run-items-key';
import { itemMetricsKey } from './migrations/007-item-metrics-key';
import { ragAnswers } from './migrations/008-rag-answers';
import { postingsPacks } from './migrations/009-postings-packs';
import { embeddings } from './migrations/010-embeddings';

export type { Migration };

export const MIGRATIONS: Migration[] = [initialSchema, selectionViews, gpuPhases, rolloutSchema, llmAnswers, runItemsKey, itemMetricsKey, ragAnswers, postingsPacks, embeddings];

// Versions must be 1, 2, 3, ... in list order: a migration inserted below one that shipped would
// never run on databases already past it.
MIGRATIONS.forEach((migration, index) => {
  if (migration.version !== index + 1) {
    throw new Error(`migration list out of order: position ${index + 1} holds version ${migration.version}`);
  }
});

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
