/**
 * The search backends a suite (or `retrieve`) can name, as a typed registry: each `type` of
 * `backendSettingsSchema` has exactly one factory in SEARCH_BACKENDS (a type without one is a
 * compile error). A suite without `backend` uses the embedded engine.
 */
import { z } from 'zod';
import type { Store } from '../store/store';
import { EmbeddedBackend } from './embedded-backend';
import { PostgresBackend } from './postgres/postgres-backend';
import { postgresSettingsSchema } from './postgres/postgres-settings';
import type { SearchBackend } from './search-backend';

export const backendSettingsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('embedded') }).strict(),
  postgresSettingsSchema.extend({ type: z.literal('postgres') }).strict(),
]);

export type BackendSettings = z.infer<typeof backendSettingsSchema>;
export type BackendType = BackendSettings['type'];

export interface BackendContext {
  store: Store;
  dataset: string;
  env?: NodeJS.ProcessEnv;
}

type BackendFactories = { [K in BackendType]: (settings: Extract<BackendSettings, { type: K }>, context: BackendContext) => SearchBackend };

export const SEARCH_BACKENDS: BackendFactories = {
  embedded: (_settings, { store, dataset }) => new EmbeddedBackend(store, dataset),
  postgres: (settings, { env }) => new PostgresBackend(settings, env),
};

export const EMBEDDED: BackendSettings = { type: 'embedded' };

/** The backend the settings name (the embedded engine by default). Close it when done. */
export function openBackend(settings: BackendSettings | undefined, context: BackendContext): SearchBackend {
  const chosen = settings ?? EMBEDDED;
  const factory = SEARCH_BACKENDS[chosen.type] as (s: BackendSettings, c: BackendContext) => SearchBackend;
  return factory(chosen, context);
}

/**
 * A run's backend over its life: `forStore` gives the backend to search with inside one visit to
 * the store (the embedded engine reads the index through that visit's connection; PostgreSQL
 * keeps one pool for the whole run), and `close` ends it.
 */
export interface BackendProvider {
  readonly description: string;
  forStore(store: Store): SearchBackend;
  /** Fails (BackendUnavailableError) before a run starts when the backend cannot be used. */
  check(store: Store): Promise<void>;
  close(): Promise<void>;
}

/** One tiny query, enough to reach the server and read the table and its columns. */
const PROBE = [{ key: 'probe', text: 'benchlab' }];

export function backendProvider(settings: BackendSettings | undefined, dataset: string, env?: NodeJS.ProcessEnv): BackendProvider {
  const chosen = settings ?? EMBEDDED;
  if (chosen.type === 'embedded') {
    return { description: `embedded:${dataset} (BM25)`, forStore: (store) => new EmbeddedBackend(store, dataset), check: async () => undefined, close: async () => undefined };
  }
  let shared: SearchBackend | undefined;
  const context = (store: Store): BackendContext => ({ store, dataset, ...(env ? { env } : {}) });
  return {
    description: `postgres:${chosen.table} (${chosen.config})`,
    forStore: (store) => (shared ??= openBackend(chosen, context(store))),
    check: async (store) => {
      await (shared ??= openBackend(chosen, context(store))).search(PROBE, { top: 1 });
    },
    close: async () => {
      await shared?.close();
      shared = undefined;
    },
  };
}
