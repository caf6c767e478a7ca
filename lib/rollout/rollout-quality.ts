/**
 * Owns the aggregate quality of a batch rollout (`rollout_quality`): the retrieval effect of
 * expanding documents with their keywords. Each document's latest successful extraction is taken
 * with its arm; the plain index, the index with the control arm's documents expanded (frequency
 * keywords) and the index with the treatment arm's documents expanded (LLM keywords) are ranked
 * with the dataset's own queries, and nDCG@10 is stored per query. Because assignment is random,
 * the two arms' documents are comparable halves, so per-query treatment vs control is a fair
 * paired comparison of the methods (ab-analysis.ts tests it).
 */
import crypto from 'node:crypto';
import type { Store } from '../store/store';
import { evaluateExpansions } from '../keywords/expansion-quality';
import { mean } from '../stats/descriptive';
import type { Arm } from './assignment';
import type { ExperimentState } from './experiment-store';
import { toTimestamp } from './timestamps';

export interface QualityEvaluation {
  evaluationId: string;
  evaluatedAt: Date;
  stageIndex: number;
  dataset: string;
  queries: { queryId: string; plain: number; control: number; treatment: number }[];
  controlDocs: number;
  treatmentDocs: number;
  means: { plain: number; control: number; treatment: number };
}

/** The batch source name of a dataset's events and extractions. */
export function datasetSource(dataset: string): string {
  return `batch:${dataset}`;
}

/** Evaluates and stores the quality of the experiment's keywords on `dataset`. */
export async function evaluateRolloutQuality(store: Store, state: ExperimentState, dataset: string, now: Date = new Date()): Promise<QualityEvaluation> {
  const rows = await store.all<{ doc_id: string; arm: Arm; keywords: string[] }>(
    `SELECT doc_id, arm, keywords FROM keyword_extractions
     WHERE experiment_key = $key AND source = $source AND error IS NULL
     QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY created_at DESC, event_id DESC) = 1`,
    { key: state.key, source: datasetSource(dataset) },
  );
  const byArm: Record<Arm, Map<string, string[]>> = { control: new Map(), treatment: new Map() };
  for (const row of rows) byArm[row.arm]?.set(row.doc_id, row.keywords);
  const result = await evaluateExpansions(store, dataset, { control: byArm.control, treatment: byArm.treatment });
  const evaluation: QualityEvaluation = {
    evaluationId: crypto.randomUUID(),
    evaluatedAt: now,
    stageIndex: state.stageIndex,
    dataset,
    queries: result.perQuery.map((q) => ({ queryId: q.queryId, plain: q.plain, control: q.expanded['control'] ?? q.plain, treatment: q.expanded['treatment'] ?? q.plain })),
    controlDocs: result.expandedDocs['control'] ?? 0,
    treatmentDocs: result.expandedDocs['treatment'] ?? 0,
    means: { plain: result.plainMean, control: result.expandedMean['control'] ?? result.plainMean, treatment: result.expandedMean['treatment'] ?? result.plainMean },
  };
  await store.append(
    'rollout_quality',
    evaluation.queries.map((q) => [
      evaluation.evaluationId, state.key, now, state.stageIndex, dataset, q.queryId, q.plain, q.control, q.treatment, evaluation.controlDocs, evaluation.treatmentDocs,
    ]),
  );
  return evaluation;
}

interface QualityRow {
  evaluation_id: string;
  evaluated_at: Date;
  stage_index: number;
  dataset: string;
  query_id: string;
  plain_ndcg10: number;
  control_ndcg10: number;
  treatment_ndcg10: number;
  control_docs: number;
  treatment_docs: number;
  [key: string]: unknown;
}

function toEvaluations(rows: QualityRow[]): QualityEvaluation[] {
  const byId = new Map<string, QualityRow[]>();
  for (const row of rows) {
    const list = byId.get(row.evaluation_id);
    if (list) list.push(row);
    else byId.set(row.evaluation_id, [row]);
  }
  const avg = (values: number[]) => (values.length > 0 ? mean(values) : 0);
  return [...byId.values()].map((group) => {
    const first = group[0] as QualityRow;
    const queries = group.map((r) => ({ queryId: r.query_id, plain: r.plain_ndcg10, control: r.control_ndcg10, treatment: r.treatment_ndcg10 }));
    return {
      evaluationId: first.evaluation_id,
      evaluatedAt: first.evaluated_at,
      stageIndex: first.stage_index,
      dataset: first.dataset,
      queries,
      controlDocs: first.control_docs,
      treatmentDocs: first.treatment_docs,
      means: { plain: avg(queries.map((q) => q.plain)), control: avg(queries.map((q) => q.control)), treatment: avg(queries.map((q) => q.treatment)) },
    };
  });
}

/** Every stored evaluation of the experiment, oldest first. */
export async function loadQualityEvaluations(store: Store, experimentKey: string): Promise<QualityEvaluation[]> {
  const rows = await store.all<QualityRow>(
    `SELECT * FROM rollout_quality WHERE experiment_key = $key ORDER BY evaluated_at, evaluation_id, query_id`,
    { key: experimentKey },
  );
  return toEvaluations(rows);
}

/** The newest evaluation (at or after `since`, when given). */
export async function latestQualityEvaluation(store: Store, experimentKey: string, since?: Date): Promise<QualityEvaluation | undefined> {
  const latest = await store.one<{ evaluation_id: string }>(
    `SELECT evaluation_id FROM rollout_quality WHERE experiment_key = $key ${since ? 'AND evaluated_at >= $since' : ''}
     ORDER BY evaluated_at DESC LIMIT 1`,
    { key: experimentKey, ...(since ? { since: toTimestamp(since) } : {}) },
  );
  if (!latest) return undefined;
  const rows = await store.all<QualityRow>(`SELECT * FROM rollout_quality WHERE evaluation_id = $id ORDER BY query_id`, { id: latest.evaluation_id });
  return toEvaluations(rows)[0];
}
