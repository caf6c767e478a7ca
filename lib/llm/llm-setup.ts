/**
 * Owns turning an `llm:` block (a suite's or an experiment's) into the LlmClient a piece of work
 * uses: hosts (with API key and per-host concurrency), deadlines, attempts and breakers
 * (llm-settings.ts), the response cache, and the retry and breaker events, logged and kept for
 * the run's record. The benchmark engine (lib/runs/engine) and the rollout step
 * (lib/rollout/batch-step.ts) both build their client here, so every `llm:` option means the
 * same in a suite and in an experiment. Caller overrides (tests, perf) replace the block's values
 * as a whole, field by field.
 */
import { LlmClient, type LlmClientOptions, type LlmEvent } from './llm-client';
import { hostsFromSettings, type HostConfig, type HostSettings } from './hosts';
import { limitsFromSettings, type LimitSettings } from './llm-settings';
import type { ResponseCache } from './response-cache';

/** What an `llm:` block says (suites and experiments share its schema). */
export type LlmSettings = HostSettings & LimitSettings;

/** Values a caller sets over the `llm:` block: hosts, and client options (deadlines, retry, breaker, onEvent). */
export interface LlmOverrides {
  hosts?: HostConfig[] | undefined;
  llm?: Omit<LlmClientOptions, 'hosts' | 'cache' | 'useCache'> | undefined;
}

export interface LlmSetupOptions extends LlmOverrides {
  /** The response cache (benchmark runs); none: answers are not cached by the client. */
  cache?: ResponseCache;
  /** false: neither read nor write the cache. */
  useCache: boolean;
  log: (line: string) => void;
}

export interface LlmSetup {
  client: LlmClient;
  /** The hosts the client works with (an API key among them is never logged or stored). */
  hosts: HostConfig[];
  /** Every retry and breaker event so far, one line each, in order (a run stores the last ones). */
  events: string[];
  /** Requests the hosts take at once: the sum of their `concurrency` (per host). */
  parallelism: number;
}

/** One line for a retry or breaker event, as runs log and store it. */
export function describeLlmEvent(event: LlmEvent): string {
  return event.type === 'breaker'
    ? `circuit ${event.host}: ${event.from} -> ${event.to} (${event.reason})`
    : `retry ${event.model}@${event.host} after attempt ${event.attempt}: ${event.error}`;
}

export function setUpLlm(settings: LlmSettings | undefined, options: LlmSetupOptions): LlmSetup {
  const events: string[] = [];
  const hosts = options.hosts ?? hostsFromSettings(settings);
  const client = new LlmClient({
    hosts,
    ...limitsFromSettings(settings),
    ...(options.llm ?? {}),
    ...(options.cache ? { cache: options.cache } : {}),
    useCache: options.useCache,
    onEvent: (event) => {
      const line = describeLlmEvent(event);
      events.push(line);
      options.log(line);
      options.llm?.onEvent?.(event);
    },
  });
  return { client, hosts, events, parallelism: hosts.reduce((sum, h) => sum + Math.max(1, h.concurrency), 0) };
}
