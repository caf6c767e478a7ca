/**
 * Issue 14.4: one config loader for suites, experiments, the jobs config, the categories, the
 * model registry and prompt templates, with one error format: `FILE:LINE: field.path: message`
 * per problem (several under a first line `FILE: invalid WHAT (N problems):`), `FILE: cannot
 * read: reason` for a file that cannot be read, and the YAML alias bound.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, MAX_YAML_ALIAS_COUNT, loadConfigFile, parseConfigText } from '../../lib/config/load-config';
import { jsonErrorOffset } from '../../lib/config/json-error-offset';
import { InputError } from '../../lib/input-error';
import { parseJobsConfig } from '../../lib/jobs/jobs-config';
import { loadPromptTemplate, promptsDir } from '../../lib/querygen/prompt-template';
import { loadExperimentFile, parseExperiment, validateExperiment } from '../../lib/rollout/experiment-config';
import { DEFAULT_CATEGORIES_FILE, loadScoringData } from '../../lib/scoring/scoring-data';
import { DEFAULT_REGISTRY_FILE, loadRegistry } from '../../lib/scoring/registry';
import { parseSuite } from '../../lib/suites/suite';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
beforeAll(() => (dir = tempDir('benchlab-config-')));
afterAll(() => removeDir(dir));

/** The message of the error `load` throws (which must be an InputError). */
function errorOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`'${needle}' is not in the text`);
  return index + 1;
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const SUITE = 'name: s\ndataset: sample\ngenerators:\n  - type: question-or\n';
const EXPERIMENT = 'key: x\narms:\n  control: { method: frequency }\n  treatment: { method: llm, model: m }\n';

describe('one error format, FILE:LINE: field.path: message, for each kind of config file', () => {
  it('a suite (YAML)', () => {
    expect(errorOf(() => parseSuite(`${SUITE}repeats: 0\n`, 'suites/s.yaml'))).toMatch(/^suites\/s\.yaml:5: repeats: Too small: expected number to be >=1$/);
  });

  it('a suite whose prompt reference is malformed, at load rather than when a model first needs it', () => {
    expect(errorOf(() => parseSuite(`${SUITE}prompt: boolean-query v2\n`, 's.yaml'))).toBe('s.yaml:5: prompt: must look like NAME@VERSION, e.g. boolean-query@2');
  });

  it('a suite (JSON, parsed strictly, lines still found)', () => {
    const text = JSON.stringify({ name: 's', dataset: 'sample', generators: [{ type: 'llm', model: 7 }] }, null, 2);
    expect(errorOf(() => parseSuite(text, 's.json'))).toMatch(
      new RegExp(`^s\\.json:${lineOf(text, '"model"')}: generators\\.0\\.model: Invalid input: expected string, received number$`),
    );
    // Comments are YAML, not JSON: a .json file is JSON.
    expect(errorOf(() => parseSuite(`# a comment\n${text}`, 's.json'))).toMatch(/^s\.json:1: not valid JSON: /);
    expect(parseSuite(`# a comment\n${text.replace('7', '"m"')}`, 's.yaml').generators).toEqual([{ type: 'llm', model: 'm' }]);
  });

  it('an experiment, a cross-field check pointing at the offending entry', () => {
    const text = `${EXPERIMENT}triggers:\n  - { name: t, metric: error_rate, above: 0.1, for: 5m, action: pause }\n  - name: t\n    metric: error_rate\n    above: 0.2\n    for: 5m\n    action: pause\n`;
    expect(errorOf(() => parseExperiment(text, 'x.yaml'))).toMatch(/^x\.yaml:7: triggers\.1\.name: trigger names must be unique \('t' is also triggers\.0\)$/);
    const decreasing = `${EXPERIMENT}stages:\n  - { name: a, percentage: 50 }\n  - { name: b, percentage: 10 }\n`;
    expect(errorOf(() => parseExperiment(decreasing, 'x.yaml'))).toMatch(/^x\.yaml:7: stages\.1\.percentage: stage percentages must increase/);
  });

  it('an experiment file whose key does not match its name', () => {
    const experiments = path.join(dir, 'experiments');
    fs.mkdirSync(experiments, { recursive: true });
    fs.writeFileSync(path.join(experiments, 'y.yaml'), EXPERIMENT);
    expect(errorOf(() => loadExperimentFile('y', experiments))).toBe(`${path.join(experiments, 'y.yaml')}:1: key: 'x' does not match the file's name (expected 'y')`);
  });

  it('a stored experiment (no file, so no line)', () => {
    expect(errorOf(() => validateExperiment({ key: 'x' }, 'experiments.x (stored config)'))).toBe(
      'experiments.x (stored config): arms: missing (expected object)',
    );
  });

  it('the jobs config, a job\'s options checked by its own schema', () => {
    expect(errorOf(() => parseJobsConfig('jobs:\n  - name: report\n    cron: "0 3 * * *"\n    options:\n      all: "yes"\n', '/etc/jobs.yaml'))).toMatch(
      /^\/etc\/jobs\.yaml:5: jobs\.0\.options\.all: Invalid input: expected boolean, received string$/,
    );
  });

  it('the categories file', () => {
    const categories = JSON.parse(fs.readFileSync(DEFAULT_CATEGORIES_FILE, 'utf8')) as { scoring: { local_evidence: { k: number } } };
    categories.scoring.local_evidence.k = -1;
    const text = JSON.stringify(categories, null, 2);
    const file = write('categories.json', text);
    expect(errorOf(() => loadScoringData({ categoriesFile: file }))).toBe(
      `${file}:${lineOf(text, '"k": -1')}: scoring.local_evidence.k: Too small: expected number to be >0`,
    );
  });

  it('the model registry', () => {
    const registry = JSON.parse(fs.readFileSync(DEFAULT_REGISTRY_FILE, 'utf8')) as { models: { parameters_b: { value: unknown } }[] };
    const model = registry.models[2];
    if (!model) throw new Error('the registry has fewer than 3 models');
    model.parameters_b.value = 'big';
    const text = JSON.stringify(registry, null, 2);
    const file = write('registry.json', text);
    expect(errorOf(() => loadRegistry(file))).toBe(`${file}:${lineOf(text, '"value": "big"')}: models.2.parameters_b.value: Invalid input: expected number, received string`);
  });

  it('a prompt template', () => {
    const prompts = path.join(dir, 'prompts');
    fs.mkdirSync(prompts, { recursive: true });
    const template = JSON.parse(fs.readFileSync(path.join(promptsDir(), 'keywords.v1.json'), 'utf8')) as { answer: { item_fields: string[] } };
    template.answer.item_fields = [];
    const text = JSON.stringify(template, null, 2);
    const file = path.join(prompts, 'keywords.v1.json');
    fs.writeFileSync(file, text);
    expect(errorOf(() => loadPromptTemplate('keywords@1', prompts))).toBe(
      `${file}:${lineOf(text, '"item_fields"')}: answer.item_fields: Too small: expected array to have >=1 items`,
    );
    fs.copyFileSync(path.join(promptsDir(), 'keywords.v1.json'), path.join(prompts, 'keywords.v2.json'));
    expect(errorOf(() => loadPromptTemplate('keywords@2', prompts))).toBe(`${path.join(prompts, 'keywords.v2.json')}:2: id: declares keywords@1, expected keywords@2`);
  });
});

describe('the loader', () => {
  const schema = z.strictObject({ name: z.string(), size: z.number().int().positive(), tags: z.array(z.string()).default([]) });

  it('lists several problems one a line under a first line naming the file', () => {
    const text = 'name: 3\nsize: -1\ntags:\n  - ok\n  - 4\ncolour:\n  red\n';
    expect(errorOf(() => parseConfigText(text, 'f.yaml', schema, { what: 'widget' })).split('\n')).toEqual([
      'f.yaml: invalid widget (4 problems):',
      'f.yaml:1: name: Invalid input: expected string, received number',
      'f.yaml:2: size: Too small: expected number to be >0',
      'f.yaml:5: tags.1: Invalid input: expected string, received number',
      'f.yaml:6: Unrecognized key: "colour"',
    ]);
  });

  it('places a missing field at its parent, and reports checks past the schema with their lines', () => {
    expect(errorOf(() => parseConfigText('other: 1\n', 'f.yaml', z.object({ inner: z.object({ a: z.number() }) }), { what: 'widget' }))).toBe(
      'f.yaml:1: inner: missing (expected object)',
    );
    const check = (value: z.output<typeof schema>, problems: { add: (path: readonly PropertyKey[], message: string) => void }) => {
      value.tags.forEach((tag, i) => {
        if (tag === value.name) problems.add(['tags', i], `repeats the name '${tag}'`);
      });
    };
    expect(errorOf(() => parseConfigText('name: a\nsize: 1\ntags: [b,\n  a]\n', 'f.yaml', schema, { what: 'widget', check }))).toBe("f.yaml:4: tags.1: repeats the name 'a'");
    expect(parseConfigText('name: a\nsize: 1\n', 'f.yaml', schema, { what: 'widget', check })).toEqual({ name: 'a', size: 1, tags: [] });
  });

  it('reports JSON syntax errors with their line (and column)', () => {
    const error = errorOf(() => parseConfigText('{\n  "name": "a",\n  "size": 1,\n}\n', 'f.json', schema, { what: 'widget' }));
    expect(error).toMatch(/^f\.json:4: not valid JSON: .* \(column 1\)$/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorOf(() => parseConfigText('name: a\nsize: [1\n', 'f.yaml', schema, { what: 'widget' }))).toMatch(/^f\.yaml:\d+: .+ \(column \d+\)$/);
    expect(errorOf(() => parseConfigText('name: a\nname: b\n', 'f.yaml', schema, { what: 'widget' }))).toMatch(/^f\.yaml:2: Map keys must be unique/);
  });

  it('rejects an empty file, unless the kind of file has an empty value', () => {
    expect(errorOf(() => parseConfigText('# nothing\n', 'f.yaml', schema, { what: 'widget' }))).toBe('f.yaml: the file is empty (expected a YAML mapping)');
    expect(errorOf(() => parseConfigText(' \n', 'f.json', schema, { what: 'widget' }))).toBe('f.json: the file is empty (expected a JSON object)');
    expect(parseJobsConfig('# no jobs yet\n', 'jobs.yaml').jobs).toEqual([]);
  });

  it('says why a file cannot be read', () => {
    const missing = path.join(dir, 'nope.yaml');
    expect(errorOf(() => loadConfigFile(missing, schema, { what: 'widget' }))).toBe(`${missing}: cannot read: ENOENT: no such file or directory`);
    expect(errorOf(() => loadConfigFile(dir, schema, { what: 'widget' }))).toMatch(new RegExp(`^${escape(dir)}: cannot read: EISDIR`));
    expect(() => loadConfigFile(missing, schema, { what: 'widget' })).toThrow(ConfigError);
  });

  it('bounds YAML alias expansion: an alias bomb names the file and the line of its first alias', () => {
    expect(MAX_YAML_ALIAS_COUNT).toBe(100);
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let previous = 'a';
    for (const name of 'bcdefghi') {
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
      previous = name;
    }
    expect(errorOf(() => parseConfigText(`size: 1\n${text}`, 'bomb.yaml', z.unknown(), { what: 'widget' }))).toBe(
      'bomb.yaml:3: YAML aliases expand past the limit of 100 (a "billion laughs" file?); write the values out instead of nesting aliases',
    );
    expect(parseConfigText('base: &b {size: 1}\nuse: *b\n', 'ok.yaml', z.record(z.string(), z.unknown()), { what: 'widget' })).toEqual({ base: { size: 1 }, use: { size: 1 } });
  });
});

describe('jsonErrorOffset', () => {
  it('finds where JSON.parse fails, and nothing in valid JSON', () => {
    for (const valid of ['{}', ' [1, -2.5e3, "a\\u00e9\\n", true, false, null, {"a": []}] ', fs.readFileSync(DEFAULT_REGISTRY_FILE, 'utf8')]) {
      expect(() => JSON.parse(valid) as unknown).not.toThrow();
      expect(jsonErrorOffset(valid)).toBeUndefined();
    }
    const broken: [string, number][] = [
      ['{"a": 1,}', 8], ['[1, 2', 5], ['{"a": "b\nc"}', 8], ['[01]', 2], ['{"a": "\\x"}', 8], ["{'a': 1}", 1], ['{} x', 3], ['', 0], ['[tru]', 1], ['{"a" 1}', 5],
    ];
    for (const [text, offset] of broken) {
      expect(() => JSON.parse(text) as unknown, text).toThrow();
      expect(jsonErrorOffset(text), text).toBe(offset);
    }
  });
});
