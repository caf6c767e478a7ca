/**
 * The CLI starts without loading what it does not need: `--version` and `--help` load commander
 * and no command module (no DuckDB, vega, ollama, ...), and `benchlab <command>` loads that
 * command only, its help still listing its options. Behavioural (which modules were loaded, read
 * from require.cache in the CLI's own process), not timed: `npm run perf` times the start-up.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/run-cli';

interface ListedRun {
  code: number;
  stdout: string;
  /** Every module the CLI's process loaded, as paths relative to the project folder. */
  modules: string[];
}

const MARKER = '@@modules ';
const ROOT = path.resolve(__dirname, '../..');

/** Runs the built CLI's main() in a fresh Node process and lists the modules it loaded. */
function runListingModules(args: string[]): Promise<ListedRun> {
  const script =
    `const { main } = require(${JSON.stringify(CLI)});` +
    `main(['node', 'benchlab', ...JSON.parse(process.argv[1])]).then((code) => {` +
    `process.stderr.write('\\n${MARKER}' + JSON.stringify(Object.keys(require.cache)) + '\\n'); process.exitCode = code; });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stderr.split('\n').find((l) => l.startsWith(MARKER));
      if (line === undefined) return reject(new Error(`no module list; stderr: ${stderr}`));
      const modules = (JSON.parse(line.slice(MARKER.length)) as string[]).map((m) => path.relative(ROOT, m).split(path.sep).join('/'));
      resolve({ code: code ?? -1, stdout, modules });
    });
  });
}

/** The packages under node_modules (wherever it lives) that were loaded, e.g. ['commander']. */
function packagesLoaded(modules: string[]): string[] {
  const names = modules
    .filter((m) => m.includes('node_modules/'))
    .map((m) => {
      const parts = m.slice(m.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
      return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
    });
  return [...new Set(names)].sort();
}

const commandModules = (modules: string[]): string[] => modules.filter((m) => m.startsWith('dist/lib/cli/commands/')).sort();

describe('CLI start-up', () => {
  it('--version loads commander and no command, store or heavy package', async () => {
    const run = await runListingModules(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(packagesLoaded(run.modules)).toEqual(['commander']);
    expect(commandModules(run.modules)).toEqual([]);
    expect(run.modules.filter((m) => m.startsWith('dist/lib/store/store'))).toEqual([]);
  });

  it('--help lists every command without loading one', async () => {
    const run = await runListingModules(['--help']);
    expect(run.code).toBe(0);
    for (const name of ['import', 'retrieve', 'run', 'compare', 'rollout', 'jobs', 'gpu']) expect(run.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(run.stdout).toContain('compare [options] <runA> [runB]');
    expect(packagesLoaded(run.modules)).toEqual(['commander']);
    expect(commandModules(run.modules)).toEqual([]);
  });

  it('<command> --help loads that command only and shows its options', async () => {
    const run = await runListingModules(['--db', 'x.duckdb', 'retrieve', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: benchlab retrieve [options]');
    expect(run.stdout).toContain('--measures <list>');
    expect(commandModules(run.modules)).toEqual(['dist/lib/cli/commands/retrieve-command.js']);
  });

  it('help <command> shows the command\'s help, subcommands included', async () => {
    const run = await runListingModules(['help', 'rollout']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: benchlab rollout');
    expect(run.stdout).toMatch(/^  advance\b/m);
    expect(commandModules(run.modules)).toEqual(['dist/lib/cli/commands/rollout-command.js']);
  });

  it('an unknown command is still a usage error with the command list', async () => {
    const run = await runListingModules(['retreive']);
    expect(run.code).toBe(2);
    expect(commandModules(run.modules)).toEqual([]);
  });
});
