/**
 * The command catalog agrees with the command modules (the root help lists each command as the
 * loaded command would be listed), and main.ts finds the command a command line names as
 * commander dispatches it.
 */
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_CATALOG } from '../../lib/cli/command-catalog';
import { buildProgram, commandNamedBy } from '../../lib/cli/main';

const context = { globals: () => ({}), setExitCode: () => undefined };

describe('command catalog', () => {
  it('lists each command with the usage and description its module gives it', async () => {
    const help = new Help();
    for (const entry of COMMAND_CATALOG) {
      const command = await entry.load(context);
      expect(command.name()).toBe(entry.name);
      expect(`${entry.name} ${entry.usage}`.trimEnd(), entry.name).toBe(help.subcommandTerm(command));
      expect(entry.description, entry.name).toBe(command.description());
    }
    expect(new Set(COMMAND_CATALOG.map((e) => e.name)).size).toBe(COMMAND_CATALOG.length);
  });

  it('gives the same root help as a program with every command loaded', async () => {
    const lazy = await buildProgram(['node', 'benchlab', '--help']);
    const eager = new Command('benchlab')
      .description(lazy.description())
      .version(lazy.version() ?? '')
      .option('--db <path>', 'database file (default: $BENCHLAB_DB or data/benchlab.duckdb)');
    for (const entry of COMMAND_CATALOG) eager.addCommand(await entry.load(context));
    expect(lazy.helpInformation()).toBe(eager.helpInformation());
  });

  it('loads only the command the command line names', async () => {
    const program = await buildProgram(['node', 'benchlab', '--db', 'x.duckdb', 'compare', 'a', 'b']);
    const loaded = program.commands.filter((c) => c.options.length > 0).map((c) => c.name());
    expect(loaded).toEqual(['compare']);
  });
});

describe('commandNamedBy', () => {
  const program = new Command('benchlab').version('1.0.0').option('--db <path>', 'database').option('--colour [when]', 'optional value');
  it.each([
    [['run', '--suite', 'x'], 'run'],
    [['--db', 'run', 'compare'], 'compare'],
    [['--db=run', 'compare'], 'compare'],
    [['--colour', 'runs'], undefined],
    [['--colour', '--db', 'x', 'runs'], 'runs'],
    [['help', 'retrieve'], 'retrieve'],
    [['help'], undefined],
    [['--version'], undefined],
    [['--help', 'run'], undefined],
    [['--unknown', 'run'], undefined],
    [['--', 'run'], 'run'],
    [[], undefined],
  ])('%j names %s', (args, expected) => {
    expect(commandNamedBy(program, args)).toBe(expected);
  });
});
