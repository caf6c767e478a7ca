/**
 * Chunking at sentence boundaries (Intl.Segmenter), with a word budget, overlap and offsets.
 */
import { describe, expect, it } from 'vitest';

import { chunkText } from '../../lib/embeddings/chunking';

const TEXT = 'The heart pumps blood. It has four chambers! Does the liver filter it? Yes, it does. Kidneys help too.';

describe('chunkText', () => {
  it('packs whole sentences up to max_tokens, with offsets that slice the text', () => {
    const chunks = chunkText(TEXT, { maxTokens: 8, overlapTokens: 0 });
    expect(chunks.map((c) => c.text)).toEqual(['The heart pumps blood. It has four chambers!', 'Does the liver filter it? Yes, it does.', 'Kidneys help too.']);
    for (const c of chunks) expect(TEXT.slice(c.start, c.end)).toBe(c.text);
    expect(chunks.map((c) => c.tokens)).toEqual([8, 8, 3]);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2]);
  });

  it('repeats the last whole sentences of a chunk at the start of the next (overlap)', () => {
    const chunks = chunkText(TEXT, { maxTokens: 9, overlapTokens: 4 });
    expect(chunks.map((c) => c.text)).toEqual([
      'The heart pumps blood. It has four chambers!',
      'It has four chambers! Does the liver filter it?',
      // "Does the liver filter it?" (5 words) is over the overlap: no overlap here.
      'Yes, it does. Kidneys help too.',
    ]);
  });

  it('cuts a sentence longer than max_tokens at word boundaries', () => {
    const long = Array.from({ length: 10 }, (_, i) => `w${i}`).join(' ') + '.';
    const chunks = chunkText(long, { maxTokens: 4, overlapTokens: 0 });
    expect(chunks.map((c) => c.tokens)).toEqual([4, 4, 2]);
    expect(chunks.map((c) => c.text)).toEqual(['w0 w1 w2 w3', 'w4 w5 w6 w7', 'w8 w9.']);
  });

  it('a short text is one chunk; a text without words none', () => {
    expect(chunkText('Just one.', { maxTokens: 10, overlapTokens: 2 }).map((c) => c.text)).toEqual(['Just one.']);
    expect(chunkText('  ... ', { maxTokens: 10, overlapTokens: 2 })).toEqual([]);
  });

  it('rejects an overlap as large as the chunk', () => {
    expect(() => chunkText(TEXT, { maxTokens: 4, overlapTokens: 4 })).toThrow(/overlap_tokens/);
  });
});
