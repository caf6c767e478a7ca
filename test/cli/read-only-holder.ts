/**
 * Holds a DuckDB file open READ-ONLY from another Node process until stopped. DuckDB lets any
 * number of read-only openers share a file (a shared lock) but refuses a read-write opener while
 * one holds it ("Could not set lock on file ... Conflicting lock is held"), and a read-write
 * holder shuts read-only openers out too. So a command that succeeds while this holds the file
 * opened it read-only: that works as root too, where chmod 0444 does not stop writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const DUCKDB_MODULE = path.resolve(__dirname, '../../node_modules/@duckdb/node-api');

export interface ReadOnlyHolder {
  pid: number;
  stop(): Promise<void>;
}

export function holdReadOnly(dbPath: string): Promise<ReadOnlyHolder> {
  const script = `
    const { DuckDBInstance } = require(${JSON.stringify(DUCKDB_MODULE)});
    DuckDBInstance.create(${JSON.stringify(dbPath)}, { access_mode: 'READ_ONLY' }).then((db) => {
      process.stdout.write('held\\n');
      process.on('SIGTERM', () => { db.closeSync(); process.exit(0); });
      setInterval(() => undefined, 1000);
    }, (error) => { process.stderr.write(String(error)); process.exit(2); });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('held')) return;
      resolve({
        pid: child.pid ?? -1,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`read-only holder exited early with ${code}`)));
  });
}
