/**
 * A stand-in "model" for the fake Ollama server: answers the boolean-query prompt with JSON
 * built from the question's words, different per model, so a benchmark run has realistic,
 * deterministic LLM output (including one malformed query from `mistral:7b`).
 */
import type { RespondRequest } from './fake-ollama/types';

const STOP = new Set(['the', 'of', 'in', 'and', 'or', 'not', 'a', 'an', 'to', 'for', 'with', 'does', 'do', 'is', 'are', 'what', 'how', 'than', 'on', 'by', 'who', 'which', 'there', 'be', 'when', 'compared']);

export function questionOf(prompt: string): string {
  const match = /research question:\s*\n\s*\n(.*?)\n/s.exec(prompt);
  return match?.[1] ?? prompt;
}

export function queryResponder(req: RespondRequest): string {
  const words = questionOf(req.prompt)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2 && !STOP.has(w));
  const head = words.slice(0, 3);
  const queries =
    req.model.startsWith('llama')
      ? [head.join(' AND '), words.slice(0, 6).join(' OR '), `(${head[0] ?? 'x'} OR ${head[1] ?? 'y'}) AND ${head[2] ?? 'z'}*`]
      : req.model.startsWith('qwen')
        ? [words.join(' | '), `${head[0] ?? 'x'} & (${words.slice(1, 5).join(' | ') || 'y'})`]
        : [`${head[0] ?? 'x'} AND (`, words.join(' OR ')];
  return JSON.stringify({ queries });
}
