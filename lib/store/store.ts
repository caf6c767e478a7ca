/**
 * The Benchlab store: one DuckDB file opened for one unit of work and closed again, so no
 * process holds the file between units (other processes and notebooks can open it).
 * `withStore` is the entry point; `Store` offers typed reads, transactions and bulk appends.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTypeId,
  listValue,
  timestampValue,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { resolveDbPath } from './db-path';
import { DEFAULT_LOCK_RETRY, openWithLockRetry, type LockRetryOptions } from './lock-retry';
import { migrate } from './migrate';

export interface StoreOptions {
  /** Database file; defaults to --db / BENCHLAB_DB / data/benchlab.duckdb (see db-path.ts). */
  dbPath?: string;
  /** Open read-only (notebooks, reports). A read-only open never migrates. */
  readOnly?: boolean;
  lockRetry?: LockRetryOptions;
}

/** Rows per data chunk handed to the Appender: DuckDB's vector size. */
export const APPEND_CHUNK_ROWS = 2048;

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type ParamTypes = Record<string, DuckDBType | undefined>;
/** A value for `Store.append`: a DuckDB value, a plain array for a LIST column, or null. */
export type AppendValue = DuckDBValue | Date | readonly (string | number | boolean)[] | undefined;

const MICROS_PER_MS = 1000n;

/**
 * Converts a JS value for a column: arrays to LIST values, numbers to BIGINT where the column is
 * one, Dates and ISO strings to TIMESTAMP values.
 */
function toDuckValue(value: AppendValue | Date, type: DuckDBType | undefined): DuckDBValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return listValue(value as DuckDBValue[]);
  if (type?.typeId === DuckDBTypeId.BIGINT && typeof value === 'number') return BigInt(Math.round(value));
  if (type?.typeId === DuckDBTypeId.TIMESTAMP && (typeof value === 'string' || value instanceof Date)) {
    const ms = (value instanceof Date ? value : new Date(value)).getTime();
    if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${String(value)}`);
    return timestampValue(BigInt(ms) * MICROS_PER_MS);
  }
  return value as DuckDBValue;
}

export class Store {
  readonly dbPath: string;
  readonly connection: DuckDBConnection;
  private readonly release: () => void;
  private inTransaction = false;
  private closed = false;

  constructor(dbPath: string, connection: DuckDBConnection, release: () => void) {
    this.dbPath = dbPath;
    this.connection = connection;
    this.release = release;
  }

  /** Runs a statement that returns nothing of interest. */
  async run(sql: string, params?: Params, types?: ParamTypes): Promise<void> {
    await this.connection.run(sql, params, types);
  }

  /** Runs a query and returns its rows as plain JS objects (BIGINT becomes bigint, lists arrays). */
  async all<T extends Row = Row>(sql: string, params?: Params, types?: ParamTypes): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params, types);
    return reader.getRowObjectsJS() as T[];
  }

  /** Runs a query and returns its columns as arrays (faster than row objects for large results). */
  async columns(sql: string, params?: Params, types?: ParamTypes): Promise<unknown[][]> {
    const reader = await this.connection.runAndReadAll(sql, params, types);
    return reader.getColumnsJS();
  }

  async one<T extends Row = Row>(sql: string, params?: Params, types?: ParamTypes): Promise<T | undefined> {
    return (await this.all<T>(sql, params, types))[0];
  }

  /**
   * Runs `work` in one transaction: everything it wrote is committed together, or, when it
   * throws, nothing is. Nested calls join the outer transaction.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    await this.connection.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  /**
   * Appends rows to `table` through DuckDB's Appender, inside a transaction (the caller's, or
   * one of its own), so a failure part-way leaves no partial rows. Values are given in the
   * table's column order; plain arrays go to LIST columns. Rows are handed over in columnar
   * data chunks of APPEND_CHUNK_ROWS, which is several times faster than value-by-value appends.
   */
  async append(table: string, rows: Iterable<readonly AppendValue[]>): Promise<number> {
    return this.transaction(async () => {
      const appender = await this.connection.createAppender(table);
      let count = 0;
      try {
        const columnCount = appender.columnCount;
        const types = Array.from({ length: columnCount }, (_, i) => appender.columnType(i));
        let columns: DuckDBValue[][] = types.map(() => []);
        const flushChunk = () => {
          const size = columns[0]?.length ?? 0;
          if (size === 0) return;
          const chunk = DuckDBDataChunk.create(types, size);
          columns.forEach((values, i) => chunk.setColumnValues(i, values));
          appender.appendDataChunk(chunk);
          columns = types.map(() => []);
        };
        for (const row of rows) {
          if (row.length !== columnCount) {
            throw new Error(`append to ${table}: row ${count + 1} has ${row.length} values, table has ${columnCount} columns`);
          }
          for (let i = 0; i < columnCount; i++) {
            const value = row[i];
            columns[i]?.push(toDuckValue(value, types[i]));
          }
          count++;
          if (count % APPEND_CHUNK_ROWS === 0) flushChunk();
        }
        flushChunk();
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      return count;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.release();
  }
}

/**
 * Open database files of this process, shared between concurrent units of work. Two
 * DuckDBInstances on one file in one process would not see each other's writes, so every store
 * opened while another is open on the same file gets its own connection to the same instance;
 * the instance (and with it the file) is closed when the last of them closes.
 */
interface SharedInstance {
  instance: Promise<DuckDBInstance>;
  readOnly: boolean;
  users: number;
}
const openInstances = new Map<string, SharedInstance>();
const INSTANCE_WAIT_MS = 20;

async function acquireInstance(dbPath: string, options: StoreOptions): Promise<DuckDBInstance> {
  const readOnly = options.readOnly === true;
  for (;;) {
    const shared = openInstances.get(dbPath);
    // A read-write instance serves readers too; a writer waits for read-only users to finish.
    if (shared && (!shared.readOnly || readOnly)) {
      shared.users++;
      try {
        return await shared.instance;
      } catch (error) {
        shared.users--;
        throw error;
      }
    }
    if (!shared) break;
    await new Promise((resolve) => setTimeout(resolve, INSTANCE_WAIT_MS));
  }
  const config: Record<string, string> = readOnly ? { access_mode: 'READ_ONLY' } : {};
  const instance = (async () => {
    const created = await openWithLockRetry(dbPath, () => DuckDBInstance.create(dbPath, config), options.lockRetry ?? DEFAULT_LOCK_RETRY);
    if (!readOnly) {
      const connection = await created.connect();
      try {
        await migrate(connection, dbPath);
      } catch (error) {
        connection.closeSync();
        created.closeSync();
        throw error;
      }
      connection.closeSync();
    }
    return created;
  })();
  const entry: SharedInstance = { instance, readOnly, users: 1 };
  if (dbPath !== ':memory:') openInstances.set(dbPath, entry);
  try {
    return await instance;
  } catch (error) {
    openInstances.delete(dbPath);
    throw error;
  }
}

function releaseInstance(dbPath: string, instance: DuckDBInstance): void {
  const shared = openInstances.get(dbPath);
  if (shared) {
    shared.users--;
    if (shared.users > 0) return;
    openInstances.delete(dbPath);
  }
  instance.closeSync();
}

/** Opens (and, unless read-only, migrates) the store. Prefer `withStore`, which always closes. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const dbPath = resolveDbPath(options.dbPath);
  if (dbPath !== ':memory:') {
    if (options.readOnly && !fs.existsSync(dbPath)) {
      throw new Error(`database ${dbPath} does not exist yet: run 'benchlab import' or 'benchlab run' first`);
    }
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  }
  const instance = await acquireInstance(dbPath, options);
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
  } catch (error) {
    releaseInstance(dbPath, instance);
    throw error;
  }
  return new Store(dbPath, connection, () => releaseInstance(dbPath, instance));
}

/** Opens the store for one unit of work and closes it afterwards, even on error. */
export async function withStore<T>(options: StoreOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(options);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
