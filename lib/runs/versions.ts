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

export function collectVersions(): Versions {
  const root = projectRoot();
  return {
    benchlab: packageVersion(path.join(root, 'package.json')),
    node: process.version,
    duckdb: packageVersion(path.join(root, 'node_modules', '@duckdb', 'node-api', 'package.json')),
    platform: `${os.platform()}-${os.arch()}`,
  };
}
