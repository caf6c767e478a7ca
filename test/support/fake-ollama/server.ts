/**
 * An Ollama-compatible HTTP server for tests, on 127.0.0.1 and a random free port, so code is
 * exercised through the real `ollama` client over real HTTP.
 *
 *   const fake = await startFakeOllama({ respond: (r) => `echo ${r.prompt}` });
 *   const ollama = new Ollama({ host: fake.url });
 *   ...
 *   await fake.close();
 *
 * See README.md in this folder for the endpoints, faults and known differences from real Ollama.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { FaultQueue } from './faults';
import { defaultRespond } from './generation';
import { handleRequest, type ServerState } from './handlers';
import { DEFAULT_MODELS, ModelStore } from './models';
import type { FakeOllama, FakeOllamaConfig } from './types';

export type {
  FakeModel,
  FakeOllama,
  FakeOllamaConfig,
  Fault,
  FaultKind,
  FaultMatch,
  RecordedRequest,
  RespondAnswer,
  RespondRequest,
  ThinkValue,
} from './types';
export { DEFAULT_MODELS } from './models';
export { ERRORS } from './faults';
export { KNOWN_OPTIONS } from './options';

export async function startFakeOllama(config: FakeOllamaConfig = {}): Promise<FakeOllama> {
  const closing = new AbortController();
  setMaxListeners(0, closing.signal); // one listener per in-flight request
  let completionIds = 0;
  const state: ServerState = {
    store: new ModelStore(config.models ?? DEFAULT_MODELS),
    faults: new FaultQueue(),
    requests: [],
    respond: config.respond ?? defaultRespond,
    tokenDelayMs: Math.max(0, config.tokenDelayMs ?? 0),
    spendLoadTime: config.spendLoadTime ?? false,
    chunkSize: Math.max(1, Math.trunc(config.chunkSize ?? 1)),
    version: config.version ?? '0.12.0',
    embeddingsDisabled: config.embeddingsDisabled ?? false,
    closing: closing.signal,
    nextId: () => ++completionIds,
  };

  const server = http.createServer((req, res) => {
    void handleRequest(state, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        closing.abort(); // ends hanging responses and pending delays
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
    inject: (fault) => state.faults.inject(fault),
    clearFaults: () => state.faults.clear(),
    requests: state.requests,
    setModels: (models) => state.store.set(models),
    loadedModels: () => state.store.loadedNames(),
  };
}
