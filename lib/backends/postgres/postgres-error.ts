/**
 * PostgreSQL failures a user can act on, with what to do: the server cannot be reached, refuses
 * the login, has no such database or table, or the table lacks a named column. The CLI maps
 * BackendUnavailableError to its own exit code (9), apart from bad input (3) and crashes (1).
 */
export class BackendUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);
/** SQLSTATE: invalid password / authorization, database missing, relation or column missing. */
const SQLSTATE_HINTS: Record<string, string> = {
  '28P01': 'the login was refused (password)',
  '28000': 'the login was refused (authorization)',
  '3D000': 'the database does not exist',
  '42P01': 'the table does not exist (benchlab export --to postgres creates one)',
  '42703': 'a column named in the settings does not exist (id_column, text_column, tsvector_column)',
};

/** `error` as a BackendUnavailableError when it is one of the failures above; otherwise unchanged. */
export function explainPostgresError(error: unknown, where: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const message = error instanceof Error ? error.message : String(error);
  if (CONNECTION_CODES.has(code)) {
    return new BackendUnavailableError(`cannot reach PostgreSQL (${where}): ${message}. Set BENCHLAB_PG_URL (or PGHOST, PGPORT, ...) to a running server`, { cause: error });
  }
  const hint = SQLSTATE_HINTS[code];
  return hint ? new BackendUnavailableError(`PostgreSQL (${where}): ${hint}: ${message}`, { cause: error }) : error;
}
