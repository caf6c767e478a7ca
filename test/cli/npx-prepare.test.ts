/**
 * `npx benchlab` runs the local build at once: npm exec links the project into its npx cache
 * and runs the project's `prepare` there, which must not rebuild a project that is already built
 * (that build made the first `npx benchlab` after `npm ci` take 11 to 30 s). `npm ci` and
 * `npm install` still build. Runs the prepare script with a stand-in `npm` first on PATH that
 * records what it was asked to do.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/store/db-path';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
let log: string;
const prepare = (JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['prepare'] ?? '';

beforeAll(() => {
  dir = tempDir();
  log = path.join(dir, 'npm-calls.log');
  const npm = path.join(dir, 'npm');
  fs.writeFileSync(npm, `#!/bin/sh\necho "npm $*" >> "${log}"\n`, { mode: 0o755 });
});
afterAll(() => removeDir(dir));

/** Runs the prepare script as npm would for `npm <command>`; returns the npm calls it made. */
function runPrepare(npmCommand: string, cwd = projectRoot()): { status: number | null; calls: string[] } {
  fs.rmSync(log, { force: true });
  const result = spawnSync('sh', ['-c', prepare], { cwd, env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env['PATH'] ?? ''}`, npm_command: npmCommand } });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: result.status, calls };
}

describe.skipIf(process.platform === 'win32')('prepare', () => {
  it('does not rebuild a built project when npx / npm exec links it', () => {
    expect(fs.existsSync(path.join(projectRoot(), 'dist', 'lib', 'cli', 'main.js'))).toBe(true);
    expect(runPrepare('exec')).toEqual({ status: 0, calls: [] });
  });

  it('builds for npm ci and npm install', () => {
    expect(runPrepare('ci')).toEqual({ status: 0, calls: ['npm run build'] });
    expect(runPrepare('install')).toEqual({ status: 0, calls: ['npm run build'] });
  });

  it('builds for npm exec when there is no build yet', () => {
    const empty = path.join(dir, 'unbuilt');
    fs.mkdirSync(empty, { recursive: true });
    expect(runPrepare('exec', empty)).toEqual({ status: 0, calls: ['npm run build'] });
  });
});
