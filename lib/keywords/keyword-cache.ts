/**
 * Owns the LLM keyword cache (`keyword_cache`): validated keyword answers keyed by the document's
 * hash (sha256 of its NFC-normalised text), the prompt version (NAME@VERSION) and the model. A
 * changed document or a new prompt version misses; an answer that failed validation is never
 * cached, so it is tried again. Loaded for a batch before the LLM calls and written with the
 * batch's results, so the store is not held open while the model works.
 */
import crypto from 'node:crypto';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Store } from '../store/store';

export function documentHash(text: string): string {
  return crypto.createHash('sha256').update(text.normalize('NFC')).digest('hex');
}

interface CacheEntry {
  docHash: string;
  prompt: string;
  model: string;
  keywords: string[];
}

function entryKey(docHash: string, prompt: string, model: string): string {
  return JSON.stringify([docHash, prompt, model]);
}

export class KeywordCache {
  private readonly entries = new Map<string, string[]>();
  private pending: CacheEntry[] = [];

  get(docHash: string, prompt: string, model: string): string[] | undefined {
    return this.entries.get(entryKey(docHash, prompt, model));
  }

  put(docHash: string, prompt: string, model: string, keywords: string[]): void {
    const key = entryKey(docHash, prompt, model);
    if (!this.entries.has(key)) this.pending.push({ docHash, prompt, model, keywords });
    this.entries.set(key, keywords);
  }

  /** Loads the stored answers for these document hashes under one prompt and model. */
  async load(store: Store, prompt: string, model: string, docHashes: readonly string[]): Promise<void> {
    if (docHashes.length === 0) return;
    const rows = await store.all<{ doc_hash: string; keywords: string[] }>(
      `SELECT doc_hash, keywords FROM keyword_cache WHERE prompt = $prompt AND model = $model AND list_contains($hashes, doc_hash)`,
      { prompt, model, hashes: listValue([...new Set(docHashes)]) },
      { hashes: LIST(VARCHAR) },
    );
    for (const row of rows) this.entries.set(entryKey(row.doc_hash, prompt, model), row.keywords);
  }

  /** Writes the answers added since the last flush; keeps an answer another process stored meanwhile. */
  async flush(store: Store): Promise<number> {
    const batch = this.pending;
    this.pending = [];
    for (const entry of batch) {
      await store.run(
        `INSERT OR IGNORE INTO keyword_cache VALUES ($hash, $prompt, $model, $keywords, current_timestamp)`,
        { hash: entry.docHash, prompt: entry.prompt, model: entry.model, keywords: listValue(entry.keywords) },
        { keywords: LIST(VARCHAR) },
      );
    }
    return batch.length;
  }
}
