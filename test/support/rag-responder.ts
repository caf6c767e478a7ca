/**
 * A stand-in "model" for the fake Ollama server that answers the RAG prompt
 * (data/prompts/rag-answer.v1.json) the way small local models do: it reads the passages (`[id]`
 * then the text) and the question from the prompt, answers from the passages that share the most
 * words with the question, and cites them. Which shape and which citation defect it shows is
 * chosen by a hash of the question, so runs are deterministic; each case is a behaviour seen from
 * real small models (llama3.2:3b, qwen2.5:7b class):
 *
 * With a JSON Schema `format` (Ollama >= 0.5.0 constrains the output with a grammar from the
 * schema, so the *shape* always holds; only the content drifts):
 *   - the declared answer, citing the two best-matching passages (often, not always, relevant);
 *   - a citation that is no passage id (`d999`): a model citing a source it remembers or invents;
 *   - an empty citation list with `[1]`-style markers in the answer text: models that number the
 *     passages they read, ignoring the ids;
 *   - ids copied with their brackets (`"[d001]"`) or as passage numbers (`"1"`).
 * With `format: "json"` (JSON guaranteed, no shape): a comma-separated string of ids, objects
 *   with an `id` field, renamed keys (`sources`).
 * Without a format (chat-tuned habits): JSON wrapped in prose, JSON in a Markdown fence, or
 *   prose with `[1]` markers and no JSON.
 */
import type { RespondRequest } from './fake-ollama/types';
import { queryResponder } from './query-responder';

/** True for a request made with the RAG prompt. */
export function isRagPrompt(prompt: string): boolean {
  return prompt.startsWith('Answer the question using only the documents below.');
}

/** The id a hallucinating answer cites: in no context of the sample collection. */
export const HALLUCINATED_ID = 'd999';

interface Passage {
  id: string;
  text: string;
}

export function ragPassages(prompt: string): Passage[] {
  return [...prompt.matchAll(/^\[([^\]\n]+)\]\n(.*)$/gm)].map((m) => ({ id: m[1] ?? '', text: m[2] ?? '' }));
}

export function ragQuestion(prompt: string): string {
  return /^Question: (.*)$/m.exec(prompt)?.[1] ?? '';
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const words = (text: string) => new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 3));

/** The passages ranked by the words they share with the question (the model's "reading"). */
function bestPassages(passages: Passage[], question: string, n: number): { passage: Passage; index: number }[] {
  const q = words(question);
  return passages
    .map((passage, index) => ({ passage, index, overlap: [...words(passage.text)].filter((w) => q.has(w)).length }))
    .sort((a, b) => b.overlap - a.overlap || a.index - b.index)
    .slice(0, n);
}

export function ragAnswer(req: RespondRequest): string {
  const passages = ragPassages(req.prompt);
  const question = ragQuestion(req.prompt);
  const h = hash(question);
  const best = bestPassages(passages, question, 2);
  const ids = best.map((b) => b.passage.id);
  const sentence = (b: { passage: Passage }) => b.passage.text.split(/(?<=\.)\s/)[0]?.slice(0, 160) ?? '';
  const answer = best.map(sentence).join(' ') || 'The documents do not answer the question.';
  const json = (value: unknown) => JSON.stringify(value);
  const schema = req.format !== null && typeof req.format === 'object';
  if (schema) {
    switch (h % 8) {
      case 4:
        return json({ answer, citations: [...ids.slice(0, 1), HALLUCINATED_ID] });
      case 5:
        return json({ answer: best.map((b) => `${sentence(b)} [${b.index + 1}]`).join(' '), citations: [] });
      case 6:
        return json({ answer, citations: ids.map((id) => `[${id}]`) });
      case 7:
        return json({ answer, citations: best.map((b) => String(b.index + 1)) });
      default:
        return json({ answer, citations: ids });
    }
  }
  if (req.format === 'json') {
    switch (h % 3) {
      case 0:
        return json({ answer, citations: ids.join(', ') });
      case 1:
        return json({ answer, citations: ids.map((id) => ({ id })) });
      default:
        return json({ response: answer, sources: ids });
    }
  }
  switch (h % 3) {
    case 0:
      return `Based on the documents, here is the answer:\n${json({ answer, citations: ids })}\nI hope this helps.`;
    case 1:
      return `\`\`\`json\n${json({ answer, citations: ids })}\n\`\`\``;
    default:
      return best.map((b) => `${sentence(b)} [${b.index + 1}]`).join(' ');
  }
}

/** The RAG prompt answered by ragAnswer, any other (the boolean-query prompt) by queryResponder: a run's mixed generators. */
export function ragOrQueryResponder(req: RespondRequest): string {
  return isRagPrompt(req.prompt) ? ragAnswer(req) : queryResponder(req);
}
