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

/** html-to-text, loaded on first use (commands that never read HTML do not load it). */
async function converter(): Promise<(html: string, options: HtmlToTextOptions) => string> {
  return (await import('html-to-text')).convert;
}

/** The text of an HTML document or fragment (see the module header). */
export async function htmlToPlainText(html: string): Promise<string> {
  return (await converter())(html, TEXT_OPTIONS);
}

export async function extractHtml(bytes: Uint8Array): Promise<ExtractedText> {
  const html = decodeUtf8(bytes);
  const convert = await converter();
  const text = convert(html, TEXT_OPTIONS);
  // Every match's text, one per line: the first line is the first element's (or its first line).
  const title = firstLineTitle(convert(html, titleOptions('title'))) || firstLineTitle(convert(html, titleOptions('h1'))) || firstLineTitle(text);
  return { title, text };
}
