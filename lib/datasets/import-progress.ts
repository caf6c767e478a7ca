/**
 * Progress of an import (`benchlab import`, `benchlab datasets pull`): one cli-progress bar with
 * documents indexed, documents/s and ETA on a terminal; nothing off a terminal or in --json mode.
 * Progress is measured in the stream's units (corpus bytes, or documents).
 */
import cliProgress from 'cli-progress';

export interface ImportProgress {
  /** Starts the bar; `total` in the stream's units. */
  start(total: number): void;
  /** `position` in the stream's units, `documents` read so far. */
  update(position: number, documents: number): void;
  stop(): void;
}

export const silentImportProgress: ImportProgress = { start: () => undefined, update: () => undefined, stop: () => undefined };

export function terminalImportProgress(stream: NodeJS.WriteStream = process.stderr): ImportProgress {
  if (!stream.isTTY) return silentImportProgress;
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  return {
    start(total) {
      started = Date.now();
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: ' index {bar} {percentage}% | {documents} documents | {rate} documents/s | ETA {eta_formatted}',
          hideCursor: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0, { documents: 0, rate: 0 });
    },
    update(position, documents) {
      const seconds = (Date.now() - started) / 1000;
      bar?.update(position, { documents, rate: seconds > 0 ? Math.round(documents / seconds) : 0 });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
