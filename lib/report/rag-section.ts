/**
 * The run report's RAG section (view model in, HTML out; lib/runs/rag-report-data.ts builds the
 * model): per RAG generator citation precision and recall with their 95% intervals,
 * hallucinated citations, the latency split (retrieval, model load, generation; p50 and p95)
 * and the cache-hit latency; then the answers per question with their citations, each marked
 * relevant, not relevant or not in the context. Answers and citations are model output: only
 * ever interpolated through `html`, which escapes them as text, so an answer holding markup or a
 * script is shown, never run.
 */
import { CONFIDENCE_METHOD } from '../stats/confidence-interval';
import type { LatencyPart } from '../rag/rag-answers';
import type { RagAnswerRow, RagCitationCell, RagReportData } from '../runs/rag-report-data';
import { MAX_RAG_ANSWER_CHARS, MAX_RAG_ANSWER_ROWS } from '../runs/rag-report-data';
import { formatCiBounds, formatCount, formatMetric, formatMs, formatRate } from './format';
import { html, type SafeHtml } from './html-page';
import { renderTable } from './table';

const split = (l: LatencyPart): string => `${formatMs(l.p50)} / ${formatMs(l.p95)}`;

function citationCell(c: RagCitationCell): SafeHtml {
  const kind = c.how === 'not-in-context' ? 'hallucinated' : c.relevant === true ? 'relevant' : c.relevant === false ? 'not-relevant' : 'unjudged';
  const title = c.how === 'not-in-context' ? 'not an id of the context given: a hallucinated citation'
    : `${kind.replace('-', ' ')}${c.how === 'exact' ? '' : c.how === 'index' ? `; the model cited passage ${c.raw}` : `; the model wrote ${c.raw}`}`;
  return html`<span class="citation citation-${kind}" title="${title}">${c.id}</span>`;
}

function answerCell(a: RagAnswerRow): SafeHtml {
  if (a.answer === null) return html`<span class="note">(no answer)</span>`;
  const cut = a.answer.length >= MAX_RAG_ANSWER_CHARS ? '…' : '';
  return html`<span class="rag-answer">${a.answer}${cut}</span>`;
}

function summaryTable(rag: RagReportData): SafeHtml {
  return renderTable({
    caption: 'Citations and latency per RAG generator',
    rows: rag.generators,
    columns: [
      { header: 'generator', cell: (g) => g.generator },
      { header: 'retriever', cell: (g) => `${g.retriever}, k = ${g.k}` },
      { header: 'citation precision', numeric: true, title: 'cited documents that are relevant, over cited documents of the context (mean over items)', cell: (g) => formatMetric(g.citationPrecision.mean) },
      { header: '95% CI', numeric: true, cell: (g) => formatCiBounds(g.citationPrecision) },
      { header: 'citation recall', numeric: true, title: 'relevant documents of the context that are cited (mean over items)', cell: (g) => formatMetric(g.citationRecall.mean) },
      { header: '95% CI', numeric: true, cell: (g) => formatCiBounds(g.citationRecall) },
      { header: 'hallucinated', numeric: true, title: 'citations that are no id of the context, of all citations', cell: (g) => `${formatCount(g.hallucinatedCitations)} of ${formatCount(g.citations)} (${formatRate(g.hallucinationRate)})` },
      { header: 'retrieval p50 / p95', numeric: true, cell: (g) => split(g.latency.retrieval) },
      { header: 'load p50 / p95', numeric: true, cell: (g) => split(g.latency.load) },
      { header: 'generation p50 / p95', numeric: true, cell: (g) => split(g.latency.generation) },
      { header: 'item p50 / p95', numeric: true, cell: (g) => split(g.latency.total) },
      { header: 'cache hits', numeric: true, cell: (g) => formatCount(g.latency.cacheHit.n) },
      { header: 'cache hit p50 / p95', numeric: true, cell: (g) => split(g.latency.cacheHit) },
    ],
  });
}

function answerTable(rag: RagReportData): SafeHtml {
  const firstOfQuestion = (index: number) => index === 0 || rag.answers[index - 1]?.queryId !== rag.answers[index]?.queryId;
  const repeated = rag.answers.some((a) => a.repeat > 0);
  return renderTable({
    caption: 'Answers and citations per question',
    rows: rag.answers,
    empty: 'No RAG answers were stored for this run.',
    rowClass: (_a, index) => (firstOfQuestion(index) ? 'group-start' : undefined),
    columns: [
      { header: 'question', cell: (a) => a.queryId },
      { header: 'text', cell: (a) => a.question, className: () => 'question' },
      { header: 'generator', cell: (a) => a.generator },
      ...(repeated ? [{ header: 'repeat', numeric: true, cell: (a: RagAnswerRow) => a.repeat + 1 }] : []),
      { header: 'answer', wide: true, cell: answerCell },
      { header: 'citations', cell: (a) => (a.citations.length === 0 ? html`<span class="note">none</span>` : html`${a.citations.map((c, i) => html`${i > 0 ? ' ' : ''}${citationCell(c)}`)}`) },
      { header: 'context', cell: (a) => a.contextIds.join(' '), className: () => 'note' },
      { header: 'precision', numeric: true, cell: (a) => formatMetric(a.citationPrecision) },
      { header: 'recall', numeric: true, cell: (a) => formatMetric(a.citationRecall) },
      { header: 'ms', numeric: true, title: 'retrieval + the LLM call (a cache hit: its wall time)', cell: (a) => (a.cacheHit ? `${formatMs(a.retrievalMs)} + ${formatMs(a.llmMs)} (cached)` : formatMs(a.retrievalMs + (a.llmMs ?? 0))) },
    ],
  });
}

/** The RAG section of a run report; empty for a run without RAG items. */
export function ragSection(rag: RagReportData | null): SafeHtml {
  if (rag === null) return html``;
  const shown = rag.answers.length < rag.answerCount
    ? html`<p class="note">Showing the first ${formatCount(rag.answers.length)} of ${formatCount(rag.answerCount)} answers (up to ${MAX_RAG_ANSWER_ROWS}); every answer is in the rag_answers table.</p>`
    : '';
  return html`<section id="rag"><h2>RAG answers and citations</h2>
${summaryTable(rag)}
<p class="note">Citation precision: cited documents that are relevant (qrels grade &gt; 0) over the cited documents that were in the context; citation recall: relevant documents of the context (the k passages given) that are cited. Both are means over the items that have a value. Hallucinated: citations that are no id of the context, over all citations. ${CONFIDENCE_METHOD} Latency in ms over items answered by the server: retrieval (the store visit included), model load and generation as the server reports them (load_duration; prompt_eval_duration + eval_duration), the item (retrieval + the call's wall time); cache hits: the response cache's wall time.</p>
${shown}
<p class="note">Answers are model output, shown as text (cut at ${MAX_RAG_ANSWER_CHARS} characters). Citations: <span class="citation citation-relevant">relevant</span> <span class="citation citation-not-relevant">not relevant or unjudged</span> <span class="citation citation-hallucinated">not in the context</span>.</p>
${answerTable(rag)}
</section>`;
}
