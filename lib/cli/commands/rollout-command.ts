/**
 * `benchlab rollout`: staged rollouts of LLM keyword extraction. Subcommands: list, status
 * (read-only), advance, rollback, resume (lift a pause), history, step (the batch job), monitor
 * (one monitor look, as the rollout-monitor job takes), sample (documents for manual review) and
 * report (the HTML rollout report). EXPERIMENT is a key in data/experiments/ or a path to an
 * experiment file. status, advance, rollback, resume and monitor take `--now ISO` (or
 * BENCHLAB_NOW) to act at a given time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { withStore } from '../../store/store';
import { resolveDbPath } from '../../store/db-path';
import { InputError } from '../../input-error';
import type { GlobalOptions } from '../global-options';
import { formatNumber, printJson, renderTable } from '../output';
import { positiveInteger } from '../parse-options';
import { NotStartedError, advanceExperiment, experimentHistory, resumeExperiment, rollbackExperiment, rolloutStatus } from '../../rollout/controller';
import { listExperiments, resolveExperiment } from '../../rollout/experiment-store';
import { listExperimentFiles, type ExperimentConfig } from '../../rollout/experiment-config';
import { describeCondition } from '../../rollout/triggers';
import { commandClock, NOW_ENV_VAR } from '../../rollout/clock';
import { runRolloutStep } from '../../rollout/batch-step';
import { runRolloutMonitor, type Assessment } from '../../rollout/monitor';
import { DEFAULT_REVIEW_PER_ARM, reviewSample } from '../../rollout/review-sample';
import { writeRolloutReport } from '../../publish/rollout-reports';
import { formatDuration } from '../../rollout/duration';
import { stageGauge } from '../../rollout/stage-gauge';
import { resolveOutDir } from '../../publish/out-dir';

const PERCENT = 100;
const DEFAULT_HISTORY = 20;

function rate(value: number | null): string {
  return value === null ? '-' : `${(value * PERCENT).toFixed(1)}%`;
}

function ms(value: number | null): string {
  return value === null ? '-' : value.toFixed(0);
}

function triggerState(t: Assessment['triggers'][number]): string {
  if (t.insufficient) return `too few events (< ${t.minUnits} a bucket)`;
  if (!t.firing) return 'ok';
  if (t.due) return `DUE (since ${t.since})`;
  if (t.acted) return `acted on (episode since ${t.since})`;
  return `pending ${formatDuration(t.heldMs)} of ${formatDuration(t.forMs)} (since ${t.since})`;
}

/** The plan of an experiment that has not started: its stages, gates and decision matrix. */
function printPlan(config: ExperimentConfig, file: string | undefined): void {
  process.stdout.write(`${config.key}: not started (nothing stored; 'rollout advance', 'rollout step', 'rollout monitor ${config.key}' or 'ingest' registers it)\n`);
  if (file) process.stdout.write(`file: ${file}\n`);
  process.stdout.write(
    renderTable(
      ['stage', 'percentage', 'min duration', 'min units', 'gates'],
      config.stages.map((s) => [
        s.name, `${s.percentage}%`, formatDuration(s.min_duration), s.min_units,
        [s.ab_test ? 'A/B gates' : 'stage gates', ...Object.keys(s.gates ?? {})].join(', '),
      ]),
    ) + '\n',
  );
  process.stdout.write(
    renderTable(
      ['trigger', 'condition', 'for', 'action', 'severity'],
      config.triggers.map((t) => [t.name, describeCondition(t), formatDuration(t.for), t.action, t.severity]),
    ) + '\n',
  );
}

const NOW_HELP = `act as if it were this time (ISO 8601 with a zone; default: $${NOW_ENV_VAR}, else the clock)`;

function printAssessment(a: Assessment): void {
  const { state } = a;
  process.stdout.write(`${state.key}: ${state.status}\n${stageGauge(state)}\n`);
  process.stdout.write(`stage started ${state.stageStartedAt.toISOString()} (${formatDuration(a.now.getTime() - state.stageStartedAt.getTime())} ago)\n`);
  process.stdout.write(
    renderTable(
      ['arm', 'units', 'events', 'error rate', 'avg ms', 'cache hit', 'keywords', 'hallucinated', 'quality'],
      (['control', 'treatment'] as const).map((arm) => {
        const s = a.summaries[arm];
        return [arm, s.units, s.events, rate(s.errorRate), ms(s.avgProcessingMs), rate(s.cacheHitRate), formatNumber(s.avgKeywordCount, 1), rate(s.hallucinationRate), formatNumber(s.qualityMean)];
      }),
    ) + '\n',
  );
  process.stdout.write(
    renderTable(['gate', 'outcome', 'requirement', 'detail'], a.readiness.gates.map((g) => [g.gate, g.outcome, g.requirement, g.detail])) + '\n',
  );
  process.stdout.write(
    renderTable(
      ['trigger', 'condition', 'value', 'events', 'state', 'action'],
      a.triggers.map((t) => [
        t.name, t.condition, t.value === null ? '-' : formatNumber(t.value), t.support,
        triggerState(t),
        t.action,
      ]),
    ) + '\n',
  );
  if (a.ab) {
    const q = a.ab.quality;
    process.stdout.write(`A/B quality (${q.source}): ${q.sequential?.sentence ?? 'no data yet'}\n`);
    if (q.lift) process.stdout.write(`  relative lift: ${q.lift.sentence}\n`);
    if (a.ab.time.ratio !== null) process.stdout.write(`A/B time ratio (treatment/control): ${a.ab.time.ratio.toFixed(2)}\n`);
    if (a.ab.srm) process.stdout.write(`${a.ab.srm.sentence}\n`);
  }
  process.stdout.write(a.readiness.ready ? `ready: 'benchlab rollout advance ${state.key}' moves to the next stage\n` : 'not ready to advance\n');
}

export function rolloutCommand(globals: () => GlobalOptions): Command {
  const db = () => ({ ...(globals().db ? { dbPath: globals().db } : {}) });
  const rollout = new Command('rollout').description('staged rollouts and A/B tests of LLM keyword extraction');

  rollout
    .command('list')
    .description('list the experiments in the database, and experiment files not started yet')
    .option('--json', 'print as JSON', false)
    .action(async (options: { json: boolean }) => {
      const experiments = await withStore(db(), listExperiments);
      const started = new Set(experiments.map((e) => e.key));
      const notStarted = listExperimentFiles()
        .map((file) => path.basename(file).replace(/\.(ya?ml|json)$/, ''))
        .filter((key) => !started.has(key));
      if (options.json) {
        return printJson({ experiments: experiments.map((e) => ({ ...e, config: undefined, stage: e.config.stages[e.stageIndex]?.name })), notStarted });
      }
      process.stdout.write(
        renderTable(
          ['experiment', 'status', 'stage', 'percentage', 'stage started'],
          [
            ...experiments.map((e) => [e.key, e.status, e.config.stages[e.stageIndex]?.name ?? '-', `${e.percentage}%`, e.stageStartedAt.toISOString()]),
            ...notStarted.map((key) => [key, 'not started', '-', '-', '-']),
          ],
        ) + '\n',
      );
    });

  rollout
    .command('status')
    .description('current stage, metrics per arm, gates, triggers and the A/B result (read-only: writes nothing)')
    .argument('<experiment>', 'experiment key or file')
    .option('--now <iso>', NOW_HELP)
    .option('--json', 'print as JSON', false)
    .action(async (experiment: string, options: { json: boolean; now?: string }) => {
      const now = commandClock(options.now)();
      const dbPath = resolveDbPath(globals().db);
      const hasDb = dbPath !== ':memory:' && fs.existsSync(dbPath);
      try {
        const assessment = hasDb
          ? await withStore({ dbPath, readOnly: true }, (store) => rolloutStatus(store, experiment, { now }))
          : await rolloutStatus(undefined, experiment, { now });
        if (options.json) printJson(assessment);
        else printAssessment(assessment);
      } catch (error) {
        if (!(error instanceof NotStartedError)) throw error;
        if (options.json) printJson({ experiment: error.config.key, started: false, file: error.file ?? null, config: error.config });
        else printPlan(error.config, error.file);
      }
    });

  rollout
    .command('advance')
    .description('move to the next stage when every gate passes (a person\'s decision)')
    .argument('<experiment>', 'experiment key or file')
    .option('--force', 'advance even though gates fail (recorded with them); not past a pause', false)
    .option('--note <text>', 'why, stored with the decision')
    .option('--now <iso>', NOW_HELP)
    .option('--json', 'print as JSON', false)
    .action(async (experiment: string, options: { force: boolean; note?: string; now?: string; json: boolean }) => {
      const clock = commandClock(options.now);
      const result = await withStore(db(), (store) => advanceExperiment(store, experiment, { force: options.force, clock, ...(options.note ? { note: options.note } : {}) }));
      if (options.json) printJson(result);
      else process.stdout.write(`${result.experiment}: ${result.description}\n`);
    });

  rollout
    .command('rollback')
    .description('go back one stage (or to the first stage with --to-zero)')
    .argument('<experiment>', 'experiment key or file')
    .option('--to-zero', 'roll back to the first stage (0%)', false)
    .option('--note <text>', 'why, stored with the decision')
    .option('--now <iso>', NOW_HELP)
    .option('--json', 'print as JSON', false)
    .action(async (experiment: string, options: { toZero: boolean; note?: string; now?: string; json: boolean }) => {
      const clock = commandClock(options.now);
      const result = await withStore(db(), (store) => rollbackExperiment(store, experiment, { toZero: options.toZero, clock, ...(options.note ? { note: options.note } : {}) }));
      if (options.json) printJson(result);
      else process.stdout.write(`${result.experiment}: ${result.description}\n`);
    });

  rollout
    .command('resume')
    .description('lift a pause (set by a rollback trigger such as too many complaints): advances are allowed again')
    .argument('<experiment>', 'experiment key or file')
    .option('--note <text>', 'why, stored with the decision')
    .option('--now <iso>', NOW_HELP)
    .option('--json', 'print as JSON', false)
    .action(async (experiment: string, options: { note?: string; now?: string; json: boolean }) => {
      const clock = commandClock(options.now);
      const result = await withStore(db(), (store) => resumeExperiment(store, experiment, { clock, ...(options.note ? { note: options.note } : {}) }));
      if (options.json) printJson(result);
      else process.stdout.write(`${result.experiment}: ${result.description}\n`);
    });

  rollout
    .command('history')
    .description('the decision log, newest first')
    .argument('<experiment>', 'experiment key or file')
    .option('--limit <n>', 'at most this many decisions', positiveInteger('--limit'), DEFAULT_HISTORY)
    .option('--actions', 'leave out the monitor\'s routine looks (continue, ready)', false)
    .option('--json', 'print as JSON', false)
    .action(async (experiment: string, options: { limit: number; actions: boolean; json: boolean }) => {
      const { decisions } = await withStore(db(), (store) => experimentHistory(store, experiment, { limit: options.limit, actionsOnly: options.actions }));
      if (options.json) return printJson(decisions);
      process.stdout.write(
        renderTable(
          ['decided at', 'decision', 'by', 'stage', 'why'],
          decisions.map((d) => [
            d.decidedAt.toISOString(), d.decision, d.automatic ? 'monitor' : 'person',
            d.fromStage === d.toStage || d.fromStage === null ? String(d.toStage ?? '-') : `${d.fromStage} -> ${d.toStage}`,
            String(d.evidence['description'] ?? d.evidence['note'] ?? d.evidence['source'] ?? ''),
          ]),
        ) + '\n',
      );
    });

  rollout
    .command('step')
    .description('process the next batch of documents of the experiment\'s dataset or inbox, then take a monitor look')
    .argument('<experiment>', 'experiment key or file')
    .option('--batch-size <n>', 'documents in this batch (default: the experiment\'s source.batch_size)', positiveInteger('--batch-size'))
    .option('--quality', 'also evaluate retrieval quality (nDCG@10 with expanded documents)', false)
    .option('--no-monitor', 'do not take a monitor look afterwards')
    .option('--json', 'print as JSON', false)
    .action(async (experiment: string, options: { batchSize?: number; quality: boolean; monitor: boolean; json: boolean }) => {
      const result = await runRolloutStep(experiment, {
        ...db(),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        quality: options.quality,
        monitor: options.monitor,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      if (options.json) return printJson({ ...result, look: result.look ? { decision: result.look.decision, description: result.look.description } : undefined });
      process.stdout.write(
        `${result.experiment}: processed ${result.processed} (control ${result.byArm.control}, treatment ${result.byArm.treatment}${result.internal ? ', internal' : ''}), ` +
          `${result.errors} error(s), ${result.cacheHits} cache hit(s); ${result.remaining} left in this stage\n`,
      );
      if (result.quality) {
        const m = result.quality.means;
        process.stdout.write(`nDCG@10: plain ${m.plain.toFixed(4)}, control-expanded ${m.control.toFixed(4)}, treatment-expanded ${m.treatment.toFixed(4)}\n`);
      }
      if (result.look) process.stdout.write(`monitor: ${result.look.decision}: ${result.look.description}\n`);
    });

  rollout
    .command('monitor')
    .description('take one monitor look (what the rollout-monitor job does): triggers, gates, automatic rollback; a broken experiment file is reported (exit 3) after every other experiment was looked at')
    .argument('[experiment]', 'experiment key or file (default: every experiment in the database)')
    .option('--now <iso>', NOW_HELP)
    .action(async (experiment: string | undefined, options: { now?: string }) => {
      const clock = commandClock(options.now);
      const result = await runRolloutMonitor({
        ...db(),
        clock,
        ...(experiment ? { experiment } : {}),
        onLook: (look) => process.stdout.write(`${look.experiment}: ${look.decision}: ${look.description}\n`),
        onBroken: (broken) =>
          process.stderr.write(`${broken.experiment}: experiment file broken${broken.lookedAt ? ' (looked at with its stored configuration)' : ''}:\n  ${broken.message.replace(/\n/g, '\n  ')}\n`),
      });
      process.stdout.write(`${result.decisions} decision(s) recorded\n`);
      if (result.broken.length > 0) {
        throw new InputError(`${result.broken.length} broken experiment(s): ${result.broken.map((b) => b.experiment).join(', ')} (see above); every other experiment was looked at`);
      }
    });

  rollout
    .command('sample')
    .description('enriched documents per arm for manual review, keywords side by side')
    .argument('<experiment>', 'experiment key or file')
    .option('--per-arm <n>', 'documents per arm', positiveInteger('--per-arm'), DEFAULT_REVIEW_PER_ARM)
    .option('--json', 'print as JSON', false)
    .action(async (experiment: string, options: { perArm: number; json: boolean }) => {
      const sample = await withStore(db(), async (store) => reviewSample(store, await resolveExperiment(store, experiment), options.perArm));
      if (options.json) return printJson(sample);
      if (sample.length === 0) return void process.stdout.write('no enriched documents yet: run \'benchlab rollout step\'\n');
      process.stdout.write(
        renderTable(
          ['document', 'arm', 'frequency keywords', 'LLM keywords', 'hallucinated'],
          sample.map((d) => [d.docId, d.arm, d.keywords.frequency?.join(', ') ?? '-', d.error ?? d.keywords.llm?.join(', ') ?? '-', d.hallucinated.join(', ') || '-']),
        ) + '\n',
      );
    });

  rollout
    .command('report')
    .description('write the HTML rollout report')
    .argument('<experiment>', 'experiment key or file')
    .option('--out <dir>', 'output folder (default: $BENCHLAB_REPORTS, or the reports folder of the database, beside the run reports)')
    .option('--per-arm <n>', 'review documents per arm', positiveInteger('--per-arm'), DEFAULT_REVIEW_PER_ARM)
    .action(async (experiment: string, options: { out?: string; perArm: number }) => {
      const outDir = resolveOutDir(options.out, globals().db);
      const file = await writeRolloutReport(experiment, { ...db(), outDir, reviewPerArm: options.perArm });
      process.stdout.write(`${file}\n`);
    });

  return rollout;
}
