/**
 * HTML files (`.html`, `.htm`) of the `files` format, and the HTML-to-text step Markdown goes
 * through. Text extraction is html-to-text's (htmlparser2 underneath): the body's text with
 * block structure kept as line breaks, `<script>`, `<style>` and `<head>` dropped, character
 * references decoded, link targets and images left out, case kept (html-to-text upper-cases
 * headings by default; stored text is shown to people and models, so it stays as written).
 *
 * Title: the `<title>` element, else the first `<h1>`, else the first non-blank line of the text.
 * HTML is read as UTF-8 (invalid UTF-8 is reported): a page in another encoding must be converted.
 */
import type { HtmlToTextOptions } from 'html-to-text';
import { decodeUtf8, firstLineTitle, type ExtractedText } from './extracted-text';

const headings = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }));

const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ...headings,
  ],
};

const titleOptions = (selector: string): HtmlToTextOptions => ({
  ...TEXT_OPTIONS,
  baseElements: { selectors: [selector], returnDomByDefault: false },
});

interface Converters {
  text: (html: string) => string;
  title: (html: string) => string;
  h1: (html: string) => string;
}

let converters: Promise<Converters> | undefined;

/** html-to-text's converters, compiled once (compiling the options per file cost more than converting) and loaded on first use. */
function load(): Promise<Converters> {
  converters ??= import('html-to-text').then(({ compile }) => ({
    text: compile(TEXT_OPTIONS),
    title: compile(titleOptions('title')),
    h1: compile(titleOptions('h1')),
  }));
  return converters;
}

/** The text of an HTML document or fragment (see the module header). */
export async function htmlToPlainText(html: string): Promise<string> {
  return (await load()).text(html);
}

export async function extractHtml(bytes: Uint8Array): Promise<ExtractedText> {
  const html = decodeUtf8(bytes);
  const convert = await load();
  const text = convert.text(html);
  // Every match's text, one per line: the first line is the first element's (or its first line).
  const title = firstLineTitle(convert.title(html)) || firstLineTitle(convert.h1(html)) || firstLineTitle(text);
  return { title, text };
}
