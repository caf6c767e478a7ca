/**
 * Progress of an import (`benchlab import`, `benchlab datasets pull`): one cli-progress bar with
 * documents indexed, documents/s and ETA on a terminal; nothing off a terminal or in --json mode.
 * Progress is measured in the stream's units (corpus bytes, or documents). The bar itself is
 * lib/terminal-progress.ts.
 */
import { silentRateProgress, terminalRateProgress, type RateProgress } from '../terminal-progress';

/** `start(total)` in the stream's units; `update(position, documents read so far)`. */
export type ImportProgress = RateProgress;

export const silentImportProgress: ImportProgress = silentRateProgress;

export function terminalImportProgress(stream: NodeJS.WriteStream = process.stderr): ImportProgress {
  return terminalRateProgress('index', 'documents', stream);
}
