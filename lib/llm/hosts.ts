/**
 * LLM host configuration: where the servers are and how many requests each takes at once.
 * OLLAMA_HOST may name several hosts separated by commas; like Ollama itself we accept
 * `host`, `host:port` and full URLs, defaulting to http and port 11434.
 */
import type { ProviderKind } from './types';
import { InputError } from '../input-error';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
const OLLAMA_DEFAULT_PORT = '11434';

export interface HostConfig {
  url: string;
  provider: ProviderKind;
  /** Requests in flight at once on this host; 1 (serial) suits one local GPU. */
  concurrency: number;
  /**
   * OpenAI-compatible servers: the API key, read from the environment variable the `llm:`
   * block names. Only ever sent in the Authorization header; never stored or logged.
   */
  apiKey?: string;
}

/** The environment variable an OpenAI-compatible server's API key is read from by default. */
export const DEFAULT_API_KEY_ENV = 'OPENAI_API_KEY';

/** A host URL: scheme added, 0.0.0.0 made local; Ollama hosts get port 11434 when none is given. */
export function normalizeHostUrl(raw: string, provider: ProviderKind = 'ollama'): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  if (trimmed === '') throw new InputError('empty LLM host');
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InputError(`invalid LLM host '${raw}'`);
  }
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (provider === 'ollama' && url.port === '' && !/^[a-z]+:\/\/[^/]*:\d+/i.test(withScheme) && url.protocol === 'http:') url.port = OLLAMA_DEFAULT_PORT;
  return url.toString().replace(/\/+$/, '');
}

/** Hosts from OLLAMA_HOST (comma-separated), else the local default. */
export function ollamaHostsFromEnv(env: NodeJS.ProcessEnv = process.env, concurrency = 1): HostConfig[] {
  const raw = env['OLLAMA_HOST'];
  const urls = raw && raw.trim() !== '' ? raw.split(',').filter((s) => s.trim() !== '') : [DEFAULT_OLLAMA_HOST];
  return urls.map((u) => ({ url: normalizeHostUrl(u), provider: 'ollama', concurrency }));
}

/** What a suite's or experiment's `llm:` block says about hosts. */
export interface HostSettings {
  provider?: ProviderKind;
  hosts?: string[];
  concurrency?: number;
  /** OpenAI-compatible servers: the environment variable holding the API key. */
  api_key_env?: string;
}

/** Hosts from an `llm:` block; without `hosts` there, OLLAMA_HOST (with the block's provider). */
export function hostsFromSettings(settings: HostSettings | undefined, env: NodeJS.ProcessEnv = process.env): HostConfig[] {
  const provider = settings?.provider ?? 'ollama';
  const concurrency = settings?.concurrency ?? 1;
  const key = provider === 'openai' ? env[settings?.api_key_env ?? DEFAULT_API_KEY_ENV] : undefined;
  const auth = key !== undefined && key.trim() !== '' ? { apiKey: key.trim() } : {};
  if (!settings?.hosts) return ollamaHostsFromEnv(env, concurrency).map((h) => ({ ...h, provider, ...auth }));
  return settings.hosts.map((url) => ({ url: normalizeHostUrl(url, provider), provider, concurrency, ...auth }));
}

