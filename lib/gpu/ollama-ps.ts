/**
 * What Ollama has loaded, from `/api/ps` through the official `ollama` client: per model its
 * size, the part of it in VRAM (`size_vram`; offload share = size_vram / size, fully on the GPU
 * when they are equal) and when it unloads. Polled at run phase boundaries and every few seconds
 * while a sampler runs; an unreachable host is reported, never thrown.
 */
import { Ollama } from 'ollama';
import { transportFetch } from '../llm/http-transport';
import type { OllamaPsRow } from './types';

export const DEFAULT_PS_INTERVAL_MS = 5_000;
export const DEFAULT_PS_TIMEOUT_MS = 3_000;

interface PsModel {
  name?: unknown;
  model?: unknown;
  size?: unknown;
  size_vram?: unknown;
  expires_at?: unknown;
}

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function dateOrNull(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v !== 'string' || v === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Rows for one `/api/ps` answer. */
export function psRowsFromResponse(body: unknown, host: string, sampledAt: Date, phase: string | null): OllamaPsRow[] {
  const models = (body as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return [];
  return (models as PsModel[]).flatMap((m) => {
    const model = typeof m.name === 'string' ? m.name : typeof m.model === 'string' ? m.model : undefined;
    if (model === undefined) return [];
    return [{ sampledAt, host, model, sizeBytes: finiteOrNull(m.size), sizeVramBytes: finiteOrNull(m.size_vram), expiresAt: dateOrNull(m.expires_at), phase }];
  });
}

/** The share of a model in VRAM (1 = fully on the GPU); null when unknown. */
export function offloadShare(row: Pick<OllamaPsRow, 'sizeBytes' | 'sizeVramBytes'>): number | null {
  if (row.sizeBytes === null || row.sizeVramBytes === null || row.sizeBytes <= 0) return null;
  return row.sizeVramBytes / row.sizeBytes;
}

/** fetch's own message ("fetch failed") hides the reason; the cause's code says it (ECONNREFUSED). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return detail ? `${error.message} (${detail})` : error.message;
}

export interface PsPollResult {
  rows: OllamaPsRow[];
  errors: { host: string; message: string }[];
}

/** Asks every host for `/api/ps`, in parallel, each within `timeoutMs`. */
export async function pollOllamaPs(hosts: readonly string[], phase: string | null, timeoutMs = DEFAULT_PS_TIMEOUT_MS): Promise<PsPollResult> {
  const sampledAt = new Date();
  const results = await Promise.all(
    hosts.map(async (host) => {
      try {
        const client = new Ollama({ host, fetch: transportFetch(host, AbortSignal.timeout(timeoutMs)) });
        return { rows: psRowsFromResponse(await client.ps(), host, sampledAt, phase), error: undefined };
      } catch (error) {
        return { rows: [], error: { host, message: describeError(error) } };
      }
    }),
  );
  return { rows: results.flatMap((r) => r.rows), errors: results.flatMap((r) => (r.error ? [r.error] : [])) };
}
