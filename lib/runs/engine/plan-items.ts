/**
 * Stage 2 of the benchmark engine: which suite a run works with and which items it still has to
 * do. A new run takes the suite file given; a resumed one (`--resume RUN_ID`) takes the suite
 * stored with it (runs.config `suite`, `suiteFile`), and a `--suite` given must have the same
 * content. Resuming, the items stored are done, except those not attempted (and, with
 * `--retry-errors`, those that ended in an error), which are redone and replace their rows; the
 * run is set running again in this process. The run's lock (run-lock.ts) is taken by the
 * orchestrator before this stage and held to the end.
 */
import type { Store } from '../../store/store';
import type { QueryCheck } from '../../querygen/query-repair';
import type { ItemErrorKind } from '../../querygen/types';
import { loadSuite, suiteSchema, type Suite } from '../../suites/suite';
import { InputError } from '../../input-error';
import { loadItemStates, readRunConfig, reopenRun } from '../run-store';
import { canonicalJson } from '../run-fingerprint';
import type { StoredSingle } from './items';

/** A suite and the file it was read from. */
export interface LoadedSuite {
  suite: Suite;
  file: string;
}

/** The run to resume, as stored: its status and the suite to resume it with. */
export interface ResumedRun {
  status: string;
  loaded: LoadedSuite;
}

export interface ItemPlan {
  /** Items stored before that this run does not do again. */
  done: Set<string>;
  /** Items stored before that this run attempts again (their old rows are replaced). */
  redo: Set<string>;
  /** Queries of LLM items already stored (for multi-model items on resume). */
  storedQueries: Map<string, StoredSingle>;
}

/**
 * The run to resume and the suite to resume it with: the one stored with the run (runs.config
 * `suite`, `suiteFile`). A `--suite` given must have the same content (wherever the file is);
 * only a run that did not store its suite takes the given one.
 */
export async function runToResume(store: Store, runId: string, given: LoadedSuite | undefined): Promise<ResumedRun> {
  const run = await readRunConfig(store, runId, 'bench');
  if (!run) throw new InputError(`no benchmark run '${runId}' to resume`);
  const config = run.config;
  const stored = typeof config === 'object' && config !== null ? (config as { suite?: unknown; suiteFile?: unknown }) : {};
  const storedFile = typeof stored.suiteFile === 'string' ? stored.suiteFile : '(file not recorded)';
  if (stored.suite === undefined || stored.suite === null) {
    if (!given) throw new InputError(`run ${runId} does not record its suite: resume it with --suite FILE, the suite it was started with`);
    return { status: run.status, loaded: given };
  }
  const parsed = suiteSchema.safeParse(stored.suite);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InputError(`the suite stored with run ${runId} (${storedFile}) is not a valid suite any more: ${problems.join('; ')}`);
  }
  if (given) {
    const a = parsed.data as Record<string, unknown>;
    const b = given.suite as Record<string, unknown>;
    const differing = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => canonicalJson(a[key]) !== canonicalJson(b[key])).sort();
    if (differing.length > 0) {
      throw new InputError(
        `--suite ${given.file} differs from the suite run ${runId} was started with (${storedFile}, stored with the run) in ${differing.join(', ')}. ` +
          `Resume without --suite to finish the run with its own suite, or start a new run with this one.`,
      );
    }
  }
  return { status: run.status, loaded: { suite: parsed.data, file: storedFile } };
}

/** The suite of the run: a resumed run's own, else the one given, else the default suite. */
export function runSuite(resumed: ResumedRun | undefined, given: LoadedSuite | undefined): LoadedSuite {
  return resumed?.loaded ?? given ?? loadSuite();
}

/**
 * The items to do. A new run does every item. A resumed one skips the items it stored, apart
 * from those to attempt again, refuses a completed run with nothing to redo, and is set running
 * again in this process.
 */
export async function planItems(
  store: Store,
  runId: string,
  resumed: ResumedRun | undefined,
  loaded: LoadedSuite,
  options: { retryErrors?: boolean | undefined },
  log: (line: string) => void,
): Promise<ItemPlan> {
  const plan: ItemPlan = { done: new Set(), redo: new Set(), storedQueries: new Map() };
  if (!resumed) return plan;
  for (const item of await loadItemStates(store, runId)) {
    const again = item.status === 'not-attempted' || (options.retryErrors === true && item.status === 'error');
    if (again) {
      plan.redo.add(item.item_key);
      continue;
    }
    plan.done.add(item.item_key);
    plan.storedQueries.set(item.item_key, {
      queries: item.generated_queries ? (JSON.parse(item.generated_queries) as string[]) : [],
      checks: item.query_checks ? (JSON.parse(item.query_checks) as QueryCheck[]) : [],
      latencyMs: item.latency_ms ?? 0,
      loadMs: item.load_ms,
      errorKind: (item.error_kind as ItemErrorKind | null) ?? undefined,
    });
  }
  if (resumed.status === 'completed' && plan.redo.size === 0) {
    throw new InputError(`run ${runId} is already completed` + (options.retryErrors ? ' and has no errors to retry' : '; add --retry-errors to attempt its errors again'));
  }
  await reopenRun(store, runId);
  log(`resuming run ${runId} (suite ${loaded.suite.name}, ${loaded.file}): ${plan.done.size} item(s) already done, ${plan.redo.size} to attempt again`);
  return plan;
}
