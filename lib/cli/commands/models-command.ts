/**
 * `benchlab models`: the models on each LLM host, with size, quantization and whether loaded.
 * A host that does not answer is reported on stderr; when none answers the command exits
 * EXIT.noLlmHost (8), and a malformed OLLAMA_HOST exits 3.
 */
import { Command } from 'commander';
import { EXIT } from '../exit-codes';
import { LlmClient } from '../../llm/llm-client';
import { ollamaHostsFromEnv } from '../../llm/hosts';
import { printJson, renderTable } from '../output';

const BYTES_PER_GB = 1e9;

export function modelsCommand(setExitCode: (code: number) => void): Command {
  return new Command('models')
    .description('list the models on each Ollama host (OLLAMA_HOST, comma-separated for several)')
    .option('--json', 'print as JSON', false)
    .action(async (options: { json: boolean }) => {
      const client = new LlmClient({ hosts: ollamaHostsFromEnv() });
      const { models, errors } = await client.listModels();
      if (options.json) printJson({ models, errors: errors.map((e) => ({ host: e.host, kind: e.kind, message: e.message })) });
      else {
        for (const e of errors) process.stderr.write(`cannot reach ${e.host}: ${e.message}\n`);
        if (models.length > 0) {
          process.stdout.write(
            renderTable(
              ['host', 'model', 'size GB', 'parameters', 'quantization', 'loaded', 'VRAM GB'],
              models.map((m) => [
                m.host, m.name, m.sizeBytes === null ? '-' : (m.sizeBytes / BYTES_PER_GB).toFixed(2), m.parameterSize ?? '-',
                m.quantization ?? '-', m.loaded ? 'yes' : 'no', m.sizeVramBytes === null ? '-' : (m.sizeVramBytes / BYTES_PER_GB).toFixed(2),
              ]),
            ) + '\n',
          );
        }
      }
      if (errors.length > 0 && errors.length === client.hosts.length) {
        if (!options.json) {
          process.stderr.write(
            `no LLM host answered (${client.hosts.join(', ')}): ` +
              'start Ollama (ollama serve) or point OLLAMA_HOST at a running server\n',
          );
        }
        setExitCode(EXIT.noLlmHost);
      }
    });
}
