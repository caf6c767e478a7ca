import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectCommand } from '../../lib/cli/commands/select-command';
import { withStore } from '../../lib/store/store';
import { InputError } from '../../lib/input-error';
import { closedPortUrl } from '../support/closed-port';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
let db: string;
beforeAll(() => {
  dir = tempDir('benchlab-select-cli-');
  db = path.join(dir, 'cli.duckdb');
});
afterAll(() => removeDir(dir));

/** Runs `benchlab select ARGS` in this process and returns what it printed. */
async function select(args: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await selectCommand(() => ({ db })).exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('benchlab select', () => {
  it('prints the model and the reason, and logs the selection', async () => {
    const out = await select(['--category', 'code', '--max-vram', '8GB']);
    const [model, reason] = out.trim().split('\n');
    expect(model).toBe('qwen2.5-coder:7b');
    expect(reason).toMatch(/^qwen2\.5-coder:7b for code: final score 77\.6 .*runner-up qwen2\.5:7b \(57\.6\)/);
    const logged = await withStore({ dbPath: db }, (store) => store.all(`SELECT category, model FROM model_selections`));
    expect(logged).toEqual([{ category: 'code', model: 'qwen2.5-coder:7b' }]);
  });

  it('prints the whole selection as JSON', async () => {
    const out = JSON.parse(await select(['--category', 'code', '--max-vram', '8000MB', '--license', 'apache-2.0', '--exclude', 'qwen2.5-coder', '--json'])) as {
      model: string;
      constraints: Record<string, unknown>;
      runnerUp: { model: string };
      candidates: { model: string }[];
    };
    expect(out.model).toBe('qwen2.5:7b');
    expect(out.constraints).toEqual({ maxVramBytes: 8e9, licenses: ['apache-2.0'], exclude: ['qwen2.5-coder'] });
    expect(out.runnerUp.model).toBe('mistral:7b');
    expect(out.candidates).toHaveLength(10);
  });

  it('explains every candidate and the chosen model\'s benchmarks', async () => {
    const out = await select(['--category', 'code', '--min-context', '32768', '--include', 'qwen2.5,gemma2,mistral', '--explain']);
    expect(out).toMatch(/candidates for 'code':/);
    expect(out).toMatch(/qwen2\.5:14b/);
    expect(out).toMatch(/--min-context 32768: context 8192/);
    expect(out.split('\n')[0]).toBe('qwen2.5:14b');
    expect(out).toMatch(/HumanEval .* 1 .* 83\.5 .* instruct, instruct table \(setting not stated\) .* publisher .* S4/);
  });

  it('says when GPU-aware selection had no GPU data', async () => {
    const saved = process.env['OLLAMA_HOST'];
    process.env['OLLAMA_HOST'] = await closedPortUrl();
    try {
      const out = await select(['--category', 'math', '--gpu-aware']);
      expect(out).toContain('no GPU data (gpu_samples is empty); Ollama did not answer /api/ps; no recent Ollama /api/ps data, so loaded models are unknown: GPU memory was not checked');
    } finally {
      if (saved === undefined) delete process.env['OLLAMA_HOST'];
      else process.env['OLLAMA_HOST'] = saved;
    }
  });

  it('rejects a size without a unit and an unknown category as input errors', async () => {
    await expect(select(['--category', 'code', '--max-vram', '8'])).rejects.toThrow(InputError);
    await expect(select(['--category', 'poetry'])).rejects.toThrow(/unknown category 'poetry'/);
  });
});
