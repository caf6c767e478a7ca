/**
 * A progress bar for long passes (imports, embedding passes): one cli-progress bar with the count
 * of items done, items/s and the ETA on a terminal; nothing off a terminal (the callers also pass
 * the silent one in --json mode). Position (what the bar fills by) and count (what is counted and
 * rated) may be different units: an import fills by corpus bytes and counts documents.
 */
import cliProgress from 'cli-progress';

export interface RateProgress {
  /** Starts the bar; `total` in the position's units. */
  start(total: number): void;
  /** `position` in the position's units, `count` items done so far. */
  update(position: number, count: number): void;
  stop(): void;
}

export const silentRateProgress: RateProgress = { start: () => undefined, update: () => undefined, stop: () => undefined };

/** A bar drawn as ` LABEL [bar] 42% | 1234 UNIT | 56 UNIT/s | ETA 1m02s`. */
export function terminalRateProgress(label: string, unit: string, stream: NodeJS.WriteStream = process.stderr): RateProgress {
  if (!stream.isTTY) return silentRateProgress;
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  return {
    start(total) {
      started = Date.now();
      bar = new cliProgress.SingleBar(
        { stream, format: ` ${label} {bar} {percentage}% | {count} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0, { count: 0, rate: 0 });
    },
    update(position, count) {
      const seconds = (Date.now() - started) / 1000;
      bar?.update(position, { count, rate: seconds > 0 ? Math.round(count / seconds) : 0 });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
