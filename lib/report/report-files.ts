/**
 * Where reports live in the output folder (default <projectRoot>/reports): file names for the
 * index, the trends report and each run's report, the header links between them, the footer's
 * software versions, and writing a page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../store/db-path';
import { collectVersions } from '../runs/versions';
import { ASSETS_DIR } from './assets';
import { vegaLiteVersion } from './chart';
import type { NavLink } from './html-page';

export const INDEX_FILE = 'index.html';
export const TRENDS_FILE = 'trends.html';
export const GPU_DASHBOARD_FILE = 'gpu.html';
export const SELECTION_REPORT_FILE = 'selection.html';
const RUN_FILE_PREFIX = 'run-';
const HTML_EXTENSION = '.html';
/** Characters kept in file names; anything else becomes '_'. */
const UNSAFE_FILE_CHARS = /[^A-Za-z0-9._-]/g;

export function defaultOutDir(): string {
  return path.join(projectRoot(), 'reports');
}

/** The run report's file name, e.g. run-r20261121-101512-3fa9c2.html. */
export function runReportFileName(runId: string): string {
  return `${RUN_FILE_PREFIX}${runId.replace(UNSAFE_FILE_CHARS, '_')}${HTML_EXTENSION}`;
}

/** Header links shared by every page. */
export function standardNav(): NavLink[] {
  return [
    { href: INDEX_FILE, label: 'All reports' },
    { href: TRENDS_FILE, label: 'Trends' },
    { href: GPU_DASHBOARD_FILE, label: 'GPU' },
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

/** HTML files in outDir other than the index (run reports, trends, and later report kinds). */
export function listReportFiles(outDir: string): string[] {
  if (!fs.existsSync(outDir)) return [];
  return fs
    .readdirSync(outDir)
    .filter((f) => f.endsWith(HTML_EXTENSION) && f !== INDEX_FILE)
    .sort();
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
