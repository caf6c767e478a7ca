/**
 * Running GPU tools as child processes: one-shot calls with a time limit, and long-lived loop
 * processes read line by line. Every child is spawned detached (its own process group), so a hung
 * tool is ended with everything it started (`kill(-pid)`), and a dying child can never take the
 * parent down: spawn errors, exits and signals all come back as a `ToolOutcome`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ToolOutcome } from './smi-failure';

/** What is kept of a process's output for classifying its end. */
const OUTPUT_TAIL_CHARS = 4096;
/** After the process exits, how long to wait for its pipes to drain. */
const CLOSE_GRACE_MS = 200;
const IS_WINDOWS = process.platform === 'win32';

export interface ToolCall {
  command: string;
  args: readonly string[];
  /** Environment of the child; its PATH decides which executable runs. */
  env?: NodeJS.ProcessEnv;
}

/** Ends a child and its process group; quiet when it is already gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    if (IS_WINDOWS) child.kill(signal);
    else process.kill(-pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function spawnDetached(call: ToolCall): ChildProcess {
  return spawn(call.command, [...call.args], {
    env: call.env ?? process.env,
    detached: !IS_WINDOWS,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

export interface ToolResult extends ToolOutcome {
  stdout: string;
  pid: number | undefined;
}

/**
 * Runs a tool once; kills its process group when it takes longer than `timeoutMs` or `signal`
 * aborts (the sampler stopping). Never rejects.
 */
export function runTool(call: ToolCall, timeoutMs: number, signal?: AbortSignal): Promise<ToolResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawnDetached(call);
    } catch (error) {
      resolve({ spawnErrorCode: (error as NodeJS.ErrnoException).code ?? 'ESPAWN', exitCode: null, signal: null, output: String(error), stdout: '', pid: undefined });
      return;
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    const abort = () => killGroup(child);
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) abort();
    const finish = (outcome: Omit<ToolResult, 'stdout' | 'pid'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      resolve({ ...outcome, stdout, pid: child.pid });
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish({ spawnErrorCode: error.code ?? 'ESPAWN', exitCode: null, signal: null, output: error.message });
    });
    child.on('exit', (code, signal) => {
      // Pipes may still hold output; a leftover grandchild may hold them open forever.
      const grace = setTimeout(() => {
        killGroup(child);
        finish({ exitCode: code, signal, output: stdout + stderr, timedOut });
      }, CLOSE_GRACE_MS);
      child.once('close', () => {
        clearTimeout(grace);
        finish({ exitCode: code, signal, output: stdout + stderr, timedOut });
      });
    });
  });
}

export interface LoopHandlers {
  onLine: (line: string) => void;
  /** Called once, however the process ended (spawn error, exit, signal, kill). */
  onExit: (outcome: ToolOutcome) => void;
}

/** A long-lived tool process whose stdout is read line by line. */
export class LoopProcess {
  readonly child: ChildProcess;
  private tail = '';
  private partial = '';
  private ended = false;
  private killedByUs = false;

  constructor(call: ToolCall, private readonly handlers: LoopHandlers) {
    this.child = spawnDetached(call);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.keepTail(chunk));
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      this.end({ spawnErrorCode: error.code ?? 'ESPAWN', exitCode: null, signal: null, output: error.message });
    });
    this.child.on('exit', (code, signal) => {
      const grace = setTimeout(() => {
        killGroup(this.child);
        this.finishExit(code, signal);
      }, CLOSE_GRACE_MS);
      this.child.once('close', () => {
        clearTimeout(grace);
        this.finishExit(code, signal);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Kills the process group. `timedOut` marks it as ended by the watchdog. */
  kill(): void {
    this.killedByUs = true;
    killGroup(this.child);
  }

  private finishExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.partial !== '') {
      const last = this.partial;
      this.partial = '';
      if (!this.killedByUs) this.handlers.onLine(last);
    }
    this.end({ exitCode: code, signal, output: this.tail });
  }

  private end(outcome: ToolOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.handlers.onExit(outcome);
  }

  private keepTail(chunk: string): void {
    this.tail = (this.tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  }

  private onData(chunk: string): void {
    this.keepTail(chunk);
    if (this.killedByUs) return;
    const text = this.partial + chunk;
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      this.handlers.onLine(text.slice(start, newline));
      start = newline + 1;
    }
    this.partial = text.slice(start);
  }
}
