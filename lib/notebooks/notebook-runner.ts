/**
 * `npm run notebooks`: executes every notebook in notebooks/ headlessly with Jupyter's nbconvert
 * and the tslab TypeScript kernel, top to bottom, on the sample data, and fails on any cell
 * error. It prepares what the notebooks read: a database with two baseline runs of the sample
 * collection (suites sample-baselines and sample-baselines-k3) and a short GPU session read from
 * the tests' stand-in nvidia-smi (for notebooks/gpu.ipynb), unless BENCHLAB_DB is set, and
 * links the package to itself so notebooks can `import ... from 'benchlab'` (tslab compiles each
 * notebook with its own folder as root, so relative imports of lib/ do not work).
 *
 * Each executed notebook is kept, with its outputs, as <outDir>/<name>.ipynb, beside an HTML
 * export <name>.html whose charts are static SVG (see notebook-html.ts). outDir is the runner's
 * option, `--out DIR` on the command line, BENCHLAB_NOTEBOOKS_OUT, or reports/notebooks/ under
 * the project root (git-ignored with the rest of reports/).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../store/db-path';
import { runBench } from '../runs/bench-run';
import { GpuSampler } from '../gpu/gpu-sampler';
import { addStaticCharts, exportNotebookHtml, type NotebookJson } from './notebook-html';

const KERNEL = 'tslab';
const CELL_TIMEOUT_S = 600;
const NOTEBOOK_SUITES = ['sample-baselines.yaml', 'sample-baselines-k3.yaml'];

export interface NotebookResult {
  notebook: string;
  ok: boolean;
  /** What failed, one line (or block) per problem; empty when ok. */
  output: string;
  seconds: number;
  /** Vega-Lite charts given a static SVG copy. */
  charts?: number;
  /** The kept files: the executed notebook, and its HTML export where that worked. */
  files?: { notebook: string; html?: string };
}

/** node_modules/benchlab -> the project folder, so `require('benchlab')` finds dist/lib/index.js. */
export function linkPackageToItself(root: string = projectRoot()): void {
  const link = path.join(root, 'node_modules', 'benchlab');
  if (fs.existsSync(link)) return;
  fs.symlinkSync('..', link, 'dir');
}

export function checkJupyter(): string | undefined {
  const nbconvert = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  if (nbconvert.status !== 0) return 'jupyter nbconvert is not installed (apt-get install -y jupyter-nbconvert jupyter-client python3-ipykernel python3-nbclient)';
  const kernels = spawnSync('jupyter', ['kernelspec', 'list'], { encoding: 'utf8' });
  if (!kernels.stdout.includes(KERNEL)) return 'the tslab kernel is not registered (npx tslab install --python=/usr/bin/python3)';
  return undefined;
}

/** The stand-in nvidia-smi of the GPU tests (see test/fixtures/gpu/README.md). */
const STAND_IN_NVIDIA_SMI_DIR = path.join('test', 'fixtures', 'gpu', 'bin');
/** The notebook database's GPU session: its own run id (no run in `runs` claims it), pace and length. */
export const NOTEBOOK_GPU_SESSION = { runId: 'gpu-stand-in-session', intervalMs: 250, samples: 24, timeoutMs: 30_000 };
const MIB_TOTAL = 81_559;
/** Samples per ramp: GPU 0 goes from the low to the high end of BUSY_RANGES and back. */
const SESSION_STEPS = 12;
/** [low, high] of GPU 0's readings: its peak is over the 85 °C and the 95%-of-memory alert thresholds. */
const BUSY_RANGES = { utilPct: [10, 99], memMib: [20_000, 78_500], watts: [110, 670], celsius: [45, 89] } as const;
/** Near its peak GPU 0 throttles (sw_thermal_slowdown). */
const THROTTLE_FROM = 0.95;
const THERMAL_SLOWDOWN_MASK = '0x0000000000000020';
const NO_THROTTLE_MASK = '0x0000000000000000';
const IDLE = { memMib: 900, watts: 62, celsius: 36 };

/**
 * What the stand-in replays, one entry per sample: GPU 0 ramps up until it runs hot, fills its
 * memory and throttles (so the session raises alerts), then cools down; GPU 1 idles.
 */
function standInScenario(): unknown {
  const at = ([low, high]: readonly [number, number], x: number) => low + (high - low) * x;
  const ramp = Array.from({ length: SESSION_STEPS }, (_, i) => i / (SESSION_STEPS - 1));
  const busy = [...ramp, ...[...ramp].reverse()].map((x) => ({
    'utilization.gpu': `${Math.round(at(BUSY_RANGES.utilPct, x))} %`,
    'memory.used': `${Math.round(at(BUSY_RANGES.memMib, x))} MiB`,
    'power.draw': `${at(BUSY_RANGES.watts, x).toFixed(2)} W`,
    'temperature.gpu': `${Math.round(at(BUSY_RANGES.celsius, x))}`,
    'clocks_event_reasons.active': x > THROTTLE_FROM ? THERMAL_SLOWDOWN_MASK : NO_THROTTLE_MASK,
  }));
  // A little wobble, so the idle GPU's lines are not flat.
  const idle = busy.map((_, i) => ({
    'utilization.gpu': `${i % 3} %`, 'memory.used': `${IDLE.memMib} MiB`, 'power.draw': `${(IDLE.watts + (i % 4)).toFixed(2)} W`, 'temperature.gpu': `${IDLE.celsius + (i % 2)}`,
  }));
  const gpu = (index: number, samples: unknown[]) => ({
    uuid: `GPU-5a5a5a5a-0000-4000-8000-00000000000${index}`, index, name: 'Stand-in H100 80GB', 'pci.bus_id': `00000000:1${index}:00.0`,
    'memory.total': `${MIB_TOTAL} MiB`, 'power.limit': '700.00 W', 'mig.mode.current': 'Disabled', samples,
  });
  return { driverVersion: '550.54.15', gpus: [gpu(0, busy), gpu(1, idle)] };
}

/**
 * Records a short GPU sampling session into the notebook database with the real GpuSampler
 * reading the tests' stand-in nvidia-smi (synthetic values, see standInScenario), under its own
 * run id, with two phase marks. Skipped, with a line on stderr, where the stand-in is not there.
 */
export async function recordNotebookGpuSession(dbPath: string, root: string = projectRoot()): Promise<void> {
  const bin = path.join(root, STAND_IN_NVIDIA_SMI_DIR);
  if (!fs.existsSync(path.join(bin, 'nvidia-smi'))) {
    process.stderr.write(`notebooks: no GPU session recorded (${bin} has no stand-in nvidia-smi)\n`);
    return;
  }
  const scenario = path.join(path.dirname(dbPath), 'gpu-scenario.json');
  fs.writeFileSync(scenario, JSON.stringify(standInScenario()));
  const session = NOTEBOOK_GPU_SESSION;
  let samples = 0;
  const sampler = new GpuSampler({
    intervalMs: session.intervalMs, store: { dbPath }, tools: ['nvidia-smi'], ollamaHosts: [], host: 'notebook-stand-in',
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`, FAKE_NVIDIA_SMI_CONFIG: scenario },
    onSample: () => samples++,
  });
  await sampler.start(session.runId);
  sampler.markPhase('load');
  const deadline = Date.now() + session.timeoutMs;
  let cooling = false;
  while (samples < session.samples && Date.now() < deadline) {
    if (!cooling && samples >= session.samples / 2) {
      sampler.markPhase('cooldown');
      cooling = true;
    }
    await new Promise((resolve) => setTimeout(resolve, session.intervalMs));
  }
  await sampler.stop();
}

/** A database with the runs the notebooks read. */
export async function prepareNotebookData(dbPath: string): Promise<void> {
  for (const suite of NOTEBOOK_SUITES) await runBench({ suite, dbPath });
  await recordNotebookGpuSession(dbPath);
}

const joinText = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join('') : t ?? '');

/** tslab reports a TypeScript compile error as `LINE:COL - message` on stderr, sometimes without an error output. */
const TSLAB_COMPILE_ERROR = /^\d+:\d+ - /m;

/**
 * The cell metadata key where the execution records each code cell's execute_reply status
 * (ok, error, abort), removed again before the notebook is kept. tslab reports a runtime error
 * only on stderr (no `error` output) with an `error` reply, and aborts the cells queued behind
 * it, which then have no output at all: the status is what shows both.
 */
export const EXECUTION_STATUS_KEY = 'benchlab_execution_status';

/** nbconvert's config: nbclient's on_cell_executed hook stores the reply status in the cell. */
export const NBCONVERT_CONFIG = `# Written by lib/notebooks/notebook-runner.ts for one run of jupyter nbconvert.
def _record_execution_status(cell, cell_index, execute_reply):
    if execute_reply is not None:
        cell.metadata['${EXECUTION_STATUS_KEY}'] = execute_reply.get('content', {}).get('status')

c.ExecutePreprocessor.on_cell_executed = _record_execution_status
`;

/**
 * The cells that failed: an `error` output, tslab's compile errors on stderr (the cell then
 * did not run at all), an `error` execute reply (a runtime error, shown on stderr), or an
 * aborted one (a cell the kernel skipped after an earlier error). Each entry has the cell's
 * source head and what it printed to stderr.
 */
export function cellErrors(executed: NotebookJson): string[] {
  return executed.cells.flatMap((cell, index) => {
    const outputs = cell.outputs ?? [];
    const status = cell.metadata?.[EXECUTION_STATUS_KEY];
    const error = outputs.find((o) => o.output_type === 'error');
    const stderr = outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => joinText(o.text)).join('');
    const compileError = TSLAB_COMPILE_ERROR.test(stderr);
    const head = joinText(cell.source).split('\n').slice(0, 2).join(' / ');
    if (status === 'abort') return [`cell ${index + 1} (${head}): not run (the kernel aborted it after an earlier error)`];
    if (!error && !compileError && status !== 'error') return [];
    const what = error ? `${error.ename ?? 'Error'}: ${error.evalue ?? ''}` : compileError ? 'TypeScript compile error' : 'error';
    return [`cell ${index + 1} (${head}): ${what}${stderr ? `\n${stderr.trim()}` : ''}`];
  });
}

/** Removes the execution statuses recorded for cellErrors from the notebook, in place. */
export function removeExecutionStatus(executed: NotebookJson): void {
  for (const cell of executed.cells) {
    if (cell.metadata && EXECUTION_STATUS_KEY in cell.metadata) delete cell.metadata[EXECUTION_STATUS_KEY];
  }
}

/** The folder, under the project root, that keeps the executed notebooks by default. */
export const DEFAULT_NOTEBOOKS_OUT_DIR = path.join('reports', 'notebooks');
/** Environment variable naming another folder for the executed notebooks. */
export const NOTEBOOKS_OUT_ENV = 'BENCHLAB_NOTEBOOKS_OUT';

/** Where the executed notebooks go: the option, then BENCHLAB_NOTEBOOKS_OUT, then <root>/reports/notebooks. */
export function notebooksOutDir(root: string = projectRoot(), outDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = outDir ?? (env[NOTEBOOKS_OUT_ENV] || undefined);
  return chosen ? path.resolve(chosen) : path.join(root, DEFAULT_NOTEBOOKS_OUT_DIR);
}

/** Writes a notebook as nbformat does (one-space indent, a final newline). */
function writeNotebook(file: string, notebook: NotebookJson): void {
  fs.writeFileSync(file, `${JSON.stringify(notebook, null, 1)}\n`);
}

/**
 * Executes one notebook into workDir, adds static SVG copies of its Vega-Lite charts, exports it
 * to HTML, and copies both (<name>.ipynb with its outputs, <name>.html) into outDir, replacing
 * an earlier pair. A notebook whose cells failed is still kept (its outputs show the error), but
 * is not ok; one that nbconvert could not execute at all leaves no files in outDir.
 */
export async function executeNotebook(file: string, env: NodeJS.ProcessEnv, workDir: string, outDir: string): Promise<NotebookResult> {
  const started = performance.now();
  const notebook = path.basename(file);
  const name = path.basename(file, '.ipynb');
  const executed = path.join(workDir, notebook);
  const kept = { notebook: path.join(outDir, notebook), html: path.join(outDir, `${name}.html`) };
  const seconds = () => (performance.now() - started) / 1000;
  for (const stale of Object.values(kept)) fs.rmSync(stale, { force: true });
  // --allow-errors keeps executing and saves every output, so the failing cell and tslab's type
  // errors (printed to stderr) can be reported; failure is decided from the saved outputs and
  // the reply statuses the config's hook records (EXECUTION_STATUS_KEY).
  const config = path.join(workDir, 'benchlab_nbconvert_config.py');
  fs.writeFileSync(config, NBCONVERT_CONFIG);
  const result = spawnSync(
    'jupyter',
    [
      'nbconvert', `--config=${config}`, '--to', 'notebook', '--execute', '--allow-errors', `--ExecutePreprocessor.kernel_name=${KERNEL}`,
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`, '--output', executed, file,
    ],
    { encoding: 'utf8', env },
  );
  if (result.status !== 0 || !fs.existsSync(executed)) {
    return { notebook, ok: false, output: `${result.stdout}${result.stderr}`, seconds: seconds() };
  }
  const json = JSON.parse(fs.readFileSync(executed, 'utf8')) as NotebookJson;
  const errors = cellErrors(json);
  removeExecutionStatus(json);
  const charts = await addStaticCharts(json);
  errors.push(...charts.errors);
  writeNotebook(executed, json);
  const exported = exportNotebookHtml(executed, env);
  if (exported.error !== undefined) errors.push(exported.error);
  fs.mkdirSync(outDir, { recursive: true });
  fs.copyFileSync(executed, kept.notebook);
  const files: NotebookResult['files'] = { notebook: kept.notebook };
  if (exported.html !== undefined) {
    fs.copyFileSync(exported.html, kept.html);
    files.html = kept.html;
  }
  return { notebook, ok: errors.length === 0, output: errors.join('\n'), seconds: seconds(), charts: charts.charts, files };
}

export interface RunNotebooksOptions {
  /** The project folder (notebooks/ and node_modules/ are found there); defaults to projectRoot(). */
  root?: string;
  /** Where the executed notebooks and their HTML go; see notebooksOutDir. */
  outDir?: string;
}

export async function runNotebooks(options: RunNotebooksOptions = {}): Promise<NotebookResult[]> {
  const root = options.root ?? projectRoot();
  const outDir = notebooksOutDir(root, options.outDir);
  const problem = checkJupyter();
  if (problem) throw new Error(problem);
  linkPackageToItself(root);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-notebooks-'));
  try {
    let dbPath = process.env['BENCHLAB_DB'];
    if (!dbPath) {
      dbPath = path.join(work, 'notebooks.duckdb');
      await prepareNotebookData(dbPath);
    }
    const env = {
      ...process.env,
      BENCHLAB_DB: dbPath,
      PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
    };
    const notebooks = fs
      .readdirSync(path.join(root, 'notebooks'))
      .filter((f) => f.endsWith('.ipynb'))
      .sort()
      .map((f) => path.join(root, 'notebooks', f));
    const results: NotebookResult[] = [];
    for (const file of notebooks) results.push(await executeNotebook(file, env, work, outDir));
    return results;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** `--out DIR` (or `--out=DIR`) on the command line: `npm run notebooks -- --out DIR`. */
export function parseOutArgument(args: readonly string[]): string | undefined {
  const index = args.findIndex((a) => a === '--out' || a.startsWith('--out='));
  if (index < 0) return undefined;
  const arg = args[index] ?? '';
  const value = arg.startsWith('--out=') ? arg.slice('--out='.length) : args[index + 1];
  if (!value) throw new Error('--out needs a folder');
  return value;
}

if (require.main === module) {
  let outDir = '';
  Promise.resolve()
    .then(() => {
      outDir = notebooksOutDir(projectRoot(), parseOutArgument(process.argv.slice(2)));
      return runNotebooks({ outDir });
    })
    .then(
      (results) => {
        for (const r of results) {
          process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.notebook} (${r.seconds.toFixed(1)} s)\n`);
          if (!r.ok) process.stdout.write(r.output.split('\n').slice(-40).join('\n') + '\n');
        }
        const failed = results.filter((r) => !r.ok).length;
        process.stdout.write(`notebooks: ${results.length - failed} passed, ${failed} failed; executed notebooks (.ipynb, .html) in ${outDir}\n`);
        process.exitCode = failed > 0 || results.length === 0 ? 1 : 0;
      },
      (error: unknown) => {
        process.stderr.write(`notebooks: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
}
