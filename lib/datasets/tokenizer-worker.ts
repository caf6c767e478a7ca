/**
 * Owns the worker thread side of the import's tokenizing (tokenizer-pipeline.ts): one
 * BatchTokenizer for the import's life, fed batches of field texts in order, answering each with
 * its TokenizedBatch (the id arrays transferred, not copied), or with an error message. Imports
 * only the tokenizer and the analyzer, so it starts in tens of milliseconds and never loads DuckDB.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { BatchTokenizer } from './batch-tokenizer';
import type { TokenizerReply, TokenizerWorkerData } from './tokenizer-pipeline';

const { settings } = workerData as TokenizerWorkerData;
const tokenizer = new BatchTokenizer(settings, `worker-${threadId}`);

parentPort?.on('message', (texts: (string | null)[]) => {
  let reply: TokenizerReply;
  try {
    reply = { batch: tokenizer.tokenize(texts) };
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies TokenizerReply);
    return;
  }
  parentPort?.postMessage(reply, [reply.batch.wordCounts.buffer as ArrayBuffer, reply.batch.surfaceIds.buffer as ArrayBuffer]);
});
