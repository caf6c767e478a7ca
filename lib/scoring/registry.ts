/**
 * Loading data/registry.json: the zod schema (registry-schema.ts) plus the cross-references a
 * schema cannot see: unique tags, known benchmark keys, and a source entry for every source id.
 * An empty registry is an error, since nothing could ever be selected from it. Read by the config
 * loader (lib/config): every problem is `registry.json:LINE: models.3.tag: message`.
 */
import path from 'node:path';
import { projectRoot } from '../store/db-path';
import { loadConfigFile, type ConfigPath, type ValidateOptions } from '../config/load-config';
import { registrySchema, type PublishedScore, type Registry } from './registry-schema';

export const DEFAULT_REGISTRY_FILE = path.join(projectRoot(), 'data', 'registry.json');

interface Problem {
  path: ConfigPath;
  message: string;
}

function scoreProblems(registry: Registry, scores: Record<string, PublishedScore>, at: ConfigPath): Problem[] {
  const problems: Problem[] = [];
  for (const [benchmark, score] of Object.entries(scores)) {
    const here = [...at, benchmark];
    if (!(benchmark in registry.benchmarks)) {
      problems.push({ path: here, message: `unknown benchmark '${benchmark}' (add it to benchmarks first)` });
    }
    const all = [{ s: score, p: here }, ...(score.alternatives ?? []).map((s, i) => ({ s, p: [...here, 'alternatives', i] }))];
    for (const { s, p } of all) {
      if (!(s.source in registry.sources)) problems.push({ path: [...p, 'source'], message: `unknown source '${s.source}'` });
    }
  }
  return problems;
}

/** The cross-reference problems of a schema-valid registry (empty when it is consistent). */
export function registryProblems(registry: Registry): Problem[] {
  const problems: Problem[] = [];
  if (registry.models.length === 0) problems.push({ path: ['models'], message: 'the registry lists no models' });
  const knownSource = (id: string | null | undefined, at: ConfigPath) => {
    if (id !== null && id !== undefined && !(id in registry.sources)) problems.push({ path: at, message: `unknown source '${id}'` });
  };
  registry.memory_estimate.runtime_overhead_sources.forEach((id, i) => knownSource(id, ['memory_estimate', 'runtime_overhead_sources', i]));
  const seen = new Map<string, number>();
  registry.models.forEach((model, i) => {
    const at: ConfigPath = ['models', i];
    const first = seen.get(model.tag);
    if (first !== undefined) problems.push({ path: [...at, 'tag'], message: `'${model.tag}' is already listed at models.${first}` });
    else seen.set(model.tag, i);
    knownSource(model.tag_source, [...at, 'tag_source']);
    knownSource(model.parameters_b.source, [...at, 'parameters_b', 'source']);
    knownSource(model.context_tokens?.source, [...at, 'context_tokens', 'source']);
    knownSource(model.license.source, [...at, 'license', 'source']);
    knownSource(model.quantization.source, [...at, 'quantization', 'source']);
    knownSource(model.download_gb?.source, [...at, 'download_gb', 'source']);
    knownSource(model.vram_gb?.source, [...at, 'vram_gb', 'source']);
    const { primary, secondary } = model.categories;
    if (secondary.includes(primary)) problems.push({ path: [...at, 'categories', 'secondary'], message: `repeats the primary category '${primary}'` });
    if (new Set(secondary).size !== secondary.length) problems.push({ path: [...at, 'categories', 'secondary'], message: 'lists a category twice' });
    problems.push(...scoreProblems(registry, model.scores, [...at, 'scores']));
    if (model.alternate_checkpoint) {
      problems.push(...scoreProblems(registry, model.alternate_checkpoint.scores, [...at, 'alternate_checkpoint', 'scores']));
    }
  });
  return problems;
}

/** How the config loader validates a registry: the schema's problems, then the cross-references. */
export const REGISTRY_VALIDATION: ValidateOptions<Registry> = {
  what: 'model registry',
  check: (registry, problems) => {
    for (const problem of registryProblems(registry)) problems.add(problem.path, problem.message);
  },
};

/** Reads and validates a registry file (default data/registry.json). */
export function loadRegistry(file: string = DEFAULT_REGISTRY_FILE): Registry {
  return loadConfigFile(file, registrySchema, REGISTRY_VALIDATION);
}
