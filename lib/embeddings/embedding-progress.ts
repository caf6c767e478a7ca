/**
 * Progress of an embedding pass: one bar over the dataset's documents (lib/terminal-progress.ts,
 * as imports draw theirs) with the chunks embedded, reused or already stored so far, chunks/s
 * and the ETA, on a terminal; nothing off a terminal or in --json mode.
 */
import { silentRateProgress, terminalRateProgress, type RateProgress } from '../terminal-progress';

/** `start(total documents)`; `update(documents done, chunks done)`. */
export type EmbeddingProgress = RateProgress;

export const silentEmbeddingProgress: EmbeddingProgress = silentRateProgress;

export function terminalEmbeddingProgress(stream: NodeJS.WriteStream = process.stderr): EmbeddingProgress {
  return terminalRateProgress('embed', 'chunks', stream);
}
