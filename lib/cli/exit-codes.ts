/**
 * Benchlab's exit codes, so scripts and CI can tell failures apart: which error exits with which
 * code (the numbers are in exit-code-table.ts, re-exported here). Documented in README.md.
 */
import { InputError } from '../input-error';
import { DatabaseLockedError } from '../store/lock-retry';
import { SchemaTooNewError } from '../store/migrate';
import { DatabaseNotWritableError, DatabaseWriteError, SchemaTooOldError } from '../store/store';
import { RunWriteError } from '../runs/run-errors';
import { BackendUnavailableError } from '../backends/postgres/postgres-error';
import { EXIT, type ExitCode } from './exit-code-table';

export { EXIT, type ExitCode } from './exit-code-table';

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof InputError) return EXIT.input;
  if (error instanceof BackendUnavailableError || (error instanceof RunWriteError && error.cause instanceof BackendUnavailableError)) return EXIT.searchBackend;
  if (
    error instanceof DatabaseLockedError ||
    error instanceof SchemaTooNewError ||
    error instanceof SchemaTooOldError ||
    error instanceof DatabaseNotWritableError ||
    error instanceof DatabaseWriteError ||
    error instanceof RunWriteError
  ) {
    return EXIT.database;
  }
  return EXIT.failure;
}
