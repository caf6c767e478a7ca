/** Options every command accepts, set on the root program (`benchlab --db PATH <command>`). */
export interface GlobalOptions {
  /** Database file; falls back to BENCHLAB_DB, then data/benchlab.duckdb. */
  db?: string;
}
