/**
 * A small BEIR collection (dataset `tiny`, questions t1..t6) and a baselines-only suite over it,
 * for the resume tests: a suite that differs from the default one in dataset and generators, so
 * a resume that loads the default suite instead of the run's own shows at once.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runBench, type BenchResult } from '../../lib/runs/bench-run';

export const TINY_QUESTIONS = ['t1', 't2', 't3', 't4', 't5', 't6'];

const DOCS: [string, string, string][] = [
  ['a1', 'Aspirin and heart attack', 'Daily aspirin lowers the risk of a second heart attack in older adults.'],
  ['a2', 'Myocardial infarction prevention', 'Antiplatelet therapy after myocardial infarction prevents recurrence.'],
  ['b1', 'Influenza vaccine in the elderly', 'Influenza vaccination reduces hospital admissions in people over 65.'],
  ['b2', 'Flu shots for nursing homes', 'Vaccinating staff against flu protects nursing home residents.'],
  ['c1', 'Vitamin D and fractures', 'Vitamin D supplements alone do not prevent hip fractures.'],
  ['c2', 'Calcium and bone density', 'Calcium with vitamin D raises bone density in women.'],
  ['d1', 'Exercise and depression', 'Aerobic exercise eases the symptoms of mild depression.'],
  ['d2', 'Running and mood', 'Regular running improves mood in adults with depression.'],
  ['e1', 'Sleep and memory', 'Sleep after learning strengthens memory consolidation.'],
  ['f1', 'Coffee and the liver', 'Coffee drinkers have a lower risk of liver cirrhosis.'],
];

const QUESTIONS: [string, string, string[]][] = [
  ['t1', 'Does aspirin prevent a heart attack?', ['a1', 'a2']],
  ['t2', 'Does the influenza vaccine protect the elderly?', ['b1', 'b2']],
  ['t3', 'Does vitamin D prevent fractures?', ['c1', 'c2']],
  ['t4', 'Does exercise help with depression?', ['d1', 'd2']],
  ['t5', 'Does sleep improve memory?', ['e1']],
  ['t6', 'Is coffee good for the liver?', ['f1']],
];

/** Writes the collection into `dir`/tiny and returns its folder. */
export function writeTinyCollection(dir: string): string {
  const folder = path.join(dir, 'tiny');
  fs.mkdirSync(path.join(folder, 'qrels'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'corpus.jsonl'), DOCS.map(([id, title, text]) => JSON.stringify({ _id: id, title, text })).join('\n') + '\n');
  fs.writeFileSync(path.join(folder, 'queries.jsonl'), QUESTIONS.map(([id, text]) => JSON.stringify({ _id: id, text })).join('\n') + '\n');
  fs.writeFileSync(
    path.join(folder, 'qrels', 'test.tsv'),
    ['query-id\tcorpus-id\tscore', ...QUESTIONS.flatMap(([q, , docs]) => docs.map((d) => `${q}\t${d}\t1`))].join('\n') + '\n',
  );
  return folder;
}

/** The suite's text: question-or and tfidf-keywords (3 keywords) on `tiny`; `extra` lines appended. */
export function tinySuiteText(collection: string, extra = ''): string {
  return [
    'name: tiny-resume',
    'dataset: tiny',
    `import: {format: beir, paths: [${JSON.stringify(collection)}]}`,
    'generators:',
    '  - type: question-or',
    '  - type: tfidf-keywords',
    '    keywords: 3',
    'gpu_sampling: false',
    'top_k: 10',
    extra,
  ].join('\n') + '\n';
}

/** Starts a run of `suite` and interrupts it after `items` items: the run is left `interrupted`. */
export async function interruptedRun(suite: string, dbPath: string, items = 3): Promise<BenchResult> {
  const controller = new AbortController();
  let advanced = 0;
  return runBench({
    suite, dbPath, useCache: false, signal: controller.signal, flushItems: 1,
    progress: { start: () => undefined, stop: () => undefined, advance: () => { if (++advanced === items) controller.abort(); } },
  });
}

/** The pid of a process that has exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a process');
  return child.pid;
}
