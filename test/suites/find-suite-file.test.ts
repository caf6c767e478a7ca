/**
 * findSuiteFile: a suite by path, or by name in data/suites/ with or without its extension.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSuiteFile, loadSuite, suitesDir } from '../../lib/suites/suite';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
beforeAll(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, 'both.yaml'), 'name: both\n');
  fs.writeFileSync(path.join(dir, 'both.json'), '{"name": "both"}\n');
  fs.writeFileSync(path.join(dir, 'only.yml'), 'name: only\n');
  fs.writeFileSync(path.join(dir, 'plain'), 'name: plain\n');
});
afterAll(() => removeDir(dir));

describe('findSuiteFile', () => {
  it('finds a suite in data/suites/ by its name, with or without the extension', () => {
    const file = path.join(suitesDir(), 'default.yaml');
    expect(findSuiteFile('default')).toBe(file);
    expect(findSuiteFile('default.yaml')).toBe(file);
    expect(loadSuite('sample-baselines').file).toBe(path.join(suitesDir(), 'sample-baselines.yaml'));
    expect(loadSuite('sample-baselines').suite.name).toBe('sample-baselines');
  });

  it('finds a path as given first, then with .yaml, .yml or .json', () => {
    expect(findSuiteFile(path.join(dir, 'plain'))).toBe(path.join(dir, 'plain'));
    expect(findSuiteFile(path.join(dir, 'only'))).toBe(path.join(dir, 'only.yml'));
  });

  it('refuses a name two files answer to, and names what it looked for when none does', () => {
    expect(() => findSuiteFile(path.join(dir, 'both'))).toThrow(/suite '.*both' is ambiguous: .*both\.yaml and .*both\.json; give the file name/);
    expect(() => findSuiteFile('nope')).toThrow(/^suite 'nope' not found \(looked at .*nope, .*nope, each also with \.yaml, \.yml, \.json\)$/);
    expect(() => findSuiteFile('nope.yaml')).toThrow(/^suite 'nope.yaml' not found \(looked at [^,]*nope\.yaml, [^,]*nope\.yaml\)$/);
  });
});
