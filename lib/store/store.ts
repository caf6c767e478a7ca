/**
 * The Benchlab store: one DuckDB file opened for one unit of work and closed again, so no
 * process holds the file between units (other processes and notebooks can open it).
 * `withStore` is the entry point; `Store` offers typed reads, transactions and bulk appends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import duckdb from '@duckdb/node-bindings';
import {
  DuckDBDataChunk,
  type DuckDBAppender,
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
import { currentSchemaVersion, LATEST_SCHEMA_VERSION, migrate, SchemaTooNewError } from './migrate';
import { InputError } from '../input-error';

export interface StoreOptions {
  /** Database file; defaults to --db / BENCHLAB_DB / data/benchlab.duckdb (see db-path.ts). */
  dbPath?: string;
  /**
   * Open read-only (the commands that only read, notebooks, reports): the file is never written,
   * so it may be one the user cannot write, and other read-only openers (in other processes too)
   * can hold it at the same time. A read-only open never migrates: it requires the file to exist
   * (see mustExist) and to have this Benchlab's schema version.
   */
  readOnly?: boolean;
  /**
   * Fail with DatabaseMissingError (exit 3, `no database at PATH`) instead of creating a new
   * empty database when the file does not exist. Implied by readOnly.
   */
  mustExist?: boolean;
  lockRetry?: LockRetryOptions;
}

/** A command that needs an existing database was pointed at a file that does not exist (exit 3). */
export class DatabaseMissingError extends InputError {
  readonly dbPath: string;

  constructor(dbPath: string) {
    super(
      `no database at ${dbPath}: run 'benchlab import' or 'benchlab run' first to create it, ` +
        `or point --db PATH or BENCHLAB_DB at an existing database`,
    );
    this.name = 'DatabaseMissingError';
    this.dbPath = dbPath;
  }
}

/**
 * A read-only open found an older schema: reading it could fail or mislead, and a read-only
 * open may not migrate (exit 4). The next command that writes upgrades the file.
 */
export class SchemaTooOldError extends Error {
  constructor(dbPath: string, found: number, expected: number) {
    super(
      `database ${dbPath} has schema version ${found}, older than this Benchlab's ${expected}, and a read-only ` +
        `command does not upgrade it. Run a command that writes to it once (benchlab import, run, or retrieve ` +
        `without --no-record), then try again.`,
    );
    this.name = 'SchemaTooOldError';
  }
}

/** DuckDB's message when a read-write open meets a file the user may not write. */
const CANNOT_WRITE = /Cannot open file .*: (Permission denied|Read-only file system|Operation not permitted)/;

/**
 * A command that writes met a database file the user cannot write (exit 4). Commands that only
 * read open it read-only and work on it.
 */
export class DatabaseNotWritableError extends Error {
  readonly dbPath: string;

  constructor(dbPath: string, cause: unknown) {
    super(
      `database ${dbPath} cannot be opened for writing (${cause instanceof Error ? cause.message : String(cause)}). ` +
        `Commands that only read work on it (datasets, retrieve --no-record, report, compare); to write, ` +
        `make the file writable or use another one with --db PATH or BENCHLAB_DB.`,
      { cause },
    );
    this.name = 'DatabaseNotWritableError';
    this.dbPath = dbPath;
  }
}

/** Rows per data chunk handed to the Appender: DuckDB's vector size. */
export const APPEND_CHUNK_ROWS = 2048;

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type ParamTypes = Record<string, DuckDBType | undefined>;
/**
 * A column for `Store.appendInt32Columns`: an INTEGER column's values, or an INTEGER[] column's
 * lists as each row's length and all the rows' values one row after the other.
 */
export type Int32Column = Int32Array | { lengths: Int32Array; values: Int32Array };

function checkInt32Column(table: string, index: number, column: Int32Column, rowCount: number): void {
  const rows = column instanceof Int32Array ? column.length : column.lengths.length;
  if (rows !== rowCount) throw new Error(`append to ${table}: column ${index + 1} has ${rows} rows, not ${rowCount}`);
  if (column instanceof Int32Array) return;
  let total = 0;
  for (let i = 0; i < rowCount; i++) {
    const length = column.lengths[i] as number;
    if (length < 0) throw new Error(`append to ${table}: column ${index + 1}, row ${i + 1} has a negative list length`);
    total += length;
  }
  if (total !== column.values.length) throw new Error(`append to ${table}: column ${index + 1}'s lists hold ${total} values, ${column.values.length} given`);
}

function copyInt32s(vector: duckdb.Vector, values: Int32Array): void {
  if (values.length > 0) duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Fills a LIST(INTEGER) vector with rows `start` to `start + size` of `column`, whose values
 * begin at `valueStart`; returns where the next rows' values begin. A list vector holds a
 * (offset, length) pair of 64-bit integers per row and one child vector with all the values.
 */
function fillListVector(vector: duckdb.Vector, column: { lengths: Int32Array; values: Int32Array }, start: number, size: number, valueStart: number): number {
  const entries = new BigUint64Array(size * 2);
  // The pairs' high halves stay 0 (no list is longer than 2^32): written as 32-bit halves,
  // without a BigInt per value, where the machine is little-endian (every platform Node runs on).
  const halves = new Uint32Array(entries.buffer);
  let total = 0;
  for (let row = 0; row < size; row++) {
    const length = column.lengths[start + row] as number;
    if (LITTLE_ENDIAN) {
      halves[row * 4] = total;
      halves[row * 4 + 2] = length;
    } else {
      entries[row * 2] = BigInt(total);
      entries[row * 2 + 1] = BigInt(length);
    }
    total += length;
  }
  duckdb.list_vector_reserve(vector, total);
  duckdb.list_vector_set_size(vector, total);
  copyInt32s(duckdb.list_vector_get_child(vector), column.values.subarray(valueStart, valueStart + total));
  duckdb.copy_data_to_vector(vector, 0, entries.buffer, 0, entries.byteLength);
  return valueStart + total;
}

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

/**
 * A write the database did not take (its COMMIT failed: disk full, file too large, permission
 * denied). The message names the database and keeps DuckDB's own message, which names the file
 * it could not write; `cause` is DuckDB's error.
 */
export class DatabaseWriteError extends Error {
  readonly dbPath: string;

  constructor(dbPath: string, cause: unknown) {
    super(`could not write to database ${dbPath}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseWriteError';
    this.dbPath = dbPath;
  }
}

const ABORTED_TRANSACTION = /Current transaction is aborted/;

/** The error to report for a failed transaction: the first failed statement's, not a later "aborted". */
function firstCause(thrown: unknown, first: unknown): unknown {
  if (first === undefined || first === thrown) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return ABORTED_TRANSACTION.test(message) ? first : thrown;
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
    await this.noting(() => this.connection.run(sql, params, types));
  }

  /** Runs a query and returns its rows as plain JS objects (BIGINT becomes bigint, lists arrays). */
  async all<T extends Row = Row>(sql: string, params?: Params, types?: ParamTypes): Promise<T[]> {
    const reader = await this.noting(() => this.connection.runAndReadAll(sql, params, types));
    return reader.getRowObjectsJS() as T[];
  }

  /** Runs a query and returns its columns as arrays (faster than row objects for large results). */
  async columns(sql: string, params?: Params, types?: ParamTypes): Promise<unknown[][]> {
    const reader = await this.noting(() => this.connection.runAndReadAll(sql, params, types));
    return reader.getColumnsJS();
  }

  async one<T extends Row = Row>(sql: string, params?: Params, types?: ParamTypes): Promise<T | undefined> {
    return (await this.all<T>(sql, params, types))[0];
  }

  /**
   * The first statement of the open transaction that failed. After it DuckDB answers every
   * statement with "Current transaction is aborted", which is no cause at all; the transaction
   * reports this one instead.
   */
  private firstFailure: unknown;

  /** Runs a statement, noting its failure when it is the transaction's first. */
  private async noting<T>(statement: () => Promise<T>): Promise<T> {
    try {
      return await statement();
    } catch (error) {
      if (this.inTransaction && this.firstFailure === undefined) this.firstFailure = error;
      throw error;
    }
  }

  /**
   * Runs `work` in one transaction: everything it wrote is committed together, or, when it
   * throws, nothing is. Nested calls join the outer transaction.
   *
   * A failure reports its first, real cause: the error of the statement that failed (not the
   * "Current transaction is aborted" of a later one), and a failed COMMIT (disk full, file too
   * large, permission denied) as a DatabaseWriteError naming the database and DuckDB's own
   * message. The ROLLBACK after a failure never replaces it: after a failed COMMIT DuckDB has
   * already rolled back, and its "cannot rollback - no transaction is active" is dropped.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    await this.connection.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    this.firstFailure = undefined;
    try {
      let result: T;
      try {
        result = await work();
      } catch (error) {
        throw firstCause(error, this.firstFailure);
      }
      try {
        await this.connection.run('COMMIT');
      } catch (error) {
        throw new DatabaseWriteError(this.dbPath, error);
      }
      return result;
    } catch (error) {
      await this.rollbackQuietly();
      throw error;
    } finally {
      this.inTransaction = false;
      this.firstFailure = undefined;
    }
  }

  /** Rolls the open transaction back, if DuckDB still has one; a failure here is never the cause. */
  private async rollbackQuietly(): Promise<void> {
    try {
      await this.connection.run('ROLLBACK');
    } catch {
      // Already rolled back (a failed COMMIT), or the connection is unusable: either way the
      // error of the write that failed is the one to report.
    }
  }

  /**
   * Appends rows to `table` through DuckDB's Appender, inside a transaction (the caller's, or
   * one of its own), so a failure part-way leaves no partial rows. Values are given in the
   * table's column order; plain arrays go to LIST columns. Rows are handed over in columnar
   * data chunks of APPEND_CHUNK_ROWS, which is several times faster than value-by-value appends.
   */
  async append(table: string, rows: Iterable<readonly AppendValue[]>): Promise<number> {
    return this.withAppender(table, (appender, types) => {
      const columnCount = types.length;
      let count = 0;
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
      return count;
    });
  }

  /**
   * Appends `rowCount` rows of INTEGER and INTEGER[] columns given as typed arrays (see
   * Int32Column), like `append` in every other respect. The arrays are copied into DuckDB's
   * vectors a data chunk at a time (@duckdb/node-bindings' copy into the vector's memory, as
   * @duckdb/node-api does after converting value by value), so nothing is converted per value:
   * for the import's postings (millions of rows with a list each) this took a third of the time
   * of `append`.
   */
  async appendInt32Columns(table: string, rowCount: number, columns: readonly Int32Column[]): Promise<number> {
    columns.forEach((column, i) => checkInt32Column(table, i, column, rowCount));
    return this.withAppender(table, (appender, types) => {
      if (types.length !== columns.length) throw new Error(`append to ${table}: ${columns.length} columns given, table has ${types.length}`);
      columns.forEach((column, i) => {
        const type = types[i] as DuckDBType;
        const wanted = column instanceof Int32Array ? 'INTEGER' : 'INTEGER[]';
        if (type.toString() !== wanted) throw new Error(`append to ${table}: column ${i + 1} is ${type.toString()}, not ${wanted}`);
      });
      // Where each list column's values for the next chunk start.
      const listStarts = columns.map(() => 0);
      for (let start = 0; start < rowCount; start += APPEND_CHUNK_ROWS) {
        const size = Math.min(APPEND_CHUNK_ROWS, rowCount - start);
        const chunk = DuckDBDataChunk.create(types, size);
        columns.forEach((column, i) => {
          const vector = duckdb.data_chunk_get_vector(chunk.chunk, i);
          if (column instanceof Int32Array) {
            copyInt32s(vector, column.subarray(start, start + size));
          } else {
            listStarts[i] = fillListVector(vector, column, start, size, listStarts[i] as number);
          }
        });
        appender.appendDataChunk(chunk);
      }
      return rowCount;
    });
  }

  /** Runs `fill` with an Appender on `table` and its column types, in a transaction; flushes and closes it. */
  private async withAppender(table: string, fill: (appender: DuckDBAppender, types: DuckDBType[]) => number): Promise<number> {
    return this.transaction(async () => {
      const appender = await this.noting(() => this.connection.createAppender(table));
      let appended = false;
      try {
        const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
        const count = fill(appender, types);
        appender.flushSync();
        appended = true;
        return count;
      } catch (error) {
        if (this.firstFailure === undefined) this.firstFailure = error;
        throw error;
      } finally {
        // Closing flushes: after a failure its error would only hide the first one.
        try {
          appender.closeSync();
        } catch (error) {
          if (appended) throw error;
        }
      }
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
    const connection = await created.connect();
    try {
      if (readOnly) await checkSchemaReadOnly(connection, dbPath);
      else await migrate(connection, dbPath);
    } catch (error) {
      connection.closeSync();
      created.closeSync();
      throw error;
    }
    connection.closeSync();
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

/** What a read-only open checks instead of migrating: a Benchlab database of this schema version. */
async function checkSchemaReadOnly(connection: DuckDBConnection, dbPath: string): Promise<void> {
  if (dbPath === ':memory:') return;
  const tables = await connection.runAndReadAll(
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'schema_version'`,
  );
  if (Number(tables.getRowObjectsJS()[0]?.['n'] ?? 0) === 0) {
    throw new InputError(`${dbPath} is not a Benchlab database (it has no schema_version table)`);
  }
  const found = await currentSchemaVersion(connection);
  if (found > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(dbPath, found, LATEST_SCHEMA_VERSION);
  if (found < LATEST_SCHEMA_VERSION) throw new SchemaTooOldError(dbPath, found, LATEST_SCHEMA_VERSION);
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
    if (options.readOnly || options.mustExist) {
      // Never a new empty file: a command that needs data names the file it could not find.
      if (!fs.existsSync(dbPath)) throw new DatabaseMissingError(dbPath);
      if (!fs.statSync(dbPath).isFile()) throw new InputError(`${dbPath} is not a database file (it is a folder or a device)`);
    } else {
      fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    }
  }
  let instance: DuckDBInstance;
  try {
    instance = await acquireInstance(dbPath, options);
  } catch (error) {
    throw options.readOnly || !CANNOT_WRITE.test(error instanceof Error ? error.message : String(error)) ? error : new DatabaseNotWritableError(dbPath, error);
  }
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
