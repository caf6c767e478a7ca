/**
 * The run report's RAG section: citation precision and recall with their intervals,
 * hallucinated citations, the latency split, and the answers per question. Answers are model
 * output: a model answering with a `<script>` (prompt injection through a retrieved passage, or
 * a model echoing markup) must show as text, never run; checked in the HTML and, where Debian's
 * Chromium is installed, in a headless browser (no dialog, no script effect, the text visible).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRunReport } from '../../lib/publish/render-reports';
import { runBench } from '../../lib/runs/bench-run';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama, RespondRequest } from '../support/fake-ollama/types';
import { queryResponder } from '../support/query-responder';
import { isRagPrompt, ragAnswer, ragPassages, ragQuestion } from '../support/rag-responder';
import { removeDir, tempDir } from '../support/temp-store';

const HOSTILE = '<script>window.__pwned = true; alert(1)</script><img src=x onerror="window.__pwned = true">';
const CHROMIUM = '/usr/bin/chromium';

let fake: FakeOllama;
let dir: string;
let html: string;
let file: string;
// The first question's answer carries markup; the others answer as small models do.
const respond = (req: RespondRequest) => {
  if (!isRagPrompt(req.prompt)) return queryResponder(req);
  if (ragQuestion(req.prompt).startsWith('Does metformin')) return JSON.stringify({ answer: HOSTILE, citations: [ragPassages(req.prompt)[0]?.id, '<b>d1</b>'] });
  return ragAnswer(req);
};

beforeAll(async () => {
  fake = await startFakeOllama({ respond });
  dir = tempDir();
  const suite = path.join(dir, 'rag.yaml');
  fs.writeFileSync(suite, `name: rag-report\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: rag\n    model: llama3.2:3b\n    retriever: {type: bm25}\n    k: 5\nmax_questions: 8\ngpu_sampling: false\n`);
  const dbPath = path.join(dir, 'r.duckdb');
  const result = await runBench({ suite, dbPath, useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }] });
  file = await renderRunReport(dbPath, result.runId, path.join(dir, 'reports'));
  html = fs.readFileSync(file, 'utf8');
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});

describe('the run report of a RAG run', () => {
  // Assertions on substrings, so a failure does not print the whole page.
  const has = (text: string | RegExp) => (typeof text === 'string' ? html.includes(text) : text.test(html));

  it('shows citation precision and recall with intervals, hallucinated citations and the latency split', () => {
    expect(has('<section id="rag">')).toBe(true);
    expect(has('Citations and latency per RAG generator')).toBe(true);
    expect(has(/citation precision<\/th>/)).toBe(true);
    expect(has(/<td class="num">\[0\.\d{3}, [01]\.\d{3}\]<\/td>/)).toBe(true);
    expect(has('retrieval p50 / p95')).toBe(true);
    expect(has('Answers and citations per question')).toBe(true);
    expect(has('citation citation-relevant')).toBe(true);
    expect(has('citation citation-hallucinated')).toBe(true);
  });

  it('escapes a hostile answer and a hostile citation: text, not markup', () => {
    expect(has('&lt;script&gt;window.__pwned = true; alert(1)&lt;/script&gt;')).toBe(true);
    expect(has('<script>window.__pwned')).toBe(false);
    expect(has('<img src=x')).toBe(false);
    expect(has('<b>d1')).toBe(false);
    expect(has('d1&lt;/b')).toBe(true);
  });

  it.skipIf(!fs.existsSync(CHROMIUM))('renders the hostile answer inert in headless Chromium', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], headless: true });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(pathToFileURL(file).href);
      await page.locator('#rag').waitFor();
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(await page.getByText('<script>window.__pwned', { exact: false }).first().isVisible()).toBe(true);
      expect(await page.locator('#rag script, #rag img').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
