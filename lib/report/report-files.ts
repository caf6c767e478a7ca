/**
 * Where reports live in the output folder (chosen by lib/publish/out-dir.ts): file names for the index, the trends report and each run's report, the header links between
 * them, the footer's software versions, and writing a page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { collectVersions } from '../runs/versions';
import { ASSETS_DIR } from './assets';
import { vegaLiteVersion } from './chart';
import type { NavLink } from './html-page';

export const INDEX_FILE = 'index.html';
export const TRENDS_FILE = 'trends.html';
export const GPU_DASHBOARD_FILE = 'gpu.html';
export const SELECTION_REPORT_FILE = 'selection.html';
const RUN_FILE_PREFIX = 'run-';
const ROLLOUT_FILE_PREFIX = 'rollout-';
/** The index page's section that lists the rollout reports (the header's Rollouts link). */
export const ROLLOUTS_ANCHOR = 'rollouts';
const HTML_EXTENSION = '.html';
/** Characters kept in file names; anything else becomes '_'. */
const UNSAFE_FILE_CHARS = /[^A-Za-z0-9._-]/g;

/** `fs.statSync`, or undefined where nothing is (ENOENT, or ENOTDIR: a file on the way). */
export function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The run report's file name, e.g. run-r20261121-101512-3fa9c2.html. */
export function runReportFileName(runId: string): string {
  return `${RUN_FILE_PREFIX}${runId.replace(UNSAFE_FILE_CHARS, '_')}${HTML_EXTENSION}`;
}

/** A rollout report's file name, e.g. rollout-kw-llm.html. */
export function rolloutReportFileName(experiment: string): string {
  return `${ROLLOUT_FILE_PREFIX}${experiment.replace(UNSAFE_FILE_CHARS, '_')}${HTML_EXTENSION}`;
}

export function isRolloutReportFile(fileName: string): boolean {
  return fileName.startsWith(ROLLOUT_FILE_PREFIX) && fileName.endsWith(HTML_EXTENSION);
}

/** The experiment key in a rollout report's file name (as written: unsafe characters are '_'). */
export function rolloutReportExperiment(fileName: string): string {
  return fileName.slice(ROLLOUT_FILE_PREFIX.length, fileName.length - HTML_EXTENSION.length);
}

/** Header links shared by every page. */
export function standardNav(): NavLink[] {
  return [
    { href: INDEX_FILE, label: 'All reports' },
    { href: TRENDS_FILE, label: 'Trends' },
    { href: GPU_DASHBOARD_FILE, label: 'GPU' },
    { href: `${INDEX_FILE}#${ROLLOUTS_ANCHOR}`, label: 'Rollouts' },
  ];
}

/** "benchlab 0.1.0, vega-lite 6.4.3", for page footers and the generator meta tag. */
export async function generatorLine(): Promise<string> {
  return `benchlab ${collectVersions().benchlab}, vega-lite ${await vegaLiteVersion()}`;
}

/** Writes a page (creating the folder) and returns its absolute path. */
export function writePage(outDir: string, fileName: string, content: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.resolve(outDir, fileName);
  fs.writeFileSync(file, content);
  return file;
}

/**
 * HTML files in outDir other than the index (run reports, trends, and later report kinds), then
 * the executed notebooks in its notebooks/ folder (see listNotebookFiles).
 */
export function listReportFiles(outDir: string): string[] {
  if (!fs.existsSync(outDir)) return [];
  const pages = fs
    .readdirSync(outDir)
    .filter((f) => f.endsWith(HTML_EXTENSION) && f !== INDEX_FILE)
    .sort();
  return [...pages, ...listNotebookFiles(outDir)];
}

/** The folder, inside the reports folder, where `npm run notebooks` keeps executed notebooks by default. */
export const NOTEBOOKS_DIR = 'notebooks';
const NOTEBOOK_EXTENSION = '.ipynb';

/**
 * The executed notebooks in outDir/notebooks/, as paths relative to outDir (they are the
 * index's link targets): each notebook's HTML export and its .ipynb with outputs, e.g.
 * notebooks/gpu.html and notebooks/gpu.ipynb.
 */
export function listNotebookFiles(outDir: string): string[] {
  const dir = path.join(outDir, NOTEBOOKS_DIR);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && (e.name.endsWith(HTML_EXTENSION) || e.name.endsWith(NOTEBOOK_EXTENSION)))
    .map((e) => `${NOTEBOOKS_DIR}/${e.name}`)
    .sort();
}

/** Whether a report file (as listReportFiles names it) is in the notebooks/ folder. */
export function isNotebookFile(fileName: string): boolean {
  return fileName.startsWith(`${NOTEBOOKS_DIR}/`);
}

/** An executed notebook in the report files: its name, HTML page and .ipynb (each where present, relative to outDir). */
export interface NotebookPage {
  name: string;
  html: string | null;
  ipynb: string | null;
}

/** The executed notebooks among the report files, by name. */
export function notebookPages(reportFiles: readonly string[]): NotebookPage[] {
  // Link targets: the file name URL-encoded (a name may hold spaces or '#'), the folder as it is.
  const href = (base: string) => `${NOTEBOOKS_DIR}/${encodeURIComponent(base)}`;
  const byName = new Map<string, NotebookPage>();
  for (const file of reportFiles.filter(isNotebookFile)) {
    const base = file.slice(NOTEBOOKS_DIR.length + 1);
    const kind = base.endsWith(HTML_EXTENSION) ? 'html' : base.endsWith(NOTEBOOK_EXTENSION) ? 'ipynb' : null;
    if (!kind) continue;
    const name = base.slice(0, base.length - (kind === 'html' ? HTML_EXTENSION : NOTEBOOK_EXTENSION).length);
    const page = byName.get(name) ?? { name, html: null, ipynb: null };
    page[kind] = href(base);
    byName.set(name, page);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function isRunReportFile(fileName: string): boolean {
  return fileName.startsWith(RUN_FILE_PREFIX) && fileName.endsWith(HTML_EXTENSION);
}

/** What every page of one rendering shares: when it was made and by what software. */
export interface ReportContext {
  generatedAt: Date;
  generator: string;
  /** The assets folder relative to the pages. */
  assetsHref: string;
}

export async function reportContext(): Promise<ReportContext> {
  return { generatedAt: new Date(), generator: await generatorLine(), assetsHref: ASSETS_DIR };
}
