/** `benchlab datasets`: lists the imported datasets with their sizes and index settings. */
import { Command } from 'commander';
import { listDatasets } from '../../datasets/catalog';
import { withStore } from '../../store/store';
import { printJson, renderTable } from '../output';
import type { GlobalOptions } from '../global-options';

export function datasetsCommand(globals: () => GlobalOptions): Command {
  return new Command('datasets')
    .description('list imported datasets')
    .option('--json', 'print as JSON', false)
    .action(async (options: { json: boolean }) => {
      const datasets = await withStore({ dbPath: globals().db }, listDatasets);
      if (options.json) {
        printJson(datasets);
        return;
      }
      if (datasets.length === 0) {
        process.stdout.write("no datasets yet: run 'benchlab import --format beir|trec|smart --dataset NAME PATH...'\n");
        return;
      }
      process.stdout.write(
        renderTable(
          ['dataset', 'format', 'documents', 'queries', 'judgments', 'fields', 'analyzer', 'empty docs', 'imported'],
          datasets.map((d) => [
            d.name, d.format, d.docCount, d.queryCount, d.judgmentCount, d.indexedFields.join(','),
            [d.analyzer.stem ? 'porter2' : 'no-stem', d.analyzer.stopwords ? 'stopwords' : ''].filter(Boolean).join('+'),
            d.emptyDocIds.length, d.importedAt,
          ]),
        ) + '\n',
      );
    });
}
