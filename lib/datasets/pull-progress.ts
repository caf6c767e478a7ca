/**
 * Progress of `benchlab datasets pull`: a cli-progress bar per byte-measured stage (download,
 * unpack) and one line per stage without a measure (checksum, parse, index), on a terminal only.
 * Off a terminal (CI logs, pipes, tests) nothing is written.
 */
import cliProgress from 'cli-progress';

/** One byte-measured stage. */
export interface ByteMeter {
  add(bytes: number): void;
  done(): void;
}

export interface PullProgress {
  /** Starts a stage measured in bytes; `total` 0 when unknown (no bar, just the count). */
  bytes(label: string, total: number): ByteMeter;
  /** Announces a stage that has no measure. */
  step(label: string): void;
}

const silentMeter: ByteMeter = { add: () => undefined, done: () => undefined };
export const silentPullProgress: PullProgress = { bytes: () => silentMeter, step: () => undefined };

/** `1.5 MB`-style sizes (decimal units, as download sizes are usually given). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 'B';
  for (const u of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = u;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${unit}`;
}

export function terminalPullProgress(stream: NodeJS.WriteStream = process.stderr): PullProgress {
  if (!stream.isTTY) return silentPullProgress;
  return {
    bytes(label, total) {
      const known = total > 0;
      const bar = new cliProgress.SingleBar(
        {
          stream,
          format: known
            ? ' {label} {bar} {percentage}% | {done} of {all} | ETA {eta_formatted}'
            : ' {label} {done}',
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      let value = 0;
      bar.start(known ? total : Number.MAX_SAFE_INTEGER, 0, { label, done: formatBytes(0), all: formatBytes(total) });
      return {
        add(bytes) {
          value += bytes;
          bar.update(value, { done: formatBytes(value) });
        },
        done() {
          bar.update(value, { done: formatBytes(value) });
          bar.stop();
        },
      };
    },
    step(label) {
      stream.write(` ${label}\n`);
    },
  };
}
