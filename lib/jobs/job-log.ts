/**
 * How the jobs daemon and `benchlab jobs run` print progress: one line per event, with an ISO
 * timestamp and level, information to stdout and warnings and errors to stderr (so a process
 * manager's log keeps both, and `2>` separates the problems).
 */
import type { JobLogger } from './job-handler';

export function timestampedLogger(stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): JobLogger {
  const line = (stream: NodeJS.WritableStream, level: string, text: string) => stream.write(`${new Date().toISOString()} ${level} ${text}\n`);
  return {
    info: (text) => line(stdout, 'info ', text),
    warn: (text) => line(stderr, 'warn ', text),
    error: (text) => line(stderr, 'error', text),
  };
}

/** A logger that prefixes every line (a job's own lines carry the job's name). */
export function prefixedLogger(log: JobLogger, prefix: string): JobLogger {
  return {
    info: (text) => log.info(`${prefix}${text}`),
    warn: (text) => log.warn(`${prefix}${text}`),
    error: (text) => log.error(`${prefix}${text}`),
  };
}

export const silentLogger: JobLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
