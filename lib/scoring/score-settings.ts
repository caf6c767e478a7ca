/**
 * The setting a published score was measured in (base or instruct checkpoint; n-shot, CoT, or a
 * reasoning model's long sampled thinking), and the flags raised when scores of different
 * settings are mixed: within one model's category score, or between two models compared on the
 * same benchmark. Such scores are not strictly comparable; the flag says so, it changes nothing.
 */
import type { Score } from './registry-schema';

/** How the model was prompted, e.g. '5-shot', '0-shot CoT', 'reasoning'; null when not stated. */
export function promptingLabel(score: Pick<Score, 'shots' | 'cot'>, reasoningModel: boolean): string | null {
  if (reasoningModel) return 'reasoning';
  if (score.shots === null) return score.cot === true ? 'CoT' : null;
  return score.cot === true ? `${score.shots}-shot CoT` : `${score.shots}-shot`;
}

/** 'instruct, 5-shot' or 'base, setting not stated'. */
export function settingLabel(score: Pick<Score, 'variant' | 'shots' | 'cot'>, reasoningModel: boolean): string {
  return `${score.variant}, ${promptingLabel(score, reasoningModel) ?? 'setting not stated'}`;
}

export interface SettingsMix {
  /** True when the scores mix checkpoint variants or stated prompting settings. */
  mixed: boolean;
  variants: string[];
  /** The distinct stated prompting settings. */
  prompting: string[];
  /** Benchmarks whose source does not state the prompting setting. */
  notStated: string[];
  /** One line for people, e.g. 'mixes base and instruct; 0-shot and 3-shot'; null when not mixed. */
  summary: string | null;
}

export interface SettingOf {
  benchmark: string;
  variant: string;
  prompting: string | null;
}

export function settingsMix(settings: readonly SettingOf[]): SettingsMix {
  const variants = [...new Set(settings.map((s) => s.variant))].sort();
  const prompting = [...new Set(settings.flatMap((s) => (s.prompting === null ? [] : [s.prompting])))].sort();
  const notStated = settings.filter((s) => s.prompting === null).map((s) => s.benchmark);
  const parts = [
    ...(variants.length > 1 ? [`mixes ${variants.join(' and ')} checkpoints`] : []),
    ...(prompting.length > 1 ? [`mixes ${prompting.join(' and ')} prompting`] : []),
  ];
  return { mixed: parts.length > 0, variants, prompting, notStated, summary: parts.length > 0 ? parts.join('; ') : null };
}

export interface SettingDifference {
  benchmark: string;
  a: string;
  b: string;
}

/** The benchmarks two models share whose settings differ (variant or stated prompting). */
export function settingDifferences(a: readonly SettingOf[], b: readonly SettingOf[]): SettingDifference[] {
  const label = (s: SettingOf) => `${s.variant}, ${s.prompting ?? 'setting not stated'}`;
  const byBenchmark = new Map(b.map((s) => [s.benchmark, s]));
  return a.flatMap((sa) => {
    const sb = byBenchmark.get(sa.benchmark);
    if (!sb) return [];
    const differs = sa.variant !== sb.variant || (sa.prompting !== null && sb.prompting !== null && sa.prompting !== sb.prompting);
    return differs ? [{ benchmark: sa.benchmark, a: label(sa), b: label(sb) }] : [];
  });
}
