/**
 * The versioned schema of the Benchlab store: every migration, in order. Each migration lives in
 * its own file under migrations/ named NNN-what-it-does.ts; `schema_version` records which have
 * run. Migrations are only ever appended: never edit one that has shipped, add the next number.
 */
import type { Migration } from './migrations/migration';
import { initialSchema } from './migrations/001-initial-schema';
import { selectionViews } from './migrations/004-selection-views';

export type { Migration };

export const MIGRATIONS: Migration[] = [initialSchema, selectionViews];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
