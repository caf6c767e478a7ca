/**
 * Which models each host serves, cached for 60 s: a validation against the cache is a Map
 * lookup (well under 0.1 ms). An unknown model fails fast with the models that exist and the
 * closest name (Levenshtein distance, `fastest-levenshtein`). Ollama names without a tag mean
 * `:latest`.
 */
import { closest } from 'fastest-levenshtein';
import { InputError } from '../input-error';
import type { LlmProvider, ModelInfo } from './types';

export const MODEL_LIST_TTL_MS = 60_000;
const LIST_TIMEOUT_MS = 10_000;

export function normalizeModelName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

export class UnknownModelError extends InputError {
  constructor(readonly model: string, readonly available: string[], readonly suggestion: string | undefined) {
    super(
      `model '${model}' is not available` +
        (available.length > 0 ? `; available: ${available.join(', ')}` : '; the server lists no models (ollama pull MODEL)') +
        (suggestion ? `. Did you mean '${suggestion}'?` : ''),
    );
    this.name = 'UnknownModelError';
  }
}

interface Entry {
  models: ModelInfo[];
  names: Set<string>;
  fetchedAt: number;
}

export class ModelCatalog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now, private readonly ttlMs = MODEL_LIST_TTL_MS) {}

  /** The host's models, from the cache when fresh. */
  async list(provider: LlmProvider): Promise<ModelInfo[]> {
    return (await this.entry(provider)).models;
  }

  private async entry(provider: LlmProvider): Promise<Entry> {
    const cached = this.entries.get(provider.host);
    if (cached && this.now() - cached.fetchedAt < this.ttlMs) return cached;
    const models = await provider.listModels(AbortSignal.timeout(LIST_TIMEOUT_MS));
    const entry = { models, names: new Set(models.map((m) => normalizeModelName(m.name))), fetchedAt: this.now() };
    this.entries.set(provider.host, entry);
    return entry;
  }

  /** True when the cached (or freshly fetched) list of `provider` has `model`. */
  async has(provider: LlmProvider, model: string): Promise<boolean> {
    return (await this.entry(provider)).names.has(normalizeModelName(model));
  }

  /** Synchronous check against a fresh cache entry; undefined when the cache must be refreshed. */
  hasCached(host: string, model: string): boolean | undefined {
    const cached = this.entries.get(host);
    if (!cached || this.now() - cached.fetchedAt >= this.ttlMs) return undefined;
    return cached.names.has(normalizeModelName(model));
  }

  /** Throws UnknownModelError unless some provider serves `model`. */
  async validate(providers: LlmProvider[], model: string): Promise<void> {
    const names: string[] = [];
    for (const provider of providers) {
      const known = this.hasCached(provider.host, model) ?? (await this.has(provider, model));
      if (known) return;
      names.push(...(this.entries.get(provider.host)?.models.map((m) => m.name) ?? []));
    }
    const unique = [...new Set(names)].sort();
    throw new UnknownModelError(model, unique, unique.length > 0 ? closest(model, unique) : undefined);
  }

  invalidate(host?: string): void {
    if (host) this.entries.delete(host);
    else this.entries.clear();
  }
}
