/**
 * Stage 3 of the benchmark engine: the generators over the run's items, for every repeat, in
 * generator-major order (a local GPU loads each model once, instead of once per question), one
 * item at a time, so each item's latency is the model's alone. Each completed item goes to
 * `record`. Items done before (resume) are skipped, their queries kept for multi-model items.
 *
 * Faults stay with the model that has them. When a model's circuit is open (see llm-client.ts),
 * the run moves on to the other generators and comes back to it at the end of the repeat, once
 * the cooldown has passed; a model whose failures already cost the run its budget (first-token
 * deadline x breaker threshold) is not probed again. Items that still cannot be attempted are
 * recorded as `not-attempted`. After the generators of a repeat, multi-model items fuse every
 * valid query of every model for a question.
 */
import type { Query } from '../../datasets/types';
import type { LlmClient } from '../../llm/llm-client';
import type { GpuSampler } from '../../gpu/gpu-sampler';
import type { ItemErrorKind, QueryGenerator } from '../../querygen/types';
import { MULTI_MODEL_GENERATOR } from '../bench-summary';
import { itemKey, loadMs, sumOrNull, type PendingItem, type StoredSingle } from './items';
import type { ItemPlan } from './plan-items';
import type { SuiteGenerators } from './generators';
import { ragItemOf } from '../../rag/rag-generator';

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface GenerateInput {
  repeats: number;
  questions: Query[];
  plan: ItemPlan;
  generators: SuiteGenerators;
  /** For the breaker limits and a model's failure cost. */
  client: LlmClient;
  gpu: GpuSampler | undefined;
  /** Takes a completed item (`label` for the progress line). */
  record: (item: PendingItem, label: string) => Promise<void>;
  log: (line: string) => void;
  signal?: AbortSignal | undefined;
}

/** Generates every item of the run not done yet; returns early once `signal` aborts. */
export async function generateItems(input: GenerateInput): Promise<void> {
  const { plan, client, gpu, record, log, signal } = input;
  const { generators, llmGenerators, withMulti } = input.generators;
  const aborted = () => signal?.aborted === true;
  // (repeat, question) -> the LLM generators' items, for the multi-model items.
  const llmItems = new Map<string, StoredSingle[]>();
  const collect = (generator: QueryGenerator, repeat: number, questionId: string, item: StoredSingle | undefined) => {
    if (generator.kind !== 'llm' || !item) return;
    const list = llmItems.get(`${repeat}|${questionId}`) ?? [];
    list.push(item);
    llmItems.set(`${repeat}|${questionId}`, list);
  };

  /**
   * Runs `generator` over `questions` in order. Returns the questions left when the model's
   * circuit was open (nothing was sent), so the run can come back to them.
   */
  const runGenerator = async (generator: QueryGenerator, repeat: number, questions: Query[]): Promise<Query[]> => {
    for (let index = 0; index < questions.length; index++) {
      const question = questions[index] as Query;
      if (aborted()) return [];
      const key = itemKey(repeat, generator.id, question.id);
      if (plan.done.has(key)) {
        collect(generator, repeat, question.id, plan.storedQueries.get(key));
        continue;
      }
      const generated = await generator.generate(question);
      if (generated.errorKind === 'circuit' && generated.calls.every((c) => c.attempts === 0)) return questions.slice(index);
      const item: PendingItem = {
        key, generator: generator.id, model: generator.model, questionId: question.id, repeat,
        queries: generated.queries, checks: generated.checks, answerRead: generated.answerRead, latencyMs: generated.latencyMs,
        loadMs: loadMs(generated.calls), calls: generated.calls, status: generated.error ? 'error' : 'ok', error: generated.error, errorKind: generated.errorKind,
        ...(generated.retrieval ? { retrieval: generated.retrieval } : {}),
        rag: ragItemOf(generated),
      };
      await record(item, `${generator.id} ${question.id}`);
      collect(generator, repeat, question.id, item);
    }
    return [];
  };

  const notAttempted = async (generator: QueryGenerator, repeat: number, questions: Query[], reason: string) => {
    for (const question of questions) {
      if (aborted()) return;
      await record(
        {
          key: itemKey(repeat, generator.id, question.id), generator: generator.id, model: generator.model, questionId: question.id, repeat,
          queries: [], checks: [], answerRead: null, latencyMs: 0, loadMs: null, calls: [], status: 'not-attempted', error: `not attempted: ${reason}`, errorKind: 'circuit',
        },
        `${generator.id} ${question.id}`,
      );
    }
  };

  // What the failed attempts of one model may cost the run: its first-token deadline (the
  // longest one attempt can hang) times the breaker threshold.
  const { deadline, breaker } = client.limits;
  const attemptLimitMs = Math.max(deadline.firstTokenMs ?? deadline.idleMs, deadline.idleMs);
  const failureBudgetMs = attemptLimitMs * breaker.failureThreshold;

  /** Comes back to a model whose circuit was open: after the cooldown, within the model's failure budget. */
  const comeBack = async (generator: QueryGenerator, repeat: number, questions: Query[]) => {
    const model = generator.model ?? '';
    const spentMs = client.failureCostMs(model);
    if (spentMs + attemptLimitMs > failureBudgetMs) {
      const reason = `circuit open for ${model}; its failures cost ${(spentMs / 1000).toFixed(1)} s, and a probe could take ${(attemptLimitMs / 1000).toFixed(1)} s more of its ${(failureBudgetMs / 1000).toFixed(1)} s budget`;
      log(`${generator.id}: ${questions.length} item(s) not attempted (${reason})`);
      await notAttempted(generator, repeat, questions, reason);
      return;
    }
    const waitMs = Math.min(client.circuitWaitMs(model) ?? 0, breaker.cooldownMs);
    log(`${generator.id}: coming back to ${questions.length} item(s)${waitMs > 0 ? ` after ${Math.ceil(waitMs)} ms` : ''}`);
    if (waitMs > 0) await sleep(waitMs, signal);
    const left = await runGenerator(generator, repeat, questions);
    if (left.length > 0) {
      const reason = `circuit open for ${model} after the probe`;
      log(`${generator.id}: ${left.length} item(s) not attempted (${reason})`);
      await notAttempted(generator, repeat, left, reason);
    }
  };

  for (let repeat = 0; repeat < input.repeats; repeat++) {
    const parked: { generator: QueryGenerator; questions: Query[] }[] = [];
    for (const generator of generators) {
      gpu?.markPhase('generate', generator.model);
      const left = await runGenerator(generator, repeat, input.questions);
      if (aborted()) return;
      if (left.length > 0) {
        log(`${generator.id}: circuit open; moving on and coming back to its ${left.length} item(s) after the other generators`);
        parked.push({ generator, questions: left });
      }
    }
    for (const { generator, questions } of parked) {
      gpu?.markPhase('generate', generator.model);
      await comeBack(generator, repeat, questions);
      if (aborted()) return;
    }
    if (!withMulti) continue;
    gpu?.markPhase('fuse');
    for (const question of input.questions) {
      if (aborted()) return;
      const key = itemKey(repeat, MULTI_MODEL_GENERATOR, question.id);
      if (plan.done.has(key)) continue;
      const singles = llmItems.get(`${repeat}|${question.id}`) ?? [];
      const queries = singles.flatMap((i) => i.queries);
      const failedKinds = [...new Set(singles.flatMap((i) => (i.errorKind ? [i.errorKind] : [])))];
      const errorKind: ItemErrorKind | undefined = queries.length > 0 ? undefined : failedKinds.length === 1 ? failedKinds[0] : failedKinds.length === 0 ? 'parse' : 'other';
      await record(
        {
          key, generator: MULTI_MODEL_GENERATOR, model: llmGenerators.map((g) => g.model).join('+'), questionId: question.id, repeat,
          // Every valid query of every model: one model's bad query never fails the fused item.
          queries, checks: singles.flatMap((i) => i.checks), answerRead: null,
          // Serial on a local host: the multi-model time is the sum of the models' times.
          latencyMs: singles.reduce((sum, i) => sum + i.latencyMs, 0),
          loadMs: sumOrNull(singles.map((i) => i.loadMs)),
          calls: [], status: queries.length > 0 ? 'ok' : 'error',
          error: queries.length > 0 ? undefined : 'no model produced a valid query', errorKind,
        },
        `${MULTI_MODEL_GENERATOR} ${question.id}`,
      );
    }
  }
}
