/**
 * Owns how a thread count is read from the environment (BENCHLAB_SCORING_THREADS for retrieval,
 * BENCHLAB_IMPORT_THREADS for the import's tokenizer): a positive integer is the count asked
 * for; anything else (unset, empty, 0, negative, fractional, not a number) asks for nothing and
 * leaves the choice to the caller's default.
 */
export function threadsAsked(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const asked = env[variable];
  if (asked === undefined || asked.trim() === '') return undefined;
  const n = Number(asked);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}
