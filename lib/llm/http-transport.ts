/**
 * The fetch every provider uses. Node's built-in fetch gives up on its own after 300 s without
 * headers or body data (undici's headersTimeout/bodyTimeout), which would cut long local
 * generations short and hide our own limits; this transport uses an undici Agent with those
 * timeouts off, so Benchlab's deadlines (total and idle, see deadline.ts) are the only ones.
 *
 * NDJSON streams are validated line by line on the way in: the ollama client silently skips a
 * line that is not JSON, which would drop part of an answer without anyone knowing, so a bad
 * line turns into a `malformed-response` error here instead.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { LlmError } from './llm-error';

const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 10_000 });

export type Fetch = typeof globalThis.fetch;

function validateNdjson(body: ReadableStream<Uint8Array>, host: string): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  let lineNumber = 0;
  const checkLine = (line: string, controller: TransformStreamDefaultController<Uint8Array>) => {
    lineNumber++;
    if (line.trim() === '') return;
    try {
      JSON.parse(line);
    } catch {
      const preview = line.length > 80 ? `${line.slice(0, 80)}...` : line;
      controller.error(new LlmError('malformed-response', host, `line ${lineNumber} of the response stream is not JSON: ${preview}`));
      return;
    }
    controller.enqueue(encoder.encode(line + '\n'));
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) checkLine(line, controller);
      },
      flush(controller) {
        buffer += decoder.decode();
        if (buffer !== '') checkLine(buffer, controller);
      },
    }),
  );
}

/** A fetch bound to one request: aborted by `signal`, NDJSON bodies validated. */
export function transportFetch(host: string, signal: AbortSignal): Fetch {
  const bound = async (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]): Promise<Response> => {
    const signals = init?.signal ? [init.signal, signal] : [signal];
    const response = (await undiciFetch(input as string, {
      ...(init as object),
      signal: AbortSignal.any(signals),
      dispatcher: agent,
    } as Parameters<typeof undiciFetch>[1])) as unknown as Response;
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && response.body && type.includes('ndjson')) {
      return new Response(validateNdjson(response.body, host), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    return response;
  };
  return bound as Fetch;
}
