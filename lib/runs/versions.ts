/** The software versions recorded with every run, so a number can be traced to what made it. */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { projectRoot } from '../store/db-path';

export interface Versions {
  benchlab: string;
  node: string;
  duckdb: string;
  platform: string;
}

function packageVersion(packageJsonPath: string): string {
  try {
    return (JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Benchlab's own version, from its package.json alone: what `benchlab --version` prints, cheap
 * enough for the CLI's start-up path (no DuckDB package read, no module loaded).
 */
export function benchlabVersion(): string {
  return packageVersion(path.join(projectRoot(), 'package.json'));
}

export function collectVersions(): Versions {
  const root = projectRoot();
  return {
    benchlab: benchlabVersion(),
    node: process.version,
    duckdb: packageVersion(path.join(root, 'node_modules', '@duckdb', 'node-api', 'package.json')),
    platform: `${os.platform()}-${os.arch()}`,
  };
}
