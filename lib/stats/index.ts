/**
 * Owns the public API of lib/stats, the A/B statistics of Benchlab: unpaired and paired
 * hypothesis tests, effect sizes with confidence intervals, Hodges-Lehmann location estimates
 * with distribution-free intervals, multiple-testing adjustments, the sample-ratio-mismatch
 * check, t-test power planning, and the sequential confidence sequence; and the descriptive
 * statistics every folder uses (descriptive.ts: simple-statistics does the arithmetic, @stdlib
 * the distribution tails of the tests).
 * Every test returns a TestResult or an explicit DegenerateResult (see test-result.ts).
 */

export type {
  Alternative,
  DegenerateResult,
  EstimateOutcome,
  EstimateResult,
  Interval,
  SampleCounts,
  StatsResult,
  TestResult,
} from './test-result';
export type { CommonTestOptions } from './options';

export { welchTTest } from './welch-t-test';
export { studentTTest } from './student-t-test';
export type { UnpairedTTestOptions } from './unpaired-t-test';
export { mannWhitneyU, type MannWhitneyOptions } from './mann-whitney-u';
export { chiSquareIndependence, type ChiSquareIndependenceOptions } from './chi-square-independence';
export { fisherExact, type FisherExactOptions, type Table2x2 } from './fisher-exact';
export { twoProportionZTest, type ProportionCounts, type TwoProportionOptions } from './two-proportion-z-test';

export { pairedTTest, type PairedTTestOptions } from './paired-t-test';
export { wilcoxonSignedRank, roundedDifferences, type WilcoxonOptions, type ZeroMethod } from './wilcoxon-signed-rank';
export { mcnemarTest, type McNemarOptions } from './mcnemar-test';
export { pairedOutcomeTable, type PairedOutcomeTable } from './paired-outcome-table';
export { pairedBootstrap, DEFAULT_BOOTSTRAP_RESAMPLES, type PairedBootstrapOptions } from './paired-bootstrap';
export {
  signFlipPermutationTest,
  DEFAULT_EXACT_MAX_PAIRS,
  DEFAULT_PERMUTATION_RESAMPLES,
  type SignFlipOptions,
} from './sign-flip-permutation-test';

export { meanDifference, type MeanDifferenceOptions } from './mean-difference';
export { relativeLift, type RelativeLiftOptions } from './relative-lift';
export {
  hodgesLehmannPaired,
  hodgesLehmannShift,
  HODGES_LEHMANN_EXACT_MAX,
  type HodgesLehmannOptions,
  type HodgesLehmannOutcome,
  type HodgesLehmannResult,
} from './hodges-lehmann';
export { walshOrderStatistics, differenceOrderStatistics } from './order-statistic';
export { cohensD, type CohensDOptions } from './cohens-d';
export { cohensDz, type CohensDzOptions } from './cohens-dz';
export { oddsRatio, type OddsRatioOptions } from './odds-ratio';

export { adjustPValues, type PAdjustMethod } from './adjust-p-values';
export { holmAdjust } from './holm-adjust';
export { benjaminiHochbergAdjust } from './benjamini-hochberg-adjust';
export { bonferroniAdjust } from './bonferroni-adjust';

export {
  sampleRatioMismatch,
  DEFAULT_SRM_THRESHOLD,
  type SampleRatioMismatchOptions,
  type SampleRatioMismatchResult,
} from './sample-ratio-mismatch';

export { tTestPower, DEFAULT_ALPHA, DEFAULT_POWER, type PowerDesign, type TTestDesign } from './t-test-power';
export { tTestSampleSize, type SampleSizePlan } from './t-test-sample-size';
export { minimumDetectableEffect } from './minimum-detectable-effect';

export {
  startConfidenceSequence,
  updateConfidenceSequence,
  confidenceSequenceResult,
  confidenceSequenceRho,
  type ConfidenceSequenceOptions,
  type ConfidenceSequenceResult,
  type ConfidenceSequenceState,
} from './confidence-sequence';

export {
  sum,
  mean,
  meanOrNull,
  addToMean,
  median,
  quantile,
  quantiles,
  quantileSorted,
  sampleVariance,
  sampleStandardDeviation,
  sampleCovariance,
  sampleMoments,
  medianAbsoluteDeviation,
  sampleCorrelation,
  linearTrend,
  type LinearTrend,
  type SampleMoments,
} from './descriptive';

export { noncentralTCdf } from './noncentral-t-cdf';
export { studentTQuantile } from './student-t-quantile';
export { roundSignificant, TIE_SIGNIFICANT_DIGITS } from './round-significant';
