/**
 * Owns the result shapes shared by every A/B statistic in lib/stats: one shape for a hypothesis
 * test (`TestResult`), one for an effect size with its confidence interval (`EstimateResult`),
 * and an explicit degenerate result for inputs that make the computation meaningless (zero
 * variance, too few observations, all ties, NaN or Infinity in the input). Functions return a
 * degenerate result instead of NaN or a deep exception; they throw a RangeError only for invalid
 * options (a confidence level outside (0, 1), say), which are programming errors.
 */

/** The alternative hypothesis, with SciPy's meaning: 'greater' means x tends to exceed y. */
export type Alternative = 'two-sided' | 'less' | 'greater';

/** Counts that entered the computation, keyed by role (e.g. `{ x: 30, y: 28 }`, `{ pairs: 30 }`). */
export type SampleCounts = Readonly<Record<string, number>>;

/** A closed interval; one-sided intervals use -Infinity or Infinity for the open end. */
export type Interval = [number, number];

/** A computed hypothesis test. `degenerate` is absent so `if (r.degenerate)` narrows the union. */
export interface TestResult {
  /** Human-readable test name, e.g. "Welch t-test". */
  readonly test: string;
  /** The test statistic, with SciPy's convention for the same test. */
  readonly statistic: number;
  readonly pValue: number;
  readonly df?: number;
  /** Point estimate of the effect the test is about (mean difference, odds ratio, ...). */
  readonly estimate?: number;
  readonly interval?: Interval;
  readonly confidenceLevel?: number;
  readonly alternative: Alternative;
  readonly n: SampleCounts;
  /** How the p-value was computed when a test has several ways ('exact', 'asymptotic', ...). */
  readonly method?: string;
  /** Plain-language summary, e.g. "A's mean is 0.042 higher than B's (95% CI ...); ...". */
  readonly sentence: string;
  readonly degenerate?: undefined;
}

/** An input the test cannot meaningfully handle; `reason` says why, `sentence` says it plainly. */
export interface DegenerateResult {
  readonly degenerate: true;
  readonly reason: string;
  readonly test: string;
  readonly n: SampleCounts;
  readonly sentence: string;
}

/** Either a computed test or an explicit degenerate result. */
export type StatsResult = TestResult | DegenerateResult;

/** An effect size with a confidence interval. */
export interface EstimateResult {
  /** Name of the measure, e.g. "Cohen's d". */
  readonly test: string;
  readonly estimate: number;
  readonly interval: Interval;
  readonly confidenceLevel: number;
  /** How the interval was computed, e.g. "noncentral t inversion", "delta method". */
  readonly method: string;
  readonly n: SampleCounts;
  readonly sentence: string;
  readonly degenerate?: undefined;
}

/** Either a computed effect size or an explicit degenerate result. */
export type EstimateOutcome = EstimateResult | DegenerateResult;
