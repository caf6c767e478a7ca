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

export function buildProgram(): Command {
  const program = new Command('benchlab')
    .description('Evaluate local LLMs: query generation, BM25 retrieval, trec_eval-exact metrics, stored in DuckDB')
    .version(collectVersions().benchlab)
    .option('--db <path>', 'database file (default: $BENCHLAB_DB or data/benchlab.duckdb)')
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  for (const command of [importCommand(globals), datasetsCommand(globals), retrieveCommand(globals)]) {
    program.addCommand(command.exitOverride().showHelpAfterError());
  }
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
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
