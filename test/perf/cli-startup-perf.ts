/**
 * CLI start-up benchmark for `npm run perf`: the wall time of `node dist/lib/cli/main.js --version`
 * and `--help` against `node -e 0` (Node's own start-up, the floor), measured in the same command
 * with the three interleaved so load on a shared machine falls on all alike. Reports the median
 * wall ms of each, its ratio to `node -e 0`, and the time the CLI adds; on Linux also the CPU ms
 * per start (the children's utime + stime from /proc/self/stat), which a busy machine moves less.
 * Spawns the built CLI (dist/lib/cli/main.js under the project folder); imports only projectRoot.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../lib/store/db-path';

export interface CliStartupOptions {
  /** The built CLI (default: dist/lib/cli/main.js beside this module's dist/lib). */
  cli?: string;
  /** Starts of each command (default 21); the first round is a warm-up and not counted. */
  runs?: number;
}

export interface StartupFigure {
  /** What was run, e.g. `node dist/lib/cli/main.js --version`. */
  command: string;
  medianMs: number;
  /** medianMs / the median of `node -e 0`. */
  ratio: number;
  /** medianMs less the median of `node -e 0`: what the command adds to Node's own start-up. */
  addedMs: number;
  /** Mean CPU ms (user + system) per start; null where /proc is not there. */
  cpuMs: number | null;
}

export interface CliStartup {
  runs: number;
  /** `node -e 0`, then `--version`, then `--help`. */
  figures: StartupFigure[];
}

export const CLI_STARTUP_RUNS = 21;
/** The target for `benchlab --version` and `--help` on the 2-core machine. */
export const CLI_STARTUP_TARGET_MS = 250;
const NS_PER_MS = 1e6;
const MS_PER_SECOND = 1000;
const DEFAULT_CLK_TCK = 100;
/** Fields of /proc/<pid>/stat (1-based, man 5 proc): the reaped children's user and system ticks. */
const STAT = { cutime: 16, cstime: 17 } as const;
/** The first field after "pid (comm) " is field 3. */
const STAT_FIRST_FIELD_AFTER_COMM = 3;

/** CPU ms used by this process's reaped children so far; null without /proc. */
function childrenCpuMs(): number | null {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const field = (n: number): number => Number(fields[n - STAT_FIRST_FIELD_AFTER_COMM]);
    return ((field(STAT.cutime) + field(STAT.cstime)) * MS_PER_SECOND) / DEFAULT_CLK_TCK;
  } catch {
    return null;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One start of `node ...args`, in wall ms and the CPU ms it used. Throws when it fails. */
function timeStart(args: string[]): { wallMs: number; cpuMs: number | null } {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - start) / NS_PER_MS;
  const cpuAfter = childrenCpuMs();
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return { wallMs, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

export function measureCliStartup(options: CliStartupOptions = {}): CliStartup {
  const cli = options.cli ?? path.join(projectRoot(), 'dist', 'lib', 'cli', 'main.js');
  const runs = options.runs ?? CLI_STARTUP_RUNS;
  if (!fs.existsSync(cli)) throw new Error(`${cli} not found: run npm run build first`);
  const relative = path.relative(process.cwd(), cli) || cli;
  const commands = [
    { command: 'node -e 0', args: ['-e', '0'] },
    { command: `node ${relative} --version`, args: [cli, '--version'] },
    { command: `node ${relative} --help`, args: [cli, '--help'] },
  ];
  const samples = commands.map(() => ({ wallMs: [] as number[], cpuMs: [] as number[], cpuKnown: true }));
  // Round 0 warms the file cache; rounds interleave the commands so drifts in load hit all three.
  for (let round = 0; round <= runs; round++) {
    commands.forEach((c, i) => {
      const one = timeStart(c.args);
      if (round === 0) return;
      const s = samples[i] as (typeof samples)[number];
      s.wallMs.push(one.wallMs);
      if (one.cpuMs === null) s.cpuKnown = false;
      else s.cpuMs.push(one.cpuMs);
    });
  }
  const baseline = median((samples[0] as (typeof samples)[number]).wallMs);
  return {
    runs,
    figures: commands.map((c, i) => {
      const s = samples[i] as (typeof samples)[number];
      const medianMs = median(s.wallMs);
      return {
        command: c.command,
        medianMs,
        ratio: medianMs / baseline,
        addedMs: medianMs - baseline,
        cpuMs: s.cpuKnown ? s.cpuMs.reduce((a, b) => a + b, 0) / s.cpuMs.length : null,
      };
    }),
  };
}
