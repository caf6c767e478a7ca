/**
 * Stand-in "models" for the fake Ollama server that answer the boolean-query prompt the way real
 * small local models do, so a benchmark run meets the variety of a real server rather than the
 * one shape the code expects. Each persona reads the question from the prompt and builds its
 * queries from the question's words; which defect or shape it shows is chosen by a hash of the
 * question, so runs are deterministic.
 *
 * - `instruct` (an instruction-following model such as llama3.2:3b): with any `format` it answers
 *   the asked shape, `{"queries": [...]}`; without one it wraps that JSON in a Markdown fence, as
 *   chat-tuned models do.
 * - `sloppy` (a small model that drifts): with a JSON Schema `format` the server's grammar holds
 *   the shape, so only the content drifts (lowercase and/or used as operators, a missing closing
 *   parenthesis, typographic quotes, sometimes a query that stays broken). With `format: "json"`
 *   Ollama guarantees JSON, not a shape: it answers `{"query": ...}`, a bare array,
 *   `{"queries": "a\nb"}`, arrays of objects, `{"Queries": ...}`, `{"search_queries": ...}`, and
 *   now and then an empty list. Without a format it writes prose with a numbered or bulleted list.
 * - `thinking` (a reasoning model such as qwen3): thinks first, in Ollama's separate thinking
 *   field (`thinking` / `message.thinking` / `delta.reasoning`), and that thinking contains a
 *   decoy JSON answer that must never be read; then answers like `instruct`. With `think: false`
 *   it does not think.
 */
import type { RespondAnswer, RespondRequest } from './fake-ollama/types';
import { questionOf } from './query-responder';

export type Persona = 'instruct' | 'sloppy' | 'thinking';

/** The query the thinking persona puts in its thinking; it must never reach a stored item. */
export const DECOY_QUERY = 'decoy AND thinking';

const STOP = new Set(['the', 'of', 'in', 'and', 'or', 'not', 'a', 'an', 'to', 'for', 'with', 'does', 'do', 'is', 'are', 'what', 'how', 'than', 'on', 'by', 'who', 'which', 'there', 'be', 'when', 'its', 'any', 'as', 'from', 'has', 'have', 'was', 'were', 'this', 'that', 'these', 'also']);

function words(question: string): string[] {
  const all = question.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2 && !STOP.has(w));
  return all.length > 0 ? all : ['medicine'];
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function requestedCount(prompt: string): number {
  return Number(/Write (\d+) different/.exec(prompt)?.[1] ?? 3);
}

const at = (list: string[], i: number): string => list[i % list.length] as string;

/** Three well-formed queries of different styles. */
function goodQueries(w: string[], count: number): string[] {
  const all = [
    `${at(w, 0)} AND ${at(w, 1)}`,
    `(${at(w, 0)} OR ${at(w, 2)}) AND ${at(w, 1)}*`,
    w.slice(0, 5).join(' OR '),
    `"${at(w, 0)} ${at(w, 1)}" OR ${at(w, 2)}`,
  ];
  return all.slice(0, count);
}

/** The sloppy persona's queries: the same ideas with a defect chosen by the question's hash. */
function sloppyQueries(w: string[], count: number, h: number): string[] {
  const q = goodQueries(w, count);
  switch (h % 6) {
    case 0:
      q[0] = `(${at(w, 0)} or ${at(w, 2)}) and ${at(w, 1)}`; // lowercase operators
      break;
    case 1:
      q[1] = `(${at(w, 0)} OR ${at(w, 2)}) AND (${at(w, 1)} OR ${at(w, 3)}`; // missing closing parenthesis
      break;
    case 2:
      q[2] = `\u201C${at(w, 0)} ${at(w, 1)}\u201D OR ${at(w, 2)}`; // typographic quotes
      break;
    case 3:
      q[0] = `${at(w, 0)} AND OR ${at(w, 1)}`; // broken beyond repair; the other queries still run
      break;
    default:
      break;
  }
  return q;
}

const json = (value: unknown) => JSON.stringify(value);

/** Shapes a small model gives under `format: "json"`. */
function jsonShape(queries: string[], h: number): string {
  switch (h % 16) {
    case 0:
      return json({ query: queries[0] });
    case 1:
      return json(queries);
    case 2:
      return json({ queries: queries.join('\n') });
    case 3:
      return json(queries.map((query) => ({ query })));
    case 4:
      return json({ queries: queries.map((q, i) => ({ id: i + 1, query: q })) });
    case 5:
      return json({ Queries: queries });
    case 6:
      return json({ search_queries: queries });
    case 7:
      return json({ queries: [] }); // nothing usable
    default:
      return json({ queries });
  }
}

/** Shapes without any format: prose around the answer. */
function proseShape(queries: string[], h: number): string {
  switch (h % 3) {
    case 0:
      return `Here are ${queries.length} boolean queries for this question:\n\n${queries.map((q, i) => `${i + 1}. ${q}`).join('\n')}\n\nLet me know if you need more.`;
    case 1:
      return `Sure! Some searches you could try:\n${queries.map((q) => `- ${q}`).join('\n')}`;
    default:
      return `I would search with these queries:\n\n\`\`\`json\n${json({ queries })}\n\`\`\``;
  }
}

function isSchema(format: unknown): boolean {
  return format !== null && typeof format === 'object';
}

export function personaAnswer(persona: Persona, req: RespondRequest): string | RespondAnswer {
  const question = questionOf(req.prompt);
  const w = words(question);
  const h = hash(question);
  const count = requestedCount(req.prompt);
  if (persona === 'sloppy') {
    const queries = sloppyQueries(w, count, h);
    if (isSchema(req.format)) return json({ queries });
    if (req.format === 'json') return jsonShape(queries, h >>> 4);
    return proseShape(queries, h >>> 4);
  }
  const queries = goodQueries(w, count);
  const answer = req.format !== undefined && req.format !== null && req.format !== '' ? json({ queries }) : `\`\`\`json\n${json({ queries })}\n\`\`\``;
  if (persona === 'instruct' || req.think === false) return answer;
  const thinking =
    `The user wants ${count} boolean queries about: ${question}. Key concepts: ${w.slice(0, 4).join(', ')}. ` +
    `A first draft would be {"queries": ["${DECOY_QUERY}"]} but that is too narrow, so I will use synonyms instead.`;
  return { thinking, content: answer };
}

/** A `respond` for the fake server: each model name answers as its persona; unknown names as `instruct`. */
export function personaResponder(personas: Record<string, Persona>): (req: RespondRequest) => string | RespondAnswer {
  return (req) => personaAnswer(personas[req.model] ?? 'instruct', req);
}
