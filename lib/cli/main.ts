#!/usr/bin/env node
/**
 * The `benchlab` command line: builds the commander program from the command catalog
 * (command-catalog.ts) and maps failures to the exit codes in exit-codes.ts (messages without
 * stack traces for input errors; a stack for unexpected ones). Starts fast: only the command the
 * command line names is loaded, so `--version` and `--help` load no command module, and the
 * error-to-exit-code mapping (which loads the store) is loaded only when a command fails.
 */
import { Command, CommanderError, Help } from 'commander';
import { benchlabVersion } from '../runs/versions';
import { EXIT } from './exit-code-table';
import type { GlobalOptions } from './global-options';
import { COMMAND_CATALOG, type CommandEntry } from './command-catalog';

/** Whether a word is option-like to commander (`-x`, `--xy`). */
function maybeOption(arg: string): boolean {
  return arg.length > 1 && arg.startsWith('-');
}

/**
 * The command a command line names, as commander will dispatch it: the first operand before any
 * option the root program does not know (the root's options, with their values, are skipped),
 * or NAME for `help NAME`. Undefined when there is none (`--version`, `--help`, no command).
 */
export function commandNamedBy(program: Command, args: readonly string[]): string | undefined {
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!maybeOption(arg)) {
      operands.push(arg);
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    const option = program.options.find((o) => o.long === flag || o.short === flag);
    // An option the root does not know: commander leaves the rest to the command found so far.
    if (option === undefined) break;
    if (equals > 0) continue;
    const next = args[i + 1];
    if (option.required || (option.optional && next !== undefined && !maybeOption(next))) i++;
  }
  const [first, second] = operands;
  return first === 'help' ? second : first;
}

/**
 * The stand-in for a command that is not loaded: its name, usage and description for the root
 * help. It is never run (the command a command line names is loaded instead); if it were, it says so.
 */
function placeholder(entry: CommandEntry): Command {
  return new Command(entry.name).description(entry.description).action(() => {
    throw new Error(`command '${entry.name}' was not loaded`);
  });
}

export async function buildProgram(argv: readonly string[] = process.argv, setExitCode: (code: number) => void = () => undefined): Promise<Command> {
  const usages = new Map<Command, string>();
  const program = new Command('benchlab')
    .description('Evaluate local LLMs: query generation, BM25 retrieval, trec_eval-exact metrics, stored in DuckDB')
    .version(benchlabVersion())
    .option('--db <path>', 'database file (default: $BENCHLAB_DB or data/benchlab.duckdb)')
    .showHelpAfterError()
    .exitOverride()
    .configureHelp({
      // The root help lists a stand-in with its catalog usage, as commander would list the command.
      subcommandTerm(this: Help, cmd: Command): string {
        const usage = usages.get(cmd);
        return usage === undefined ? Help.prototype.subcommandTerm.call(this, cmd) : `${cmd.name()} ${usage}`.trimEnd();
      },
    });
  const globals = () => program.opts<GlobalOptions>();
  const named = commandNamedBy(program, argv.slice(2));
  for (const entry of COMMAND_CATALOG) {
    let command: Command;
    if (entry.name === named) command = await entry.load({ globals, setExitCode });
    else {
      command = placeholder(entry);
      usages.set(command, entry.usage);
    }
    program.addCommand(command.exitOverride().showHelpAfterError());
  }
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await (await buildProgram(argv, (c) => (code = c))).parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed the message already; help and version are successes.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { exitCodeFor } = await import('./exit-codes.js');
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`benchlab: ${message}\n`);
    if (code === EXIT.failure && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return code;
  }
}

/**
 * A reader that stops early (`benchlab datasets --json | head -1`) closes the pipe: the next write
 * fails with EPIPE, which Node raises as an uncaught error with a stack trace. Output nobody reads
 * is dropped instead and the command finishes its work (a run still stores every item).
 */
export function dropOutputOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stream.write = (() => true) as typeof stream.write;
  });
}

if (require.main === module) {
  dropOutputOnClosedPipe(process.stdout);
  main().then((code) => {
    process.exitCode = code;
  });
}
