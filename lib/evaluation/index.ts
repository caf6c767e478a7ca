/**
 * Public API of the trec_eval-exact evaluation module: run/qrels types, measure names, whole-run
 * evaluation, the per-query measure functions, and TREC run/qrels file reading and writing.
 */

export type { Qrels, Run, ScoredDocument } from './types';
export {
  DEFAULT_EVALUATION_DEPTH,
  RELEVANCE_LEVEL,
  buildJudgedRanking,
  countRelevant,
  isRelevant,
  type JudgedRanking,
  type QueryJudgments,
  type RankedDocument,
} from './judged-ranking';
export { compareStrcmp, compareTrecEval, sortTrecEval } from './trec-order';
export {
  CUTOFF_MEASURE_KINDS,
  MEASURE_REGISTRY,
  PARAMETER_MEASURE_KINDS,
  PLAIN_MEASURE_KINDS,
  TREC_EVAL_DEFAULT_CUTOFFS,
  VALID_MEASURE_FORMS,
  computeMeasure,
  cutoffMeasureNames,
  parseMeasure,
  summaryRule,
  type CutoffMeasureKind,
  type MeasureKind,
  type ParameterMeasureKind,
  type ParsedMeasure,
  type PlainMeasureKind,
  type SummaryRule,
} from './measure-registry';
export { DEFAULT_MEASURES, evaluateRun, type EvaluateOptions, type EvaluationResult } from './evaluate';
export { averagePrecision } from './measures/average-precision';
export { ndcgCut } from './measures/ndcg-cut';
export { precisionAt } from './measures/precision-at';
export { recallAt } from './measures/recall-at';
export { reciprocalRank } from './measures/reciprocal-rank';
export { numRelevant, numRelevantRetrieved, numRetrieved } from './measures/counts';
export { setPrecision } from './measures/set-precision';
export { setRecall } from './measures/set-recall';
export { SET_F_DEFAULT_WEIGHT, setF } from './measures/set-f';
export { formatRunFile, parseRunFile, readRunFile, writeRunFile } from './run-file';
export { formatQrelsFile, parseQrelsFile, readQrelsFile, writeQrelsFile } from './qrels-file';
