/**
 * Progress of an embedding pass: one cli-progress bar (as imports draw theirs,
 * lib/datasets/import-progress.ts) over the dataset's documents, with the chunks embedded or
 * reused so far, chunks/s and the ETA, on a terminal; nothing off a terminal or in --json mode.
 */
import cliProgress from 'cli-progress';

export interface EmbeddingProgress {
  /** `total` documents. */
  start(total: number): void;
  /** Documents done, and chunks done (computed, reused or already there). */
  update(documents: number, chunks: number): void;
  stop(): void;
}

export const silentEmbeddingProgress: EmbeddingProgress = { start: () => undefined, update: () => undefined, stop: () => undefined };

export function terminalEmbeddingProgress(stream: NodeJS.WriteStream = process.stderr): EmbeddingProgress {
  if (!stream.isTTY) return silentEmbeddingProgress;
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  return {
    start(total) {
      started = Date.now();
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: ' embed {bar} {percentage}% | {value}/{total} documents | {chunks} chunks | {rate} chunks/s | ETA {eta_formatted}',
          hideCursor: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0, { chunks: 0, rate: 0 });
    },
    update(documents, chunks) {
      const seconds = (Date.now() - started) / 1000;
      bar?.update(documents, { chunks, rate: seconds > 0 ? Math.round(chunks / seconds) : 0 });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
