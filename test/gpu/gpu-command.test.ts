/**
 * `benchlab gpu` in process, from its command module: the
 * stand-in nvidia-smi is put first on PATH, stdout and stderr are captured, and the exit code is
 * taken through the setter main.ts passes.
 */
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_GPU_TOOL_FAILED, EXIT_NO_GPU_TOOL, gpuCommand } from '../../lib/cli/commands/gpu-command';
import { withStore } from '../../lib/store/store';
import { closedPortUrl } from '../support/closed-port';
import { removeDir, tempDir } from '../support/temp-store';
import { gpuDb, H100_A, standIn, type StandInScenario } from './support';

const saved = { PATH: process.env['PATH'], OLLAMA_HOST: process.env['OLLAMA_HOST'], FAKE: process.env['FAKE_NVIDIA_SMI_CONFIG'] };
const dirs: string[] = [];
let out = '';
let err = '';

beforeEach(async () => {
  process.env['OLLAMA_HOST'] = await closedPortUrl();
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const [key, value] of Object.entries({ PATH: saved.PATH, OLLAMA_HOST: saved.OLLAMA_HOST, FAKE_NVIDIA_SMI_CONFIG: saved.FAKE })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  for (const d of dirs.splice(0)) removeDir(d);
});

function useStandIn(scenario: StandInScenario): void {
  const fake = standIn(scenario);
  dirs.push(fake.dir);
  process.env['PATH'] = fake.env['PATH'];
  process.env['FAKE_NVIDIA_SMI_CONFIG'] = fake.env['FAKE_NVIDIA_SMI_CONFIG'];
}

async function run(args: string[], db?: string): Promise<number | undefined> {
  let code: number | undefined;
  const program = new Command('benchlab').option('--db <path>').exitOverride();
  program.addCommand(gpuCommand(() => program.opts<{ db?: string }>(), (c) => (code = c)).exitOverride());
  await program.parseAsync(['node', 'benchlab', ...(db ? ['--db', db] : []), 'gpu', ...args]);
  return code;
}

const GPU = { ...H100_A, samples: [{ 'utilization.gpu': '42 %', 'memory.used': '2048 MiB', 'power.draw': '123.40 W', 'temperature.gpu': '51' }] };

describe('benchlab gpu', () => {
  it('--once prints the GPUs, the processes using GPU memory and says when Ollama is not there', async () => {
    useStandIn({ gpus: [GPU], computeApps: [{ pid: '4242', process_name: '/usr/bin/ollama', used_gpu_memory: '5120 MiB', gpu_uuid: H100_A.uuid }] });
    expect(await run(['--once'])).toBeUndefined();
    expect(out).toMatch(/NVIDIA H100 80GB HBM3/);
    expect(out).toMatch(/│ 42 +│ 2048 \/ 81559 │ 123\.4 +│ 51 /);
    expect(out).toMatch(/4242 +│ \/usr\/bin\/ollama +│ 5120/);
    expect(out).toMatch(/ollama http:\/\/127\.0\.0\.1:\d+: /);
    expect(out).toMatch(/550\.54\.15/);
  });

  it('--once --json prints one object', async () => {
    useStandIn({ gpus: [GPU] });
    await run(['--once', '--json']);
    const snapshot = JSON.parse(out) as { source: string; sample: { gpus: { uuid: string; powerW: number }[] }; processes: unknown[] };
    expect(snapshot.source).toBe('nvidia-smi');
    expect(snapshot.sample.gpus).toEqual([expect.objectContaining({ uuid: H100_A.uuid, powerW: 123.4, utilizationPct: 42 })]);
    expect(snapshot.processes).toEqual([]);
  });

  it('no GPU tool: says so clearly and exits with its own code', async () => {
    const empty = tempDir();
    dirs.push(empty);
    process.env['PATH'] = empty;
    expect(await run(['--once'])).toBe(EXIT_NO_GPU_TOOL);
    expect(err).toMatch(/no GPU tool found: neither nvidia-smi .* nor rocm-smi .* is on PATH/);
    err = '';
    expect(await run(['--duration', '1s'])).toBe(EXIT_NO_GPU_TOOL);
    expect(err).toMatch(/no GPU tool found/);
  });

  it('a tool that cannot reach the driver exits with the tool-failed code and the real message', async () => {
    useStandIn({ fail: { exitCode: 9, output: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n" } });
    expect(await run(['--once'])).toBe(EXIT_GPU_TOOL_FAILED);
    expect(err).toMatch(/GPU tool failed \(driver-not-loaded\): NVIDIA-SMI has failed because it couldn't communicate/);
  });

  it('samples for --duration, prints plain lines when not on a terminal, and writes the samples', async () => {
    useStandIn({ gpus: [GPU] });
    const { dbPath, dir } = await gpuDb();
    dirs.push(dir);
    expect(await run(['--interval', '250ms', '--duration', '1.2s'], dbPath)).toBeUndefined();
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z gpu0 ${H100_A.uuid} util=42% mem=2048/81559MiB power=123\\.4W temp=51C throttle=-$`));
    expect(err).toMatch(/sampling 1 GPU\(s\) with nvidia-smi every 250ms for 1\.2s/);
    expect(err).toMatch(new RegExp(`${lines.length} sample\\(s\\) from nvidia-smi, ${lines.length} rows written`));
    const rows = await withStore({ dbPath }, (store) => store.one<{ n: bigint; res: number }>(`SELECT count(*) AS n, max(resolution_s) AS res FROM gpu_samples`));
    expect(Number(rows?.n)).toBe(lines.length);
    expect(rows?.res).toBe(0.25);
  });

  it('--json streams one sample per line; --no-record writes nothing', async () => {
    useStandIn({ gpus: [GPU] });
    const dir = tempDir();
    dirs.push(dir);
    const dbPath = path.join(dir, 'never.duckdb');
    await run(['--interval', '250ms', '--duration', '700ms', '--json', '--no-record'], dbPath);
    const samples = out.trim().split('\n').map((l) => JSON.parse(l) as { source: string; gpus: { temperatureC: number }[] });
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples.every((s) => s.source === 'nvidia-smi' && s.gpus[0]?.temperatureC === 51)).toBe(true);
    expect(err).toMatch(/not recording/);
    expect(err).not.toMatch(/rows written/);
  });

  it('rejects an interval below the floor and a malformed duration', async () => {
    await expect(run(['--interval', '100ms'])).rejects.toThrow(/--interval must be at least 250ms, got '100ms'/);
    await expect(run(['--duration', 'soon'])).rejects.toThrow(/--duration must be a duration such as 500ms, 1s, 2m or 1h, got 'soon'/);
  });
});
