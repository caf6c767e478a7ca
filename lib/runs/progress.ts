/**
 * Progress of a long run: a cli-progress bar with ETA on a terminal, nothing otherwise (CI
 * logs and tests stay clean). The run engine only sees the small `Progress` interface.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, done: number): void;
  advance(label: string): void;
  stop(): void;
}

export const silentProgress: Progress = { start: () => undefined, advance: () => undefined, stop: () => undefined };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  const bar = new cliProgress.SingleBar(
    { stream, format: ' {bar} {percentage}% | {value}/{total} items | ETA {eta_formatted} | {label}', hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, done) => bar.start(total, done, { label: '' }),
    advance: (label) => bar.increment(1, { label }),
    stop: () => bar.stop(),
  };
}
