/**
 * The index page of the reports folder: every run in the store (newest first, with a link to
 * its report where one has been rendered), the rollout reports, every other report in the folder, and the executed
 * notebooks in its notebooks/ folder. The runs come as a view model (lib/runs/index-runs.ts).
 */
import type { IndexRuns } from '../runs/index-runs';
import { formatCount, formatTime } from './format';
import { html, renderPage, type SafeHtml } from './html-page';
import {
  GPU_DASHBOARD_FILE, isNotebookFile, isRolloutReportFile, isRunReportFile, notebookPages, ROLLOUTS_ANCHOR, rolloutReportExperiment, runReportFileName,
  SELECTION_REPORT_FILE, TRENDS_FILE, type ReportContext,
} from './report-files';
import { renderTable } from './table';

const REPORT_TITLES: Record<string, string> = {
  [TRENDS_FILE]: 'Trends across runs: each metric per generator over time',
  [GPU_DASHBOARD_FILE]: 'GPU dashboard: utilization, memory, power, temperature, alerts and loaded models over time',
  [SELECTION_REPORT_FILE]: 'Model selection: the latest pick, its reasons, and the selection log',
};

/** The executed notebooks (`npm run notebooks`): each one's HTML page, and its .ipynb with outputs. */
function renderNotebookList(notebooks: ReturnType<typeof notebookPages>): SafeHtml {
  const item = (n: (typeof notebooks)[number]) => {
    const page = n.html ? html`<a href="${n.html}">${n.name}</a>` : n.name;
    const ipynb = n.ipynb ? html` (<a href="${n.ipynb}" download>.ipynb</a> with outputs)` : '';
    return html`<li>${page}${ipynb}</li>`;
  };
  return html`<section><h2>Notebooks</h2>
<ul>${notebooks.map(item)}</ul>
<p class="note">Executed top to bottom by <code>npm run notebooks</code>, with their outputs; the charts are static SVG.</p>
</section>`;
}

/** The rollout reports, one per experiment (the header's Rollouts link points here). */
function renderRolloutList(rollouts: readonly string[]): SafeHtml {
  const list = rollouts.length > 0
    ? html`<ul>${rollouts.map((f) => html`<li><a href="${f}">${rolloutReportExperiment(f)}</a> — staged rollout: stage, error rate, processing time and cache hits per arm, A/B result, decisions</li>`)}</ul>`
    : html`<p class="note">No rollout reports yet: <code>benchlab report</code> renders one per stored experiment, <code>benchlab rollout report EXPERIMENT</code> one experiment's.</p>`;
  return html`<section id="${ROLLOUTS_ANCHOR}"><h2>Rollouts</h2>
${list}
</section>`;
}

/**
 * The index page. `reportFiles` are the HTML files in the output folder (index excluded) and
 * the executed notebooks in its notebooks/ folder, as listReportFiles names them.
 */
export function renderIndexPage(data: IndexRuns, reportFiles: readonly string[], context: ReportContext): string {
  const files = new Set(reportFiles);
  const others = reportFiles.filter((f) => !isRunReportFile(f) && !isNotebookFile(f) && !isRolloutReportFile(f));
  const rollouts = reportFiles.filter(isRolloutReportFile);
  const notebooks = notebookPages(reportFiles);
  const runReports = reportFiles.filter(isRunReportFile).length;
  const runsTable = renderTable({
    caption: `Runs (newest first${data.total > data.runs.length ? `, ${formatCount(data.runs.length)} of ${formatCount(data.total)}` : ''})`,
    rows: data.runs,
    empty: 'No runs in this database yet: start one with benchlab run or benchlab retrieve.',
    columns: [
      {
        header: 'run',
        cell: (r) => {
          const file = runReportFileName(r.runId);
          return files.has(file) ? html`<a href="${file}">${r.runId}</a>` : r.runId;
        },
        className: () => 'nowrap',
      },
      { header: 'kind', cell: (r) => r.kind },
      { header: 'suite', cell: (r) => r.suite },
      { header: 'dataset', cell: (r) => r.dataset },
      { header: 'status', cell: (r) => html`<span class="status-${r.status}">${r.status}</span>` },
      { header: 'started', cell: (r) => formatTime(r.startedAt), className: () => 'nowrap' },
      { header: 'items', numeric: true, title: 'benchmark items, or judged queries of a retrieval run', cell: (r) => formatCount(r.items) },
      { header: 'report', cell: (r) => (files.has(runReportFileName(r.runId)) ? html`<a href="${runReportFileName(r.runId)}">open</a>` : 'not rendered') },
    ],
  });
  const reportList = others.length > 0
    ? html`<ul>${others.map((f) => html`<li><a href="${f}">${f}</a>${REPORT_TITLES[f] ? html` — ${REPORT_TITLES[f]}` : ''}</li>`)}</ul>`
    : html`<p class="note">No other reports yet.</p>`;
  const body = html`<section><h2>Reports</h2>
${reportList}
<p class="note">${formatCount(runReports)} run report(s) rendered; render more with <code>benchlab report --run ID</code> or <code>benchlab report --all</code>.</p>
</section>
${renderRolloutList(rollouts)}
${notebooks.length > 0 ? renderNotebookList(notebooks) : ''}
<section><h2>Runs</h2>
${runsTable}
</section>`;
  return renderPage({
    title: 'Benchlab reports',
    subtitle: `${formatCount(data.total)} run(s) in the database`,
    nav: [{ href: TRENDS_FILE, label: 'Trends' }, { href: `#${ROLLOUTS_ANCHOR}`, label: 'Rollouts' }],
    body,
    generatedAt: context.generatedAt,
    generator: context.generator,
  });
}
