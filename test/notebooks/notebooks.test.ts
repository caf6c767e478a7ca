/**
 * Every notebook in notebooks/ executes top to bottom under Jupyter with the tslab kernel, on
 * the sample data (what `npm run notebooks` does). Skipped with a reason when Jupyter or the
 * kernel is missing on a developer machine; under CI it must run.
 */
import { describe, expect, it } from 'vitest';
import { checkJupyter, runNotebooks } from '../../lib/notebooks/notebook-runner';

const missing = checkJupyter();
if (missing && process.env['CI'] === 'true') throw new Error(`CI=true but notebooks cannot run: ${missing}`);

describe(`notebooks${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it.skipIf(missing !== undefined)('execute without a cell error', async () => {
    const results = await runNotebooks();
    expect(results.length).toBeGreaterThanOrEqual(1);
    for (const result of results) expect(result.output, result.notebook).toBe('');
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 600_000);
});
