/**
 * The headline measures come from one definition in the measure registry: their names parse as
 * the registry's own, and the report and data folders no longer spell them out as strings (the
 * files still waiting to adopt the constants are listed, so the list can only shrink).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECALL_CUTOFF, HEADLINE_MEASURES, headlineMeasures, MAP_MEASURE, parseMeasure, PRIMARY_MEASURE, recallMeasure,
} from '../../lib/evaluation/measure-registry';
import { DEFAULT_COMPARE_METRICS, parseCompareMetric } from '../../lib/compare/compare-metrics';

const LIB = path.resolve(__dirname, '../../lib');
/** Folders whose SQL and pages must take the headline measures from the registry. */
const FOLDERS = ['report', 'publish', 'runs', 'compare', 'scoring', 'gpu', 'rollout', 'keywords', 'querygen'];
/** Files that still repeat a headline name (the benchmark engine's summary); adopt the constants, then remove them here. */
const NOT_YET = new Set<string>();
const SPELLED_OUT = /['"`](ndcg_cut_10|nDCG@10|ndcg@10|recall_100|recall@100)['"`]/;

describe('headline measures', () => {
  it('are nDCG@10, recall@k and MAP, named as trec_eval prints them', () => {
    expect(HEADLINE_MEASURES.map((m) => m.name)).toEqual(['ndcg_cut_10', 'recall_100', 'map']);
    expect(HEADLINE_MEASURES.map((m) => m.label)).toEqual(['nDCG@10', 'recall@100', 'MAP']);
    expect(headlineMeasures(1000).map((m) => m.name)).toEqual(['ndcg_cut_10', 'recall_1000', 'map']);
    expect(recallMeasure().name).toBe(`recall_${DEFAULT_RECALL_CUTOFF}`);
    for (const m of [PRIMARY_MEASURE, MAP_MEASURE, ...headlineMeasures(20)]) expect(parseMeasure(m.name).name).toBe(m.name);
  });

  it('are what `benchlab compare` compares by default, each short form resolving to its measure', () => {
    expect(DEFAULT_COMPARE_METRICS).toEqual(['ndcg@10', 'recall@100', 'map']);
    expect(HEADLINE_MEASURES.map((m) => parseCompareMetric(m.short).measure)).toEqual(HEADLINE_MEASURES.map((m) => m.name));
  });

  it('are not spelled out as strings in the report and data folders', () => {
    const offenders = FOLDERS.flatMap((folder) =>
      fs.readdirSync(path.join(LIB, folder), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.posix.join(folder, f.split(path.sep).join('/')))
        .filter((f) => !NOT_YET.has(f))
        .filter((f) => fs.readFileSync(path.join(LIB, f), 'utf8').split('\n').some((line) => !/^\s*(\*|\/\/|\/\*)/.test(line) && SPELLED_OUT.test(line))),
    );
    expect(offenders).toEqual([]);
  });
});
