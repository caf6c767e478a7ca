import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSETS_DIR, assetSource, copyAssets } from '../../lib/report/assets';
import { EMBED_SCRIPTS } from '../../lib/report/chart';
import { removeDir, tempDir } from '../support/temp-store';

const dir = tempDir();
afterAll(() => removeDir(dir));

describe('copyAssets', () => {
  it('copies vega, vega-lite and vega-embed browser builds into assets/ once', () => {
    const first = copyAssets(dir);
    expect(first.map((f) => path.basename(f))).toEqual([...EMBED_SCRIPTS]);
    for (const file of EMBED_SCRIPTS) {
      const copy = path.join(dir, ASSETS_DIR, file);
      expect(fs.readFileSync(copy).equals(fs.readFileSync(assetSource(file)))).toBe(true);
    }
    expect(fs.readFileSync(path.join(dir, ASSETS_DIR, 'vega-embed.min.js'), 'utf8')).toContain('vegaEmbed');
    expect(copyAssets(dir)).toEqual([]);
  });

  it('replaces a damaged copy', () => {
    const damaged = path.join(dir, ASSETS_DIR, 'vega.min.js');
    fs.writeFileSync(damaged, 'truncated');
    expect(copyAssets(dir)).toEqual([damaged]);
    expect(fs.statSync(damaged).size).toBe(fs.statSync(assetSource('vega.min.js')).size);
  });
});
