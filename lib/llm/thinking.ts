/**
 * Thinking text that arrives inside the answer. Ollama separates a thinking model's reasoning
 * into its own field (`thinking` in generate, `message.thinking` in chat, `reasoning` in /v1),
 * but a model whose template Ollama cannot split (or an older server) puts `<think>...</think>`
 * in the content instead. This module moves such blocks out of the answer so they are stored
 * apart and never read as the answer. Hand-written: a two-tag split needs no parser library.
 */
const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';

/**
 * Splits reasoning-model output into the answer and the thinking. Removes every
 * `<think>...</think>` block (tags matched case-insensitively); an unclosed `<think>` swallows the
 * rest of the text. A `</think>` with no `<think>` before it (templates that put the opening tag
 * in the prompt, as DeepSeek-R1's does) makes everything before it thinking.
 */
export function splitThinking(text: string): { answer: string; thinking: string } {
  const lower = text.toLowerCase();
  const thinking: string[] = [];
  let answer = '';
  let i = 0;
  const firstOpen = lower.indexOf(THINK_OPEN);
  const firstClose = lower.indexOf(THINK_CLOSE);
  if (firstClose !== -1 && (firstOpen === -1 || firstClose < firstOpen)) {
    thinking.push(text.slice(0, firstClose));
    i = firstClose + THINK_CLOSE.length;
  }
  while (i < text.length) {
    const open = lower.indexOf(THINK_OPEN, i);
    if (open === -1) {
      answer += text.slice(i);
      break;
    }
    answer += text.slice(i, open);
    const close = lower.indexOf(THINK_CLOSE, open + THINK_OPEN.length);
    if (close === -1) {
      thinking.push(text.slice(open + THINK_OPEN.length));
      break;
    }
    thinking.push(text.slice(open + THINK_OPEN.length, close));
    i = close + THINK_CLOSE.length;
  }
  return { answer: answer.trim(), thinking: thinking.map((t) => t.trim()).filter((t) => t !== '').join('\n\n') };
}
