/**
 * The embedding libraries (vega, vega-lite, vega-embed browser builds) copied from node_modules
 * into <outDir>/assets/ once, so every report works offline and loads nothing from a CDN.
 * A file already there with the same size is left alone.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EMBED_SCRIPTS } from './chart';

/** The folder, relative to a report page in outDir, that holds the scripts. */
export const ASSETS_DIR = 'assets';

/** Which package ships each script, in its build/ folder. */
const SCRIPT_PACKAGES: Record<(typeof EMBED_SCRIPTS)[number], string> = {
  'vega.min.js': 'vega',
  'vega-lite.min.js': 'vega-lite',
  'vega-embed.min.js': 'vega-embed',
};

/** Path of a script inside its package's build/ folder (each package's main entry lives there). */
export function assetSource(file: (typeof EMBED_SCRIPTS)[number]): string {
  const requireHere = createRequire(__filename);
  const entry = requireHere.resolve(SCRIPT_PACKAGES[file]);
  return path.join(path.dirname(entry), file);
}

/** Copies the scripts into outDir/assets/ where missing or changed; returns the paths copied. */
export function copyAssets(outDir: string): string[] {
  const target = path.join(outDir, ASSETS_DIR);
  fs.mkdirSync(target, { recursive: true });
  const copied: string[] = [];
  for (const file of EMBED_SCRIPTS) {
    const source = assetSource(file);
    const destination = path.join(target, file);
    const existing = fs.statSync(destination, { throwIfNoEntry: false });
    if (existing && existing.size === fs.statSync(source).size) continue;
    fs.copyFileSync(source, destination);
    copied.push(destination);
  }
  return copied;
}
