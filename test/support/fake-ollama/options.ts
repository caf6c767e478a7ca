/**
 * `options` validation, modelled on Ollama's api.Options.FromMap.
 *
 * Wrong types get Ollama's own texts (`option "num_ctx" must be of type integer`, ...). Real
 * Ollama answers those with status 500 (the error surfaces through handleScheduleError's default
 * branch); this fake answers 400, as Benchlab asked: the request is at fault, not the server.
 *
 * Unknown keys: real Ollama only logs `invalid option provided` as a warning and ignores the key.
 * This fake is STRICTER and rejects them with 400, so a typo in a Benchlab option set is an error
 * in tests rather than a silently dropped setting.
 */

type OptionType = 'integer' | 'float' | 'boolean' | 'strings';

export const KNOWN_OPTIONS: Readonly<Record<string, OptionType>> = {
  num_ctx: 'integer',
  num_predict: 'integer',
  temperature: 'float',
  top_k: 'integer',
  top_p: 'float',
  min_p: 'float',
  seed: 'integer',
  stop: 'strings',
  repeat_penalty: 'float',
  repeat_last_n: 'integer',
  presence_penalty: 'float',
  frequency_penalty: 'float',
  num_gpu: 'integer',
  num_thread: 'integer',
  num_batch: 'integer',
  typical_p: 'float',
  mirostat: 'integer',
  mirostat_tau: 'float',
  mirostat_eta: 'float',
  penalize_newline: 'boolean',
  numa: 'boolean',
  use_mmap: 'boolean',
  num_keep: 'integer',
};

/** The first problem with `options` as an error text, or null when they are acceptable. */
export function validateOptions(options: Record<string, unknown> | undefined): string | null {
  if (!options) return null;
  for (const [key, value] of Object.entries(options)) {
    const type = KNOWN_OPTIONS[key];
    if (type === undefined) {
      return `invalid option provided: ${JSON.stringify(key)} is not an Ollama option (real Ollama would only log a warning and ignore it)`;
    }
    if (value === null) continue; // FromMap skips nil values
    switch (type) {
      case 'integer':
        // JSON numbers decode to float64 and are truncated, so 2048.5 passes; strings do not.
        if (typeof value !== 'number') return `option ${JSON.stringify(key)} must be of type integer`;
        break;
      case 'float':
        if (typeof value !== 'number') return `option ${JSON.stringify(key)} must be of type float32`;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') return `option ${JSON.stringify(key)} must be of type boolean`;
        break;
      case 'strings':
        if (!Array.isArray(value)) return `option ${JSON.stringify(key)} must be of type array`;
        if (!value.every((s) => typeof s === 'string')) {
          return `option ${JSON.stringify(key)} must be of an array of strings`;
        }
        break;
    }
  }
  return null;
}
