/**
 * Owns where the import's batches are tokenized: in a worker thread (tokenizer-worker.ts), so
 * that the next batch is tokenized while this thread indexes and stages the previous one, or
 * inline. Both run the same BatchTokenizer, so the rows written are the same either way (a test
 * imports through the built CLI both ways and compares every table).
 *
 * When: BENCHLAB_IMPORT_THREADS=1 tokenizes inline; otherwise a worker is used when the machine
 * has two cores or more and the compiled worker exists (under vitest the TypeScript sources run
 * and it does not: inline). It starts with the fifth batch (WORKER_FROM_BATCH): an import of
 * up to 2,000 documents (the sample, the classic collections) never pays for a thread (a
 * CRAN-sized import of 1,400 documents, three batches, took 940-1,000 ms with the worker from
 * the second batch and 820-925 ms inline, four runs each, alternated), and the first batches
 * are tokenized inline while it starts. Batches are answered in the order they were
 * sent. A worker that fails, exits or answers with an error loses nothing: it is dropped, and
 * the batches it did not answer, and every later one, are tokenized inline. The inline tokenizer
 * and the worker number words each their own way; IndexBuilder keeps each numbering's ids apart
 * and refuses a batch out of order. The worker keeps the process alive only while a batch is
 * out, and `close` ends it.
 *
 * Measured: see lib/datasets/import.ts's header. Hand-written: the worker keeps its dictionary
 * between batches and must answer in order, which pools such as piscina do not give.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalyzerSettings } from '../text/analyzer';
import { BatchTokenizer, type TokenizedBatch } from './batch-tokenizer';
import { threadsAsked } from '../threads-asked';

/** The environment variable that sets the import's threads: 1 tokenizes in the main thread. */
export const IMPORT_THREADS_ENV = 'BENCHLAB_IMPORT_THREADS';

const WORKER_FILE = path.join(__dirname, 'tokenizer-worker.js');

/** The batch (counting from 1) whose tokenizing starts the worker. */
export const WORKER_FROM_BATCH = 5;

export interface TokenizerWorkerData {
  settings: AnalyzerSettings;
}

/** A worker's answer to one batch. */
export type TokenizerReply = { batch: TokenizedBatch; error?: undefined } | { error: string; batch?: undefined };

/** Whether the import tokenizes in a worker thread: the environment's choice, else when there are two cores. */
export function tokenizeInWorker(env: NodeJS.ProcessEnv = process.env, workerFile = WORKER_FILE): boolean {
  if (!fs.existsSync(workerFile)) return false;
  const asked = threadsAsked(env, IMPORT_THREADS_ENV);
  if (asked !== undefined) return asked > 1;
  return os.availableParallelism() > 1;
}

interface Pending {
  texts: (string | null)[];
  resolve: (batch: TokenizedBatch) => void;
  reject: (error: unknown) => void;
}

export class TokenizerPipeline {
  private worker: Worker | undefined;
  /** Batches sent to the worker and not answered yet, oldest first. */
  private readonly pending: Pending[] = [];
  private inline: BatchTokenizer | undefined;
  /** The worker to start at batch `workerFrom`, until it is started. */
  private workerToStart: string | undefined;
  private readonly workerFrom: number;
  private batches = 0;
  /** Batches the worker tokenized. */
  workerBatches = 0;
  /** Why the worker was dropped or not started, if it was. */
  failure: string | undefined;

  /**
   * `workerFile`: the compiled worker (tests run the TypeScript sources, and point at dist/ or a
   * wrapper); `workerFrom`: the batch that starts it (WORKER_FROM_BATCH).
   */
  constructor(
    private readonly settings: AnalyzerSettings,
    {
      workerFile = WORKER_FILE,
      useWorker = tokenizeInWorker(process.env, workerFile),
      workerFrom = WORKER_FROM_BATCH,
    }: { workerFile?: string; useWorker?: boolean; workerFrom?: number } = {},
  ) {
    this.workerToStart = useWorker ? workerFile : undefined;
    this.workerFrom = workerFrom;
  }

  private startWorker(workerFile: string): void {
    this.workerToStart = undefined;
    try {
      const data: TokenizerWorkerData = { settings: this.settings };
      const worker = new Worker(workerFile, { workerData: data });
      worker.unref();
      worker.on('message', (reply: TokenizerReply) => this.onReply(reply));
      worker.on('error', (error) => this.drop(error.message));
      worker.on('messageerror', (error) => this.drop(error.message));
      worker.on('exit', (code) => this.drop(`exited with code ${code}`));
      this.worker = worker;
    } catch (error) {
      // No worker could start (resource limits): tokenize inline.
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  /** Whether batches go to the worker. */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /** Tokenizes `texts` (laid out as fieldTexts does); batches resolve in the order they were given. */
  tokenize(texts: (string | null)[]): Promise<TokenizedBatch> {
    if (++this.batches >= this.workerFrom && this.workerToStart !== undefined) this.startWorker(this.workerToStart);
    const worker = this.worker;
    if (worker === undefined) return this.tokenizeInline(texts);
    return new Promise((resolve, reject) => {
      this.pending.push({ texts, resolve, reject });
      // Only a batch out keeps the process alive (a worker left idle never does).
      if (this.pending.length === 1) worker.ref();
      worker.postMessage(texts);
    });
  }

  private tokenizeInline(texts: (string | null)[]): Promise<TokenizedBatch> {
    this.inline ??= new BatchTokenizer(this.settings);
    try {
      return Promise.resolve(this.inline.tokenize(texts));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private onReply(reply: TokenizerReply): void {
    const next = reply.batch === undefined ? undefined : this.pending.shift();
    if (next === undefined || reply.batch === undefined) {
      this.drop(reply.error ?? 'answered a batch it was not sent');
      return;
    }
    this.workerBatches++;
    if (this.pending.length === 0) this.worker?.unref();
    next.resolve(reply.batch);
  }

  /** Drops a failed worker: the batches it did not answer are tokenized inline, in order. */
  private drop(reason: string): void {
    const pending = this.detach();
    if (pending === undefined) return;
    this.failure = reason;
    for (const batch of pending) this.tokenizeInline(batch.texts).then(batch.resolve, batch.reject);
  }

  /** Stops using the worker and ends it; returns the batches it did not answer (undefined if there was none). */
  private detach(): Pending[] | undefined {
    const worker = this.worker;
    if (worker === undefined) return undefined;
    this.worker = undefined;
    worker.removeAllListeners();
    // A late 'error' from the dying worker must not be an uncaught one.
    worker.on('error', () => undefined);
    worker.unref();
    void worker.terminate().catch(() => undefined);
    return this.pending.splice(0);
  }

  /** Ends the worker; batches still out are rejected (the import stops using them). */
  close(): void {
    this.workerToStart = undefined;
    for (const batch of this.detach() ?? []) batch.reject(new Error('tokenizer closed'));
  }
}
