import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRY_FILE, loadRegistry } from '../../lib/scoring/registry';
import { DEFAULT_CATEGORIES_FILE, loadScoringData, withCategoryWeights } from '../../lib/scoring/scoring-data';
import { ConfigError, formatConfigPath } from '../../lib/config/load-config';
import { InputError } from '../../lib/input-error';
import { removeDir, tempDir } from '../support/temp-store';
import { sharedPath, sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
import { realData, writeFile } from './helpers';

let dir: string;
beforeAll(() => (dir = tempDir('benchlab-registry-')));
afterAll(() => removeDir(dir));

const registryJson = () => JSON.parse(fs.readFileSync(DEFAULT_REGISTRY_FILE, 'utf8')) as Record<string, unknown> & { models: Record<string, unknown>[] };
const categoriesJson = () => JSON.parse(fs.readFileSync(DEFAULT_CATEGORIES_FILE, 'utf8')) as { categories: Record<string, { weights: Record<string, number> }> };

describe('the real registry and categories', () => {
  it('load, and every model serves categories that exist', () => {
    const { registry, categories } = realData();
    expect(registry.models.length).toBe(19);
    for (const model of registry.models) {
      expect(Object.keys(categories.categories)).toContain(model.categories.primary);
      for (const c of model.categories.secondary) expect(Object.keys(categories.categories)).toContain(c);
    }
  });

  it('keep the design weights for code and math', () => {
    const { categories } = realData();
    expect(categories.categories['code']?.weights).toEqual({ HumanEval: 1.0, MBPP: 0.8 });
    expect(categories.categories['math']?.weights).toEqual({ GSM8K: 1.2, MATH: 1.5 });
  });

  it.skipIf(!sharedPresent)(`carries over every score and every source of the shared fact sheet${SKIP_SHARED_REASON}`, () => {
    const facts = JSON.parse(fs.readFileSync(sharedPath('fixtures/models/registry.json'), 'utf8')) as {
      sources: Record<string, string>;
      models: { id: string; params_b: number; context: number | null; download_gb: number | null; scores: Record<string, { value: number; source: string; alternatives?: { value: number; source: string }[] }> }[];
    };
    const { registry } = realData();
    expect(Object.keys(registry.sources)).toEqual(expect.arrayContaining(Object.keys(facts.sources)));
    for (const fact of facts.models) {
      const model = registry.models.find((m) => m.tag === fact.id);
      expect(model, fact.id).toBeDefined();
      expect(model?.parameters_b.value).toBe(fact.params_b);
      expect(model?.context_tokens?.value ?? null).toBe(fact.context);
      expect(model?.download_gb?.value ?? null).toBe(fact.download_gb);
      for (const [benchmark, score] of Object.entries(fact.scores)) {
        const ours = model?.scores[benchmark];
        expect([ours?.value, ours?.source], `${fact.id} ${benchmark}`).toEqual([score.value, score.source]);
        expect(ours?.alternatives?.map((a) => [a.value, a.source]) ?? []).toEqual((score.alternatives ?? []).map((a) => [a.value, a.source]));
      }
    }
  });
});

describe('malformed data files', () => {
  it('reports bad JSON with file, line and column', () => {
    const file = writeFile(dir, 'bad.json', '{\n  "models": [\n    { "tag": "x:1", },\n  ]\n}\n');
    expect(() => loadRegistry(file)).toThrow(InputError);
    expect(() => loadRegistry(file)).toThrow(new RegExp(`^${file.replaceAll('.', '\\.')}:3: not valid JSON: .* \\(column 21\\)$`));
  });

  it('reports an empty file and a missing file', () => {
    expect(() => loadRegistry(writeFile(dir, 'empty.json', ''))).toThrow(/empty\.json: the file is empty/);
    expect(() => loadRegistry(`${dir}/nope.json`)).toThrow(/nope\.json: cannot read: ENOENT/);
  });

  it('names the file and the JSON path of a missing field', () => {
    const raw = registryJson();
    delete (raw.models[7] as Record<string, unknown>)['license'];
    const file = writeFile(dir, 'missing-field.json', raw);
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(`"tag": "${String(raw.models[7]?.['tag'])}"`)); // the line of its "{"
    let error: unknown;
    try {
      loadRegistry(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`${file}:${line}: models.7.license: missing (expected object)`);
  });

  it('names the path of a wrongly typed value and of an unknown key', () => {
    const raw = registryJson();
    const scores = (raw.models[0] as { scores: Record<string, Record<string, unknown>> }).scores;
    (scores['HumanEval'] as Record<string, unknown>)['value'] = 'high';
    (raw.models[1] as Record<string, unknown>)['licence'] = 'typo';
    const message = (() => {
      try {
        loadRegistry(writeFile(dir, 'typed.json', raw));
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toContain('models.0.scores.HumanEval.value: Invalid input: expected number, received string');
    expect(message).toContain('models.1: Unrecognized key: "licence"');
  });

  it('rejects an empty registry', () => {
    const raw = registryJson();
    raw.models = [];
    expect(() => loadRegistry(writeFile(dir, 'no-models.json', raw))).toThrow(/:\d+: models: the registry lists no models/);
  });

  it('checks cross-references: sources, benchmarks, duplicate tags, categories', () => {
    const raw = registryJson();
    const m0 = raw.models[0] as { scores: Record<string, { source: string }>; tag: string };
    (m0.scores['MMLU'] as { source: string }).source = 'S999';
    (raw.models[2] as { tag: string }).tag = m0.tag;
    expect(() => loadRegistry(writeFile(dir, 'refs.json', raw))).toThrow(
      /models\.0\.scores\.MMLU\.source: unknown source 'S999'[\s\S]*models\.2\.tag: 'llama3\.1:8b' is already listed at models\.0/,
    );
    const cats = categoriesJson();
    (cats.categories['code'] as { weights: Record<string, number> }).weights['HumanEvl'] = 1;
    const categoriesFile = writeFile(dir, 'cats.json', cats);
    expect(() => loadScoringData({ categoriesFile })).toThrow(new RegExp(`^${categoriesFile.replaceAll('.', '\\.')}:\\d+: categories\\.code\\.weights\\.HumanEvl: unknown benchmark 'HumanEvl'`));
    const badCategory = registryJson();
    (badCategory.models[3] as { categories: { secondary: string[] } }).categories.secondary.push('poetry');
    const registryFile = writeFile(dir, 'bad-category.json', badCategory);
    expect(() => loadScoringData({ registryFile })).toThrow(/models\.3\.categories\.secondary\.4: unknown category 'poetry'/);
  });

  it('formats field paths as the config loader does: keys and indexes joined by dots', () => {
    expect(formatConfigPath(['models', 3, 'scores', 'HumanEval+', 'value'])).toBe('models.3.scores.HumanEval+.value');
  });
});

describe('weights through the API', () => {
  it('replaces some weights of a category and validates them', () => {
    const data = withCategoryWeights(realData(), 'code', { MBPP: 2 });
    expect(data.categories.categories['code']?.weights).toEqual({ HumanEval: 1.0, MBPP: 2 });
    expect(realData().categories.categories['code']?.weights).toEqual({ HumanEval: 1.0, MBPP: 0.8 });
    expect(() => withCategoryWeights(realData(), 'code', { Nope: 1 })).toThrow(/weight for unknown benchmark 'Nope'/);
    expect(() => withCategoryWeights(realData(), 'code', { MBPP: -1 })).toThrow(/must be a number >= 0/);
    expect(() => withCategoryWeights(realData(), 'code', { MBPP: 0, HumanEval: 0 })).toThrow(/at least one benchmark/);
    expect(() => withCategoryWeights(realData(), 'cod', { MBPP: 1 })).toThrow(/unknown category 'cod'.*Did you mean 'code'/);
  });
});

