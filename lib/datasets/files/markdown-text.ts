/**
 * Markdown files (`.md`, `.markdown`) of the `files` format. marked (CommonMark + GFM) renders
 * the Markdown to HTML, and the HTML step of html-text.ts turns that into text: markup, link
 * targets and images go, the words stay (raw HTML inside the Markdown gets the HTML rules:
 * scripts and styles dropped). A YAML front matter block (`---` ... `---` at the very start, as
 * Jekyll, Hugo and others write it) is not part of the text.
 *
 * Title: the front matter's `title`, else the first heading (ATX `#` or setext), else the first
 * non-blank line of the text. UTF-8 (invalid UTF-8 is reported).
 */
import type { Marked, Token } from 'marked' with { 'resolution-mode': 'import' };
import { parse as parseYaml } from 'yaml';
import { cleanTitle, decodeUtf8, firstLineTitle, type ExtractedText } from './extracted-text';
import { htmlToPlainText } from './html-text';

/** Front matter: `---` on the first line, up to a line `---` or `...` (the YAML end marker). */
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

let instance: Promise<Marked> | undefined;

/** A marked instance of our own (marked's global one is shared with anything else in the process); ESM-only, so imported. */
function markdown(): Promise<Marked> {
  instance ??= import('marked').then(({ Marked }) => new Marked({ gfm: true, async: false }));
  return instance;
}

function frontMatterTitle(yaml: string): string {
  try {
    const data: unknown = parseYaml(yaml);
    if (data !== null && typeof data === 'object' && 'title' in data) {
      const title = (data as { title: unknown }).title;
      if (typeof title === 'string' || typeof title === 'number') return cleanTitle(String(title));
    }
  } catch {
    // Not YAML after all: no title from it (the block is still left out of the text).
  }
  return '';
}

function firstHeading(tokens: Token[]): Token | undefined {
  for (const token of tokens) {
    if (token.type === 'heading') return token;
  }
  return undefined;
}

export async function extractMarkdown(bytes: Uint8Array): Promise<ExtractedText> {
  let source = decodeUtf8(bytes).replace(/\r\n?/g, '\n');
  let title = '';
  const front = FRONT_MATTER.exec(source);
  if (front) {
    title = frontMatterTitle(front[1] ?? '');
    source = source.slice(front[0].length);
  }
  const md = await markdown();
  const tokens = md.lexer(source);
  const text = (await htmlToPlainText(md.parser(tokens))).trim();
  if (title === '') {
    const heading = firstHeading(tokens);
    if (heading !== undefined && 'text' in heading && typeof heading.text === 'string') {
      title = cleanTitle(await htmlToPlainText(md.parseInline(heading.text) as string));
    }
  }
  return { title: title || firstLineTitle(text), text };
}
