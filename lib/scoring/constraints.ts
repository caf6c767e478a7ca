/**
 * Selection constraints (most GPU memory, least context, licenses, models to include or
 * exclude) and, when no model is left, the error that names the tightest constraint: the one
 * that rules out the most candidates, and among equals the one that ruled out the last remaining
 * candidates when the constraints are applied in order. Include and exclude take tags
 * (`qwen2.5:7b`) or families (`qwen2.5`); unknown names are input errors with a suggestion.
 */
import { closest } from 'fastest-levenshtein';
import { InputError } from '../input-error';
import type { Registry, RegistryModel } from './registry-schema';
import { formatGb } from './sizes';

export interface SelectionConstraints {
  /** Most GPU memory the model may need, in bytes. */
  maxVramBytes?: number;
  /** Least context window, in tokens. A model whose context no source states does not qualify. */
  minContext?: number;
  /** License ids (registry `license.id`) allowed. */
  licenses?: string[];
  /** Only these tags or families. */
  include?: string[];
  /** Never these tags or families. */
  exclude?: string[];
}

export type ConstraintId = 'include' | 'exclude' | 'license' | 'min-context' | 'max-vram' | 'gpu-memory' | 'data';

/** What a constraint looks at. */
export interface ConstrainedCandidate {
  model: RegistryModel;
  memoryBytes: number;
  finalScore: number | null;
  /** Why the GPUs cannot take it (GPU-aware selection only); null when they can or were not checked. */
  gpuMisfit: string | null;
}

export interface Constraint {
  id: ConstraintId;
  /** As the user wrote it, e.g. '--max-vram 8.00 GB'. */
  label: string;
  /** Why `c` fails this constraint, or null when it passes. */
  fails(c: ConstrainedCandidate): string | null;
  /** A hint when this constraint ruled everything out, e.g. the smallest need among candidates. */
  hint(all: readonly ConstrainedCandidate[]): string;
}

function matches(model: RegistryModel, name: string): boolean {
  return model.tag === name || model.family === name;
}

function checkNames(registry: Registry, names: readonly string[] | undefined, option: string): void {
  const known = [...new Set(registry.models.flatMap((m) => [m.tag, m.family]))];
  for (const name of names ?? []) {
    if (!registry.models.some((m) => matches(m, name))) {
      throw new InputError(`${option}: no model or family '${name}' in the registry. Did you mean '${closest(name, known)}'?`);
    }
  }
}

/** Rejects names the registry does not know (a typo would otherwise silently match nothing). */
export function validateConstraints(constraints: SelectionConstraints, registry: Registry): void {
  checkNames(registry, constraints.include, '--include');
  checkNames(registry, constraints.exclude, '--exclude');
  const licenses = [...new Set(registry.models.map((m) => m.license.id))].sort();
  for (const license of constraints.licenses ?? []) {
    if (!licenses.includes(license.toLowerCase())) {
      throw new InputError(`--license: unknown license '${license}'; licenses in the registry: ${licenses.join(', ')}`);
    }
  }
  if (constraints.maxVramBytes !== undefined && !(constraints.maxVramBytes > 0)) throw new InputError('--max-vram must be above 0');
  if (constraints.minContext !== undefined && !(Number.isInteger(constraints.minContext) && constraints.minContext > 0)) {
    throw new InputError('--min-context must be a whole number of tokens above 0');
  }
}

const list = (names: readonly string[]) => names.join(',');

/** The constraints in the order they are applied: static ones first, then GPU memory, then data. */
export function buildConstraints(constraints: SelectionConstraints, gpuChecked: boolean): Constraint[] {
  const out: Constraint[] = [];
  const { include, exclude, licenses, minContext, maxVramBytes } = constraints;
  if (include && include.length > 0) {
    out.push({
      id: 'include', label: `--include ${list(include)}`,
      fails: (c) => (include.some((n) => matches(c.model, n)) ? null : 'not in --include'),
      hint: (all) => `the candidates are ${all.map((c) => c.model.tag).join(', ')}`,
    });
  }
  if (exclude && exclude.length > 0) {
    out.push({
      id: 'exclude', label: `--exclude ${list(exclude)}`,
      fails: (c) => (exclude.some((n) => matches(c.model, n)) ? 'excluded' : null),
      hint: () => 'every candidate is excluded',
    });
  }
  if (licenses && licenses.length > 0) {
    const allowed = licenses.map((l) => l.toLowerCase());
    out.push({
      id: 'license', label: `--license ${list(licenses)}`,
      fails: (c) => (allowed.includes(c.model.license.id) ? null : `license ${c.model.license.id}`),
      hint: (all) => `the candidates' licenses are ${[...new Set(all.map((c) => c.model.license.id))].sort().join(', ')}`,
    });
  }
  if (minContext !== undefined) {
    out.push({
      id: 'min-context', label: `--min-context ${minContext}`,
      fails: (c) => {
        const context = c.model.context_tokens?.value;
        if (context === undefined) return 'context length not published';
        return context >= minContext ? null : `context ${context}`;
      },
      hint: (all) => {
        const best = Math.max(...all.map((c) => c.model.context_tokens?.value ?? 0));
        return best > 0 ? `the longest published context is ${best} tokens` : 'no candidate has a published context length';
      },
    });
  }
  if (maxVramBytes !== undefined) {
    out.push({
      id: 'max-vram', label: `--max-vram ${formatGb(maxVramBytes)}`,
      fails: (c) => (c.memoryBytes <= maxVramBytes ? null : `needs ${formatGb(c.memoryBytes)}`),
      hint: (all) => {
        const smallest = [...all].sort((a, b) => a.memoryBytes - b.memoryBytes)[0];
        return smallest ? `the smallest candidate left, ${smallest.model.tag}, needs ${formatGb(smallest.memoryBytes)}` : '';
      },
    });
  }
  if (gpuChecked) {
    out.push({
      id: 'gpu-memory', label: 'free GPU memory',
      fails: (c) => c.gpuMisfit,
      hint: (all) => all.find((c) => c.gpuMisfit !== null)?.gpuMisfit ?? '',
    });
  }
  out.push({
    id: 'data', label: 'published scores or local evidence',
    fails: (c) => (c.finalScore === null ? 'no score in this category' : null),
    hint: () => 'the remaining candidates have no benchmark in this category and no local evidence',
  });
  return out;
}

export interface ConstraintCount {
  id: ConstraintId;
  label: string;
  ruledOut: number;
}

export class NoModelFitsError extends InputError {
  constructor(
    readonly category: string,
    readonly candidates: number,
    readonly tightest: ConstraintCount,
    readonly counts: ConstraintCount[],
    hint: string,
  ) {
    const others = counts.filter((c) => c.id !== tightest.id && c.ruledOut > 0);
    super(
      `no model fits category '${category}': the tightest constraint is ${tightest.label}, which rules out ` +
        `${tightest.ruledOut} of ${candidates} candidates${hint ? ` (${hint})` : ''}` +
        (others.length > 0 ? `; also ruling out: ${others.map((c) => `${c.label} (${c.ruledOut})`).join(', ')}` : ''),
    );
    this.name = 'NoModelFitsError';
  }
}

/** The error for a selection where every candidate fails some constraint. */
export function noModelFits(category: string, candidates: readonly ConstrainedCandidate[], constraints: readonly Constraint[]): NoModelFitsError {
  const counts = constraints.map((k) => ({ id: k.id, label: k.label, ruledOut: candidates.filter((c) => k.fails(c) !== null).length }));
  let remaining = [...candidates];
  let lastCut: ConstraintId | undefined;
  let lastRemaining: ConstrainedCandidate[] = remaining;
  for (const k of constraints) {
    const kept = remaining.filter((c) => k.fails(c) === null);
    if (kept.length === 0 && remaining.length > 0) {
      lastCut = k.id;
      lastRemaining = remaining;
    }
    remaining = kept;
  }
  const most = Math.max(...counts.map((c) => c.ruledOut));
  const tied = counts.filter((c) => c.ruledOut === most);
  const tightest = tied.find((c) => c.id === lastCut) ?? tied[0] ?? counts[0];
  if (!tightest) throw new Error('noModelFits needs at least one constraint');
  const constraint = constraints.find((k) => k.id === tightest.id);
  const hintOver = tightest.id === lastCut ? lastRemaining : candidates;
  return new NoModelFitsError(category, candidates.length, tightest, counts, constraint?.hint(hintOver) ?? '');
}
