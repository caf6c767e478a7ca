/**
 * The configuration of a generator in a run, read from what the run stored (`runs.config`), and
 * its fingerprint: a stable hash of the canonical JSON (keys sorted) of the dataset, the
 * generator and the settings that shape its results. Runs of a generator with the same
 * fingerprint are comparable over time; a changed fingerprint is a changed experiment.
 *
 * Settings, by generator:
 * - every bench generator: the suite's `top_k` (fusion depth and recall cutoff) and BM25 `k1`,
 *   `b` (stored as `config.bm25`; runs stored before that used DEFAULT_BM25);
 * - `baseline:tfidf-keywords`: `keywords`;
 * - `llm:<model>`: `model`, `prompt` (template name@version), `queries_per_model`,
 *   `repair_queries` and each generation option (`options.temperature`, ...);
 * - `multi-model`: the suite's LLM `models`, with the same prompt and generation settings;
 * - retrieval runs (`retrieve:bm25`): `k1`, `b` and `top`.
 * Settings that were not stored are left out of the hash, the same as absent.
 */
import crypto from 'node:crypto';
import { DEFAULT_BM25 } from '../retrieval/bm25';

export type SettingValue = string | number | boolean | null;

export interface Setting {
  name: string;
  value: SettingValue;
}

export interface RunConfiguration {
  dataset: string;
  generator: string;
  /** The settings, in display order; `null` where the run did not store it. */
  settings: Setting[];
  /** Settings every label names, even when all configurations agree (a retrieval run's k1 and b). */
  alwaysShown: string[];
  /** First FINGERPRINT_LENGTH hex digits of the SHA-256 of the canonical JSON. */
  fingerprint: string;
}

export const FINGERPRINT_LENGTH = 16;
/** The generator name of a retrieval run in trends: this prefix and the run's system. */
export const RETRIEVAL_GENERATOR_PREFIX = 'retrieve:';
const TFIDF_GENERATOR = 'baseline:tfidf-keywords';
const LLM_PREFIX = 'llm:';
const MULTI_MODEL = 'multi-model';
const OPTIONS_PREFIX = 'options.';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (v: unknown, key: string): unknown => (isObject(v) ? v[key] : undefined);

/** JSON with object keys sorted at every level (arrays keep their order); undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (isObject(value)) {
    const members = Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A stored value as a setting: scalars as they are, anything else as its canonical JSON. */
function settingValue(v: unknown): SettingValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  return canonicalJson(v);
}

export function fingerprintOf(dataset: string, generator: string, settings: readonly Setting[]): string {
  const stored = Object.fromEntries(settings.filter((s) => s.value !== null).map((s) => [s.name, s.value]));
  const text = canonicalJson({ dataset, generator, settings: stored });
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

function configuration(dataset: string, generator: string, settings: Setting[], alwaysShown: string[] = []): RunConfiguration {
  return { dataset, generator, settings, alwaysShown, fingerprint: fingerprintOf(dataset, generator, settings) };
}

/** The runs.config JSON as stored (a string) or already parsed; anything unreadable reads as {}. */
function parseConfig(config: unknown): Json {
  if (typeof config === 'string') {
    try {
      const parsed: unknown = JSON.parse(config);
      return isObject(parsed) ? parsed : {};
    } catch {
      return {};
    }
  }
  return isObject(config) ? config : {};
}

function llmSettings(suite: unknown): Setting[] {
  const options = field(suite, 'options');
  return [
    { name: 'prompt', value: settingValue(field(suite, 'prompt')) },
    { name: 'queries_per_model', value: settingValue(field(suite, 'queries_per_model')) },
    { name: 'repair_queries', value: settingValue(field(suite, 'repair_queries')) },
    ...(isObject(options) ? Object.keys(options).sort().map((k) => ({ name: `${OPTIONS_PREFIX}${k}`, value: settingValue(options[k]) })) : []),
  ];
}

/** The configuration of one generator of a bench run; `config` is the run's stored config. */
export function benchConfiguration(dataset: string, generator: string, config: unknown): RunConfiguration {
  const stored = parseConfig(config);
  const suite = stored['suite'];
  const bm25 = field(stored, 'bm25');
  const entries = field(suite, 'generators');
  const generators: unknown[] = Array.isArray(entries) ? entries : [];
  const settings: Setting[] = [
    { name: 'top_k', value: settingValue(field(suite, 'top_k')) },
    { name: 'k1', value: settingValue(field(bm25, 'k1') ?? DEFAULT_BM25.k1) },
    { name: 'b', value: settingValue(field(bm25, 'b') ?? DEFAULT_BM25.b) },
  ];
  if (generator === TFIDF_GENERATOR) {
    const entry = generators.find((g) => field(g, 'type') === 'tfidf-keywords');
    settings.push({ name: 'keywords', value: settingValue(field(entry, 'keywords')) });
  } else if (generator.startsWith(LLM_PREFIX)) {
    settings.push({ name: 'model', value: generator.slice(LLM_PREFIX.length) }, ...llmSettings(suite));
  } else if (generator === MULTI_MODEL) {
    const models = generators.filter((g) => field(g, 'type') === 'llm').map((g) => String(field(g, 'model'))).sort();
    settings.push({ name: 'models', value: models.length > 0 ? models.join(' + ') : null }, ...llmSettings(suite));
  }
  return configuration(dataset, generator, settings);
}

/** The configuration of a retrieval run (BM25 over the dataset's own queries). */
export function retrievalConfiguration(dataset: string, generator: string, config: unknown): RunConfiguration {
  const stored = parseConfig(config);
  const settings: Setting[] = [
    { name: 'k1', value: settingValue(stored['k1']) },
    { name: 'b', value: settingValue(stored['b']) },
    { name: 'top', value: settingValue(stored['top']) },
  ];
  return configuration(dataset, generator, settings, ['k1', 'b']);
}

/** One setting for people: `keywords=3`, `prompt boolean-query@2`, `temperature 0.7`. */
export function formatSetting(setting: Setting): string {
  const value = setting.value === null ? 'unset' : String(setting.value);
  if (setting.name.startsWith(OPTIONS_PREFIX)) return `${setting.name.slice(OPTIONS_PREFIX.length)} ${value}`;
  if (setting.name === 'prompt' || setting.name === 'model' || setting.name === 'models') return `${setting.name} ${value}`;
  return `${setting.name}=${value}`;
}

/** Every setting of a configuration (what tooltips and tables show in full). */
export function describeConfiguration(config: RunConfiguration): string {
  return config.settings.map(formatSetting).join(', ');
}

/**
 * Short labels for the configurations of one generator on one dataset, by fingerprint: the
 * settings whose values differ between them (and the always-shown ones), e.g. `keywords=3`
 * against `keywords=5`. A generator with one configuration gets an empty label, unless it has
 * always-shown settings. Labels are distinct: a clash (values that print alike) gets the
 * fingerprint's first digits.
 */
export function configurationLabels(configs: readonly RunConfiguration[]): Map<string, string> {
  const unique = [...new Map(configs.map((c) => [c.fingerprint, c])).values()];
  const names: string[] = [];
  for (const c of unique) for (const s of c.settings) if (!names.includes(s.name)) names.push(s.name);
  const valueOf = (c: RunConfiguration, name: string): SettingValue => c.settings.find((s) => s.name === name)?.value ?? null;
  const shown = names.filter((name) =>
    unique.some((c) => c.alwaysShown.includes(name)) || new Set(unique.map((c) => canonicalJson(valueOf(c, name)))).size > 1,
  );
  const labels = new Map(unique.map((c) => [c.fingerprint, shown.map((name) => formatSetting({ name, value: valueOf(c, name) })).join(', ')]));
  const counts = new Map<string, number>();
  for (const label of labels.values()) counts.set(label, (counts.get(label) ?? 0) + 1);
  if (unique.length > 1) {
    for (const [fingerprint, label] of labels) {
      if ((counts.get(label) ?? 0) > 1) labels.set(fingerprint, [label, `#${fingerprint.slice(0, 7)}`].filter((x) => x !== '').join(' '));
    }
  }
  return labels;
}
