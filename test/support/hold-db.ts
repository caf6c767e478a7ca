/**
 * Starts a separate Node process that opens a DuckDB file and holds it for `holdMs`, to test
 * what Benchlab does when another process has the database. Resolves once the file is held.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const DUCKDB_MODULE = path.resolve(__dirname, '../../node_modules/@duckdb/node-api');

export function holdDatabase(dbPath: string, holdMs: number): Promise<ChildProcess> {
  const script = `
    const { DuckDBInstance } = require(${JSON.stringify(DUCKDB_MODULE)});
    DuckDBInstance.create(${JSON.stringify(dbPath)}).then((db) => {
      process.stdout.write('held\\n');
      setTimeout(() => { db.closeSync(); process.exit(0); }, ${holdMs});
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
  });
}
