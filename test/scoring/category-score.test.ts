import { describe, expect, it } from 'vitest';
import { categoryScore } from '../../lib/scoring/category-score';
import { settingDifferences } from '../../lib/scoring/score-settings';
import type { RegistryModel } from '../../lib/scoring/registry-schema';
import { realData } from './helpers';

function model(tag: string): RegistryModel {
  const found = realData().registry.models.find((m) => m.tag === tag);
  if (!found) throw new Error(`no ${tag} in the registry`);
  return found;
}
const weights = (category: string) => realData().categories.categories[category]?.weights ?? {};

describe('category score', () => {
  it('is the weighted mean over the benchmarks the model has, with full coverage when it has all', () => {
    // qwen2.5-coder:7b, code: (1.0 x 88.4 + 0.8 x 83.5) / 1.8 = 155.2 / 1.8 = 86.222...
    const s = categoryScore(model('qwen2.5-coder:7b'), weights('code'));
    expect(s.score).toBeCloseTo(155.2 / 1.8, 10);
    expect(s.coverage).toBe(1);
    expect(s.missing).toEqual([]);
    expect(s.used.map((u) => [u.benchmark, u.value, u.source])).toEqual([['HumanEval', 88.4, 'S7'], ['MBPP', 83.5, 'S7']]);
  });

  it('renormalises over the available benchmarks and reports the coverage', () => {
    // llama3.3:70b, reasoning (GPQA 1.2, BBH 1.0, ARC-C 0.6, HellaSwag 0.3, Winogrande 0.3 = 3.4):
    // only GPQA 50.5 -> score 50.5, coverage 1.2 / 3.4.
    const s = categoryScore(model('llama3.3:70b'), weights('reasoning'));
    expect(s.score).toBeCloseTo(50.5, 10);
    expect(s.coverage).toBeCloseTo(1.2 / 3.4, 10);
    expect(s.missing).toEqual(['BBH', 'ARC-C', 'HellaSwag', 'Winogrande']);
    // medgemma1.5:4b, medical: HealthBench (1.0 of 4.8) missing.
    // (69.1 + 0.8 x 59.8 + 0.8 x 69.6 + 0.6 x 68.2 + 0.6 x 16.4) / 3.8 = 223.38 / 3.8
    const m = categoryScore(model('medgemma1.5:4b'), weights('medical'));
    expect(m.score).toBeCloseTo(223.38 / 3.8, 10);
    expect(m.coverage).toBeCloseTo(3.8 / 4.8, 10);
  });

  it('is unknown (null), not zero, for a category without data', () => {
    const s = categoryScore(model('medgemma:4b'), weights('code'));
    expect(s.score).toBeNull();
    expect(s.coverage).toBe(0);
    expect(s.missing).toEqual(['HumanEval', 'MBPP']);
  });

  it('drops benchmarks weighted 0 from score and coverage', () => {
    const s = categoryScore(model('qwen2.5-coder:7b'), { HumanEval: 1, MBPP: 0, MATH: 1 });
    expect(s.score).toBeCloseTo((88.4 + 66.8) / 2, 10);
    expect(s.coverage).toBe(1);
  });
});

describe('mixed settings', () => {
  it('flags a base/instruct mix and a prompting mix within one category score', () => {
    // gemma2:9b knowledge: MMLU is the base model's 5-shot, MMLU-Pro Microsoft's instruct 0-shot CoT.
    const s = categoryScore(model('gemma2:9b'), weights('knowledge'));
    expect(s.settings.mixed).toBe(true);
    expect(s.settings.variants).toEqual(['base', 'instruct']);
    expect(s.settings.summary).toMatch(/^mixes base and instruct checkpoints; mixes .*0-shot CoT.*5-shot.* prompting$/);
    // phi3.5 code: HumanEval 0-shot, MBPP 3-shot, both instruct.
    const phi = categoryScore(model('phi3.5:3.8b'), weights('code'));
    expect(phi.settings).toMatchObject({ mixed: true, variants: ['instruct'], prompting: ['0-shot', '3-shot'] });
  });

  it('does not flag scores of one setting, and lists the ones whose setting is not stated', () => {
    const llama = categoryScore(model('llama3.1:8b'), weights('code'));
    expect(llama.settings).toMatchObject({ mixed: false, prompting: ['0-shot'], summary: null });
    const qwen = categoryScore(model('qwen2.5:7b'), weights('code'));
    expect(qwen.settings).toMatchObject({ mixed: false, notStated: ['HumanEval', 'MBPP'] });
  });

  it('labels reasoning models apart, and compares two models benchmark by benchmark', () => {
    const r1 = categoryScore(model('deepseek-r1:14b'), weights('reasoning'));
    expect(r1.used[0]?.prompting).toBe('reasoning');
    const gemma = categoryScore(model('gemma2:9b'), weights('code'));
    const llama = categoryScore(model('llama3.1:8b'), weights('code'));
    expect(settingDifferences(llama.used, gemma.used)).toEqual([
      { benchmark: 'HumanEval', a: 'instruct, 0-shot', b: 'base, setting not stated' },
      { benchmark: 'MBPP', a: 'instruct, 0-shot', b: 'base, 3-shot' },
    ]);
  });
});
