/**
 * The LLM response cache: answers keyed by provider, model, prompt, system prompt, format and
 * options (sha256 over a canonical JSON form). The run loads the entries it may need from the
 * store once and writes new ones with its batched item writes, so a hit is a Map lookup and the
 * database is not held open between batches.
 */
import crypto from 'node:crypto';
import { LIST, VARCHAR, listValue, timestampValue } from '@duckdb/node-api';
import type { Store } from '../store/store';
import type { FormatUsed, GenerateRequest, ProviderKind, ServerTimings } from './types';

export interface CachedAnswer {
  key: string;
  provider: ProviderKind;
  model: string;
  prompt: string;
  options: Record<string, unknown>;
  text: string;
  thinking: string;
  /** The format the answer was produced under (kept in the stored options as `format_used`). */
  formatUsed: FormatUsed;
  timings: ServerTimings;
}

/** JSON with object keys sorted, so equal options always hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function cacheKey(provider: ProviderKind, request: GenerateRequest): string {
  const material = canonicalJson({
    provider,
    model: request.model,
    prompt: request.prompt,
    system: request.system,
    format: request.format,
    think: request.think,
    options: request.options ?? {},
  });
  return crypto.createHash('sha256').update(material).digest('hex');
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private readonly pending: CachedAnswer[] = [];

  get(key: string): CachedAnswer | undefined {
    return this.entries.get(key);
  }

  put(answer: CachedAnswer): void {
    if (!this.entries.has(answer.key)) this.pending.push(answer);
    this.entries.set(answer.key, answer);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Loads the stored answers of the given models. */
  async load(store: Store, models: string[]): Promise<void> {
    if (models.length === 0) return;
    const rows = await store.all<{ cache_key: string; provider: ProviderKind; model: string; prompt: string; options: string; response: string; thinking: string | null; server_timings: string | null }>(
      `SELECT cache_key, provider, model, prompt, options, response, thinking, server_timings FROM llm_cache WHERE list_contains($models, model)`,
      { models: listValue(models) },
      { models: LIST(VARCHAR) },
    );
    for (const row of rows) {
      const { format_used: formatUsed, ...options } = JSON.parse(row.options) as Record<string, unknown>;
      this.entries.set(row.cache_key, {
        key: row.cache_key,
        provider: row.provider,
        model: row.model,
        prompt: row.prompt,
        options,
        text: row.response,
        thinking: row.thinking ?? '',
        formatUsed: formatUsed === 'schema' || formatUsed === 'json' ? formatUsed : 'none',
        timings: row.server_timings ? (JSON.parse(row.server_timings) as ServerTimings) : ({} as ServerTimings),
      });
    }
  }

  /**
   * Writes the answers added since the last committed flush (inside the caller's transaction)
   * and returns a function to call once that transaction has committed. Until then the answers
   * stay pending, so a failed commit (a held or full disk) writes them again next time;
   * INSERT OR IGNORE makes the repeat harmless.
   */
  async flush(store: Store): Promise<() => void> {
    const batch = this.pending.slice();
    const committed = () => {
      this.pending.splice(0, batch.length);
    };
    if (batch.length === 0) return committed;
    // New answers are few per batch (each cost an LLM call); INSERT OR IGNORE keeps an answer
    // another process stored meanwhile.
    for (const a of batch) {
      await store.run(
        `INSERT OR IGNORE INTO llm_cache (cache_key, provider, model, prompt, options, response, server_timings, created_at, thinking)
         VALUES ($key, $provider, $model, $prompt, $options, $text, $timings, current_timestamp, $thinking)`,
        {
          key: a.key,
          provider: a.provider,
          model: a.model,
          prompt: a.prompt,
          options: JSON.stringify({ ...a.options, format_used: a.formatUsed }),
          text: a.text,
          thinking: a.thinking === '' ? null : a.thinking,
          timings: JSON.stringify(a.timings),
        },
      );
    }
    return committed;
  }
}

/** Deletes cached answers older than `cutoffMicros` (epoch microseconds, UTC), in one statement; returns how many (the retention job). */
export async function pruneLlmCache(store: Store, cutoffMicros: bigint): Promise<number> {
  const result = await store.connection.run(`DELETE FROM llm_cache WHERE created_at < $cutoff`, { cutoff: timestampValue(cutoffMicros) });
  return result.rowsChanged;
}
