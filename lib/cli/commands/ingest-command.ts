/**
 * `benchlab ingest FILE...`: stores experiment events a production service wrote (JSONL or CSV),
 * validated line by line and idempotent by event id. Bad lines are printed as `file:line: field:
 * reason` and the command exits with the input-error code; by default a file with a bad line
 * stores nothing, `--partial` stores its good lines. `--now ISO` (or BENCHLAB_NOW) sets the time
 * that timestamps may not be in the future of (replays and tests).
 */
import { Command, Option } from 'commander';
import { withStore } from '../../store/store';
import { EXIT } from '../exit-codes';
import type { GlobalOptions } from '../global-options';
import { printJson, renderTable } from '../output';
import { INGEST_FORMATS, formatLineErrors, ingestEventsFile, type IngestFormat, type IngestResult } from '../../rollout/ingest';
import { commandClock, NOW_ENV_VAR } from '../../rollout/clock';

interface IngestCommandOptions {
  experiment?: string;
  format?: IngestFormat;
  partial: boolean;
  json: boolean;
  now?: string;
}

export function ingestCommand(globals: () => GlobalOptions, setExitCode: (code: number) => void): Command {
  return new Command('ingest')
    .description('store experiment events from JSONL or CSV files (validated, idempotent by event id)')
    .argument('<files...>', 'event files (.jsonl or .csv)')
    .option('--experiment <key>', 'experiment of lines that do not name one')
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(INGEST_FORMATS))
    .option('--partial', 'store the valid lines of a file that has bad ones', false)
    .option('--now <iso>', `the time to check timestamps against (ISO 8601 with a zone; default: $${NOW_ENV_VAR}, else the clock)`)
    .option('--json', 'print the results as JSON', false)
    .action(async (files: string[], options: IngestCommandOptions) => {
      const clock = commandClock(options.now);
      const results: IngestResult[] = [];
      for (const file of files) {
        const result = await withStore({ dbPath: globals().db }, (store) =>
          ingestEventsFile(store, file, {
            ...(options.experiment ? { experiment: options.experiment } : {}),
            ...(options.format ? { format: options.format } : {}),
            allowPartial: options.partial,
            clock,
          }),
        );
        results.push(result);
        if (result.rejected.length > 0) {
          process.stderr.write(`${formatLineErrors(file, result.rejected)}\n`);
          if (!result.stored) process.stderr.write(`${file}: nothing stored; fix the lines above (or use --partial)\n`);
          setExitCode(EXIT.input);
        }
      }
      if (options.json) return printJson(results);
      process.stdout.write(
        renderTable(
          ['file', 'lines', 'stored', 'duplicates', 'rejected'],
          results.map((r) => [r.file, r.lines, r.stored ? r.inserted : 0, r.duplicates, r.rejected.length]),
        ) + '\n',
      );
    });
}
