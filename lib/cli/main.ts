#!/usr/bin/env node
/**
 * The `benchlab` command line: builds the commander program from one module per command and
 * maps failures to the exit codes in exit-codes.ts (messages without stack traces for input
 * errors; a stack for unexpected ones).
 */
import { Command, CommanderError } from 'commander';
import { collectVersions } from '../runs/versions';
import { EXIT, exitCodeFor } from './exit-codes';
import type { GlobalOptions } from './global-options';
import { importCommand } from './commands/import-command';
import { datasetsCommand } from './commands/datasets-command';
import { retrieveCommand } from './commands/retrieve-command';
import { runCommand } from './commands/run-command';
import { runsCommand } from './commands/runs-command';
import { modelsCommand } from './commands/models-command';
import { selectCommand } from './commands/select-command';
import { reportCommand } from './commands/report-command';
import { jobsCommand } from './commands/jobs-command';
import { compareCommand } from './commands/compare-command';
import { rolloutCommand } from './commands/rollout-command';
import { ingestCommand } from './commands/ingest-command';
import { gpuCommand } from './commands/gpu-command';

export function buildProgram(setExitCode: (code: number) => void = () => undefined): Command {
  const program = new Command('benchlab')
    .description('Evaluate local LLMs: query generation, BM25 retrieval, trec_eval-exact metrics, stored in DuckDB')
    .version(collectVersions().benchlab)
    .option('--db <path>', 'database file (default: $BENCHLAB_DB or data/benchlab.duckdb)')
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  const commands = [
    importCommand(globals),
    datasetsCommand(globals),
    retrieveCommand(globals),
    runCommand(globals, setExitCode),
    runsCommand(globals),
    modelsCommand(setExitCode),
    selectCommand(globals),
    reportCommand(globals),
    jobsCommand(globals, setExitCode),
    compareCommand(globals),
    rolloutCommand(globals),
    ingestCommand(globals, setExitCode),
    gpuCommand(globals, setExitCode),
  ];
  for (const command of commands) {
    program.addCommand(command.exitOverride().showHelpAfterError());
  }
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await buildProgram((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed the message already; help and version are successes.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`benchlab: ${message}\n`);
    if (code === EXIT.failure && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return code;
  }
}

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  });
}
