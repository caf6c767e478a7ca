/**
 * The Vega-Lite specs of the selection report: for a live selection, every candidate's final
 * score against the GPU memory it needs (with the --max-vram line) and the chosen model's
 * benchmarks beside the runner-up's; for the selection log, the models chosen per category,
 * the final scores per category, and each model's scores where it was chosen for its primary
 * category against a secondary one.
 */
import type { ChartSpec } from './chart';
import type { CandidateBreakdown, Selection } from '../scoring/select-model';
import { BYTES_PER_GB } from '../scoring/sizes';
import type { ModelsPerCategoryRow, MultiCategoryRow, PerformanceRow } from '../scoring/selection-data';

const CHART_WIDTH = 560;
const SCATTER_HEIGHT = 300;
const ROW_STEP = 24;
const BAR_STEP = 14;
const POINT_SIZE = 90;
const RULE_WIDTH = 2;
const LIMIT_DASH = [5, 4];
const MUTED = '#7a8699';
const LIMIT_COLOR = '#a33131';
const SCORE_FORMAT = '.1f';
const GB_FORMAT = '.2f';
const COLOR_SCHEME = 'tableau10';
/** Scores are on the 0-100 scale of published benchmarks. */
const SCORE_DOMAIN = [0, 100];

export type CandidateStatus = 'chosen' | 'runner-up' | 'eligible' | 'set aside';

const STATUS_COLORS: Record<CandidateStatus, string> = { chosen: '#1d6b36', 'runner-up': '#1f5f9e', eligible: '#7a8699', 'set aside': '#d0a3a3' };

export function candidateStatus(c: CandidateBreakdown, selection: Selection): CandidateStatus {
  if (c.model === selection.model) return 'chosen';
  if (c.model === selection.runnerUp?.model) return 'runner-up';
  return c.rank === null ? 'set aside' : 'eligible';
}

/** Candidates with a score and a known memory need, as chart rows. */
export function candidatePoints(selection: Selection) {
  return selection.candidates
    .filter((c) => c.finalScore !== null && Number.isFinite(c.memory.bytes))
    .map((c) => ({
      model: c.model,
      finalScore: c.finalScore,
      benchmarkScore: c.benchmark.score,
      coverage: c.benchmark.coverage,
      memoryGb: c.memory.bytes / BYTES_PER_GB,
      memoryBasis: c.memory.basis,
      role: c.role,
      status: candidateStatus(c, selection),
      setAsideBy: c.eliminatedBy.map((e) => e.label).join(', '),
    }));
}

/** Final score against the GPU memory each candidate needs; the --max-vram limit as a dashed line. */
export function candidateScoresSpec(selection: Selection): ChartSpec {
  const limitGb = selection.constraints.maxVramBytes === undefined ? null : selection.constraints.maxVramBytes / BYTES_PER_GB;
  const x = { field: 'memoryGb', type: 'quantitative', title: 'GPU memory needed (GB)', scale: { zero: true } } as const;
  return {
    title: { text: `Candidates for ${selection.category}: score against GPU memory`, subtitle: `final score = confidence by role × blended score${limitGb === null ? '' : '; dashed line: --max-vram'}` },
    width: CHART_WIDTH,
    height: SCATTER_HEIGHT,
    layer: [
      {
        data: { values: candidatePoints(selection) },
        mark: { type: 'point', filled: true, size: POINT_SIZE },
        encoding: {
          x,
          y: { field: 'finalScore', type: 'quantitative', title: 'final score (0–100)', scale: { domain: SCORE_DOMAIN } },
          color: { field: 'status', type: 'nominal', title: 'candidate', scale: { domain: Object.keys(STATUS_COLORS), range: Object.values(STATUS_COLORS) } },
          shape: { field: 'role', type: 'nominal', title: 'role' },
          tooltip: [
            { field: 'model' }, { field: 'status' }, { field: 'role' },
            { field: 'finalScore', type: 'quantitative', title: 'final score', format: SCORE_FORMAT },
            { field: 'benchmarkScore', type: 'quantitative', title: 'benchmark score', format: SCORE_FORMAT },
            { field: 'coverage', type: 'quantitative', format: '.0%' },
            { field: 'memoryGb', type: 'quantitative', title: 'memory (GB)', format: GB_FORMAT },
            { field: 'memoryBasis', title: 'memory basis' },
            { field: 'setAsideBy', title: 'set aside by' },
          ],
        },
      },
      ...(limitGb === null
        ? []
        : [{ data: { values: [{ limitGb }] }, mark: { type: 'rule', color: LIMIT_COLOR, strokeDash: LIMIT_DASH, strokeWidth: RULE_WIDTH }, encoding: { x: { field: 'limitGb', type: 'quantitative' } } }]),
    ],
  } as ChartSpec;
}

/** The chosen model's and the runner-up's score on each of the category's benchmarks. */
export function benchmarkBreakdownSpec(selection: Selection): ChartSpec {
  const sides = [selection.breakdown, ...(selection.runnerUp ? [selection.runnerUp] : [])];
  const values = sides.flatMap((c) => c.benchmark.used.map((u) => ({ model: c.model, benchmark: u.benchmark, value: u.value, weight: u.weight, setting: `${u.variant}, ${u.prompting ?? 'setting not stated'}`, source: u.source })));
  return {
    title: { text: 'Published scores on the category\'s benchmarks', subtitle: 'the chosen model and the runner-up; a missing bar is a benchmark without a published score' },
    width: CHART_WIDTH,
    height: { step: BAR_STEP },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'benchmark', type: 'nominal', title: null, sort: Object.keys(selection.weights) },
      yOffset: { field: 'model', type: 'nominal', sort: sides.map((c) => c.model) },
      x: { field: 'value', type: 'quantitative', title: 'published score (0–100)', scale: { domain: SCORE_DOMAIN } },
      color: { field: 'model', type: 'nominal', title: 'model', sort: sides.map((c) => c.model), scale: { range: [STATUS_COLORS.chosen, STATUS_COLORS['runner-up']] } },
      tooltip: [{ field: 'model' }, { field: 'benchmark' }, { field: 'value', type: 'quantitative', format: SCORE_FORMAT }, { field: 'weight', type: 'quantitative' }, { field: 'setting' }, { field: 'source' }],
    },
  } as ChartSpec;
}

/** Selections per category, stacked by the model chosen. */
export function selectionsPerCategorySpec(rows: readonly ModelsPerCategoryRow[]): ChartSpec {
  return {
    title: { text: 'Models chosen per category', subtitle: 'logged selections (model_selections), stacked by the model chosen' },
    width: CHART_WIDTH,
    height: { step: ROW_STEP },
    data: { values: rows.map((r) => ({ ...r, firstSelectedAt: r.firstSelectedAt.toISOString(), lastSelectedAt: r.lastSelectedAt.toISOString() })) },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'category', type: 'nominal', title: null },
      x: { field: 'selections', type: 'quantitative', title: 'selections', axis: { tickMinStep: 1 } },
      color: { field: 'model', type: 'nominal', title: 'model', scale: { scheme: COLOR_SCHEME } },
      tooltip: [
        { field: 'category' }, { field: 'model' }, { field: 'selections', type: 'quantitative' },
        { field: 'isPrimaryCategory', title: 'primary category' },
        { field: 'meanFinalScore', type: 'quantitative', title: 'mean final score', format: SCORE_FORMAT },
        { field: 'lastSelectedAt', title: 'last selected' },
      ],
    },
  } as ChartSpec;
}

/** Per category: the final scores' range (line), mean (point) and mean benchmark score (tick). */
export function categoryPerformanceSpec(rows: readonly PerformanceRow[]): ChartSpec {
  const y = { field: 'category', type: 'nominal', title: null } as const;
  const x = { type: 'quantitative', title: 'score (0–100)', scale: { domain: SCORE_DOMAIN } } as const;
  const tooltip = [
    { field: 'category' }, { field: 'selections', type: 'quantitative' }, { field: 'models', type: 'quantitative' },
    { field: 'meanFinalScore', type: 'quantitative', title: 'mean final score', format: SCORE_FORMAT },
    { field: 'minFinalScore', type: 'quantitative', title: 'lowest final score', format: SCORE_FORMAT },
    { field: 'maxFinalScore', type: 'quantitative', title: 'highest final score', format: SCORE_FORMAT },
    { field: 'meanBenchmarkScore', type: 'quantitative', title: 'mean benchmark score', format: SCORE_FORMAT },
    { field: 'meanCoverage', type: 'quantitative', title: 'mean coverage', format: '.0%' },
  ];
  return {
    title: { text: 'Scores of the selections per category', subtitle: 'point: mean final score; line: lowest to highest; tick: mean benchmark score (before the role confidence)' },
    width: CHART_WIDTH,
    height: { step: ROW_STEP },
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', strokeWidth: RULE_WIDTH, color: MUTED }, encoding: { y, x: { ...x, field: 'minFinalScore' }, x2: { field: 'maxFinalScore' } } },
      { mark: { type: 'tick', color: '#1d2430', thickness: RULE_WIDTH }, encoding: { y, x: { ...x, field: 'meanBenchmarkScore' }, tooltip } },
      { mark: { type: 'point', filled: true, size: POINT_SIZE, color: STATUS_COLORS.chosen }, encoding: { y, x: { ...x, field: 'meanFinalScore' }, tooltip } },
    ],
  } as ChartSpec;
}

/** Each model's mean final score when chosen for its primary category and for a secondary one. */
export function primaryVsSecondarySpec(rows: readonly MultiCategoryRow[]): ChartSpec {
  const values = rows.flatMap((r) => [
    ...(r.meanFinalScorePrimary === null ? [] : [{ model: r.model, role: 'primary category', score: r.meanFinalScorePrimary, selections: r.primarySelections }]),
    ...(r.meanFinalScoreSecondary === null ? [] : [{ model: r.model, role: 'secondary category', score: r.meanFinalScoreSecondary, selections: r.secondarySelections }]),
  ]);
  return {
    title: { text: 'Primary against secondary categories', subtitle: 'mean final score of each model\'s selections, by whether the category was its primary one' },
    width: CHART_WIDTH,
    height: { step: ROW_STEP },
    data: { values },
    mark: { type: 'point', filled: true, size: POINT_SIZE },
    encoding: {
      y: { field: 'model', type: 'nominal', title: null },
      x: { field: 'score', type: 'quantitative', title: 'mean final score (0–100)', scale: { domain: SCORE_DOMAIN } },
      color: { field: 'role', type: 'nominal', title: 'chosen for', scale: { domain: ['primary category', 'secondary category'], range: [STATUS_COLORS.chosen, STATUS_COLORS['runner-up']] } },
      tooltip: [{ field: 'model' }, { field: 'role', title: 'chosen for' }, { field: 'score', type: 'quantitative', title: 'mean final score', format: SCORE_FORMAT }, { field: 'selections', type: 'quantitative' }],
    },
  } as ChartSpec;
}
