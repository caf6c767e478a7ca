/**
 * The numbers of Benchlab's exit codes, with no imports: the CLI's start-up path (main.ts) names
 * them without loading the store. Which error maps to which code is exit-codes.ts's job.
 * Documented in README.md.
 */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** An unexpected failure (a bug, an I/O error): the message and stack are printed. */
  failure: 1,
  /** Wrong command-line usage: unknown command or option, missing argument. */
  usage: 2,
  /** Bad input: a malformed dataset file, an unknown dataset, an invalid option value. */
  input: 3,
  /**
   * The database is held by another process, was written by a newer Benchlab, or (for a
   * read-only command, which does not migrate) by an older one, or a command that writes met a
   * file the user cannot write, or a write the file system refused (disk full, file too large,
   * permission): the message names the cause and the file, and nothing stored before is lost.
   */
  database: 4,
  /** The work ran but an expectation failed (e.g. a suite's minimum nDCG@10). */
  expectationFailed: 5,
  /** `benchlab gpu`: no GPU tool (nvidia-smi, rocm-smi) on PATH. */
  noGpuTool: 6,
  /** `benchlab gpu`: the GPU tool is there but cannot work (driver not loaded, version mismatch). */
  gpuToolFailed: 7,
  /**
   * `benchlab models`: no LLM host answered (refused, unreachable, timed out or failed). Not bad
   * input (3): the host list may be right and the server only down, so retrying later fixes it;
   * a malformed OLLAMA_HOST is still 3. Apart from 1 so scripts can tell "Ollama is down" from a
   * crash, as 6 and 7 do for the GPU tool.
   */
  noLlmHost: 8,
  /**
   * The search backend named by a suite or `export --to postgres` cannot be used: PostgreSQL is
   * unreachable, refuses the login, or lacks the database, table or a named column. The message
   * says which and what to set.
   */
  searchBackend: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
