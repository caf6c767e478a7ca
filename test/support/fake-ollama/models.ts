/**
 * The fake's model store: what is "pulled" (/api/tags, /api/show) and what is loaded (/api/ps).
 */
import { createHash } from 'node:crypto';

import type { FakeModel } from './types';

export const DEFAULT_MODELS: readonly FakeModel[] = [
  {
    name: 'llama3.2:3b',
    family: 'llama',
    parameterSize: '3.2B',
    quantization: 'Q4_K_M',
    sizeBytes: 2_019_393_189,
    contextLength: 131_072,
  },
  {
    name: 'qwen2.5:7b',
    family: 'qwen2',
    parameterSize: '7.6B',
    quantization: 'Q4_K_M',
    sizeBytes: 4_683_087_332,
    contextLength: 32_768,
  },
  {
    name: 'mistral:7b',
    family: 'llama',
    parameterSize: '7.2B',
    quantization: 'Q4_K_M',
    sizeBytes: 4_372_824_384,
    contextLength: 32_768,
  },
  {
    // A thinking model: `think` is accepted, respond()'s thinking is streamed.
    name: 'qwen3:4b',
    family: 'qwen3',
    parameterSize: '4.0B',
    quantization: 'Q4_K_M',
    sizeBytes: 2_620_788_260,
    contextLength: 40_960,
    capabilities: ['completion', 'thinking'],
  },
  {
    // Embedding models: /api/embed and /v1/embeddings; generate/chat answer 400 "does not support".
    name: 'nomic-embed-text:latest',
    family: 'nomic-bert',
    parameterSize: '137M',
    quantization: 'F16',
    sizeBytes: 274_302_450,
    contextLength: 2048,
    capabilities: ['embedding'],
    embeddingLength: 768,
  },
  {
    name: 'all-minilm:22m',
    family: 'bert',
    parameterSize: '23M',
    quantization: 'F16',
    sizeBytes: 45_960_996,
    contextLength: 512,
    capabilities: ['embedding'],
    embeddingLength: 384,
  },
];

/** Ollama's name matching: case-insensitive, default registry/namespace dropped, tag defaults to latest. */
export function normalizeModelName(name: string): string {
  let n = name.trim().toLowerCase();
  n = n.replace(/^registry\.ollama\.ai\//, '').replace(/^library\//, '');
  const lastSlash = n.lastIndexOf('/');
  if (!n.slice(lastSlash + 1).includes(':')) n += ':latest';
  return n;
}

export function digestOf(name: string): string {
  return createHash('sha256').update(`fake-ollama:${name}`).digest('hex');
}

/** Parses '3.2B' / '500M' into a parameter count. */
function parameterCount(size: string): number {
  const m = /^([\d.]+)\s*([KMBT]?)$/i.exec(size.trim());
  if (!m) return 0;
  const scale: Record<string, number> = { '': 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12 };
  return Math.round(Number(m[1]) * (scale[(m[2] ?? '').toUpperCase()] ?? 1));
}

const FILE_TYPES: Record<string, number> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, Q4_K_S: 14, Q4_K_M: 15, Q5_K_M: 17, Q6_K: 18 };

function templateFor(family: string): { template: string; stops: string[] } {
  if (family === 'llama') {
    return {
      template:
        '<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Response }}<|eot_id|>',
      stops: ['<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>'],
    };
  }
  if (family.startsWith('qwen')) {
    return {
      template:
        '{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}' +
        '<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n{{ .Response }}<|im_end|>',
      stops: ['<|im_start|>', '<|im_end|>'],
    };
  }
  return { template: '{{ if .System }}{{ .System }} {{ end }}{{ .Prompt }}{{ .Response }}', stops: [] };
}

/** Default modified_at: fixed and deterministic, most recent first in list order (as /api/tags sorts). */
function defaultModifiedAt(index: number): string {
  return new Date(Date.UTC(2025, 5, 1, 12, 0, 0) - index * 86_400_000).toISOString();
}

interface Entry {
  model: FakeModel;
  key: string;
  modifiedAt: string;
  digest: string;
}

interface LoadState {
  expiresAt: number;
}

export class ModelStore {
  private entries: Entry[] = [];
  private readonly loaded = new Map<string, LoadState>();

  constructor(models: readonly FakeModel[]) {
    this.set(models);
  }

  set(models: readonly FakeModel[]): void {
    this.entries = models.map((model, i) => ({
      model,
      key: normalizeModelName(model.name),
      modifiedAt: model.modifiedAt ?? defaultModifiedAt(i),
      digest: digestOf(model.name),
    }));
    this.loaded.clear();
    const now = Date.now();
    for (const e of this.entries) if (e.model.loaded) this.loaded.set(e.key, { expiresAt: now + 5 * 60_000 });
  }

  find(name: string): FakeModel | undefined {
    const key = normalizeModelName(name);
    return this.entries.find((e) => e.key === key)?.model;
  }

  private entryOf(model: FakeModel): Entry {
    const e = this.entries.find((x) => x.model === model);
    if (!e) throw new Error(`fake-ollama: ${model.name} is not in the store`);
    return e;
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [key, s] of this.loaded) if (s.expiresAt <= now) this.loaded.delete(key);
  }

  isLoaded(model: FakeModel): boolean {
    this.dropExpired();
    return this.loaded.has(this.entryOf(model).key);
  }

  /** Marks the model loaded until now + keepAliveMs (0 unloads it, as keep_alive: 0 does). */
  touch(model: FakeModel, keepAliveMs: number): void {
    const key = this.entryOf(model).key;
    if (keepAliveMs <= 0) this.loaded.delete(key);
    else this.loaded.set(key, { expiresAt: Date.now() + keepAliveMs });
  }

  unload(model: FakeModel): void {
    this.loaded.delete(this.entryOf(model).key);
  }

  loadedNames(): string[] {
    this.dropExpired();
    return this.entries.filter((e) => this.loaded.has(e.key)).map((e) => e.model.name);
  }

  private details(m: FakeModel): Record<string, unknown> {
    return {
      parent_model: '',
      format: 'gguf',
      family: m.family,
      families: [m.family],
      parameter_size: m.parameterSize,
      quantization_level: m.quantization,
    };
  }

  /** GET /api/tags */
  tags(): unknown {
    return {
      models: this.entries.map((e) => ({
        name: e.model.name,
        model: e.model.name,
        modified_at: e.modifiedAt,
        size: e.model.sizeBytes,
        digest: e.digest,
        details: this.details(e.model),
      })),
    };
  }

  /** GET /api/ps — longest remaining keep-alive first, as Ollama sorts. */
  ps(): unknown {
    this.dropExpired();
    const rows = this.entries
      .filter((e) => this.loaded.has(e.key))
      .map((e) => ({ e, expiresAt: (this.loaded.get(e.key) as LoadState).expiresAt }))
      .sort((a, b) => b.expiresAt - a.expiresAt);
    return {
      models: rows.map(({ e, expiresAt }) => ({
        name: e.model.name,
        model: e.model.name,
        size: e.model.sizeBytes,
        digest: e.digest,
        details: this.details(e.model),
        expires_at: new Date(Math.min(expiresAt, 8.64e15)).toISOString(),
        size_vram: e.model.sizeVram ?? e.model.sizeBytes,
      })),
    };
  }

  /** POST /api/show */
  show(m: FakeModel): unknown {
    const e = this.entryOf(m);
    const { template, stops } = templateFor(m.family);
    const parameters = stops.map((s) => `${'stop'.padEnd(30)} ${JSON.stringify(s)}`).join('\n');
    const modelfile =
      '# Modelfile generated by "ollama show"\n' +
      '# To build a new Modelfile based on this, replace FROM with:\n' +
      `# FROM ${m.name}\n\n` +
      `FROM /root/.ollama/models/blobs/sha256-${e.digest}\n` +
      `TEMPLATE """${template}"""\n` +
      stops.map((s) => `PARAMETER stop ${s}\n`).join('');
    return {
      modelfile,
      parameters,
      template,
      details: this.details(m),
      model_info: {
        'general.architecture': m.family,
        'general.basename': m.name.split(':')[0],
        'general.file_type': FILE_TYPES[m.quantization.toUpperCase()] ?? 15,
        'general.parameter_count': parameterCount(m.parameterSize),
        'general.quantization_version': 2,
        [`${m.family}.context_length`]: m.contextLength,
        ...(m.embeddingLength !== undefined ? { [`${m.family}.embedding_length`]: m.embeddingLength } : {}),
      },
      capabilities: m.capabilities ?? ['completion'],
      modified_at: e.modifiedAt,
    };
  }
}
