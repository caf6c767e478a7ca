/**
 * The catalog of `benchlab` commands: for each, what the root help lists (name, usage, one-line
 * description) and how to load the command's module, so main.ts can start without loading any
 * command. Only the command named on the command line is loaded (`import()` of its module, which
 * brings DuckDB, vega, ollama and the rest only for the commands that use them); its own module
 * still defines its options, arguments, subcommands and help. `benchlab --version` and
 * `benchlab --help` load none.
 *
 * A new command: write its module in commands/ and add its entry here, in the order the root help
 * lists it. test/cli/command-catalog.test.ts checks that each entry's usage and description match
 * its module's command, so the two cannot drift.
 */
import type { Command } from 'commander';
import type { GlobalOptions } from './global-options';

/** What a command module's builder may need from the program. */
export interface CommandContext {
  /** The root program's options (`--db`), read when the command runs. */
  globals: () => GlobalOptions;
  /** Sets the process's exit code when the command finishes without throwing. */
  setExitCode: (code: number) => void;
}

export interface CommandEntry {
  name: string;
  /** What the root help prints after the name, as commander would: `[options] <runA> [runB]`, or ''. */
  usage: string;
  /** The command's description, as its module sets it. */
  description: string;
  /** Loads the command's module and builds the full command. */
  load(context: CommandContext): Promise<Command>;
}

export const COMMAND_CATALOG: readonly CommandEntry[] = [
  {
    name: 'import',
    usage: '[options] <paths...>',
    description: 'import a test collection into the store (re-import replaces it)',
    load: async ({ globals }) => (await import('./commands/import-command.js')).importCommand(globals),
  },
  {
    name: 'datasets',
    usage: '[options]',
    description: 'list imported datasets; pull published BEIR collections',
    load: async ({ globals }) => (await import('./commands/datasets-command.js')).datasetsCommand(globals),
  },
  {
    name: 'retrieve',
    usage: '[options]',
    description: "rank a dataset's own queries with BM25 and score them with trec_eval-exact measures",
    load: async ({ globals }) => (await import('./commands/retrieve-command.js')).retrieveCommand(globals),
  },
  {
    name: 'run',
    usage: '[options]',
    description: 'run a benchmark suite: generate queries with baselines and LLMs, retrieve, score, store',
    load: async ({ globals, setExitCode }) => (await import('./commands/run-command.js')).runCommand(globals, setExitCode),
  },
  {
    name: 'runs',
    usage: '[options]',
    description:
      'list the runs: id, kind, status, suite, dataset, items, start; runs whose process is gone show as interrupted, with the resume command',
    load: async ({ globals }) => (await import('./commands/runs-command.js')).runsCommand(globals),
  },
  {
    name: 'models',
    usage: '[options]',
    description: 'list the models on each Ollama host (OLLAMA_HOST, comma-separated for several)',
    load: async ({ setExitCode }) => (await import('./commands/models-command.js')).modelsCommand(setExitCode),
  },
  {
    name: 'select',
    usage: '[options]',
    description: 'choose the best model for a task category from the model registry, within constraints',
    load: async ({ globals }) => (await import('./commands/select-command.js')).selectCommand(globals),
  },
  {
    name: 'report',
    usage: '[options]',
    description: 'render HTML reports (run reports, trends, GPU dashboard, rollouts, index) that work offline',
    load: async ({ globals }) => (await import('./commands/report-command.js')).reportCommand(globals),
  },
  {
    name: 'jobs',
    usage: '',
    description: 'scheduled jobs (data/jobs.yaml): list them, run one now, or start the daemon',
    load: async ({ globals, setExitCode }) => (await import('./commands/jobs-command.js')).jobsCommand(globals, setExitCode),
  },
  {
    name: 'compare',
    usage: '[options] <runA> [runB]',
    description:
      "compare two runs metric by metric with paired tests when the items are paired, or every pair of one run's generators",
    load: async ({ globals }) => (await import('./commands/compare-command.js')).compareCommand(globals),
  },
  {
    name: 'rollout',
    usage: '',
    description: 'staged rollouts and A/B tests of LLM keyword extraction',
    load: async ({ globals }) => (await import('./commands/rollout-command.js')).rolloutCommand(globals),
  },
  {
    name: 'ingest',
    usage: '[options] <files...>',
    description: 'store experiment events from JSONL or CSV files (validated, idempotent by event id)',
    load: async ({ globals, setExitCode }) => (await import('./commands/ingest-command.js')).ingestCommand(globals, setExitCode),
  },
  {
    name: 'gpu',
    usage: '[options]',
    description:
      'GPU telemetry: live utilization, memory, power and temperature (nvidia-smi or rocm-smi), written to the store',
    load: async ({ globals, setExitCode }) => (await import('./commands/gpu-command.js')).gpuCommand(globals, setExitCode),
  },
  {
    name: 'export',
    usage: '[options]',
    description: 'copy an imported dataset into another search engine (PostgreSQL full-text search)',
    load: async ({ globals }) => (await import('./commands/export-command.js')).exportCommand(globals),
  },
];
