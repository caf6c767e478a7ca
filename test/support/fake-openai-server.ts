/**
 * A minimal OpenAI-compatible server (the `/v1` API that LM Studio, vLLM, llama.cpp server and
 * Ollama expose) for testing the OpenAI provider over real HTTP: `GET /v1/models` and streamed
 * `POST /v1/chat/completions` as server-sent events with a final usage record and llama.cpp's
 * `timings`. `failNext` makes the next completion answer with a given status.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenAi {
  url: string;
  requests: { path: string; body: unknown }[];
  failNext(status: number, message: string): void;
  close(): Promise<void>;
}

export async function startFakeOpenAi(models: string[], respond: (prompt: string) => string): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  const failures: { status: number; message: string }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>);
      requests.push({ path: req.url ?? '', body });
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'local' })) }));
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/chat/completions' && body) {
        const failure = failures.shift();
        if (failure) {
          res.writeHead(failure.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: failure.message, type: 'server_error' } }));
          return;
        }
        if (!models.includes(String(body['model']))) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `model '${String(body['model'])}' not found`, type: 'invalid_request_error' } }));
          return;
        }
        const messages = body['messages'] as { role: string; content: string }[];
        const words = respond(messages.at(-1)?.content ?? '').split(/(?<= )/);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
        for (const word of words) send({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: word } }] });
        send({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 12, completion_tokens: words.length }, timings: { prompt_ms: 3.5, predicted_ms: 40, predicted_per_second: words.length / 0.04 } });
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (status, message) => failures.push({ status, message }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
