/**
 * The form of a prompt reference, `id@version` (e.g. `boolean-query@2`, the file
 * data/prompts/boolean-query.v2.json). Kept apart from prompt-template.ts (which compiles answer
 * schemas with ajv) so that suites and experiments can check their references cheaply when loaded.
 */
export const PROMPT_REF = /^([a-z0-9][a-z0-9-]*)@(\d+)$/;
