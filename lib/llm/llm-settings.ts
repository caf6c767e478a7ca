/**
 * What an `llm:` block (suites, experiments) says about limits, turned into LlmClient options:
 * deadlines (total, first token, idle), attempts and circuit-breaker settings; and the request
 * fields (`keep_alive`, `think`) that suites and experiments write among the generation options.
 * The one place that maps those fields, so suites and experiments cannot drift apart.
 */
import { DEFAULT_BREAKER } from './circuit-breaker';
import { DEFAULT_DEADLINE, DEFAULT_RETRY, type LlmClientOptions } from './llm-client';
import type { GenerationOptions, ThinkSetting } from './types';

const MS_PER_SECOND = 1000;

export interface LimitSettings {
  timeout_s?: number | undefined;
  first_token_timeout_s?: number | undefined;
  idle_timeout_s?: number | undefined;
  attempts?: number | undefined;
  breaker_threshold?: number | undefined;
  breaker_cooldown_s?: number | undefined;
}

const ms = (seconds: number | undefined, fallback: number): number => (seconds !== undefined ? seconds * MS_PER_SECOND : fallback);

export function limitsFromSettings(llm: LimitSettings | undefined): Pick<LlmClientOptions, 'deadline' | 'retry' | 'breaker'> {
  return {
    deadline: {
      totalMs: ms(llm?.timeout_s, DEFAULT_DEADLINE.totalMs),
      idleMs: ms(llm?.idle_timeout_s, DEFAULT_DEADLINE.idleMs),
      firstTokenMs: ms(llm?.first_token_timeout_s, DEFAULT_DEADLINE.firstTokenMs ?? DEFAULT_DEADLINE.idleMs),
    },
    retry: { ...DEFAULT_RETRY, ...(llm?.attempts !== undefined ? { attempts: llm.attempts } : {}) },
    breaker: {
      failureThreshold: llm?.breaker_threshold ?? DEFAULT_BREAKER.failureThreshold,
      cooldownMs: ms(llm?.breaker_cooldown_s, DEFAULT_BREAKER.cooldownMs),
    },
  };
}

/** Options minus the request fields Ollama takes beside them (`keep_alive`, `think`), which are returned apart. */
export function splitRequestFields(options: GenerationOptions): { options: GenerationOptions; keepAlive?: string | number; think?: ThinkSetting } {
  const { keep_alive: keepAlive, think, ...rest } = options;
  return {
    options: rest,
    ...(typeof keepAlive === 'string' || typeof keepAlive === 'number' ? { keepAlive } : {}),
    ...(think === true || think === false || think === 'low' || think === 'medium' || think === 'high' ? { think } : {}),
  };
}
