import { describe, expect, it } from 'vitest';
import { formatHumanDuration } from '../lib/human-duration';
import { formatDuration } from '../lib/report/format';

describe('formatHumanDuration', () => {
  it('reads as a person says it, in the two largest units', () => {
    expect(formatHumanDuration(0)).toBe('0 ms');
    expect(formatHumanDuration(850)).toBe('850 ms');
    expect(formatHumanDuration(1064)).toBe('1.06 s');
    expect(formatHumanDuration(1500)).toBe('1.5 s');
    expect(formatHumanDuration(12_345)).toBe('12.3 s');
    expect(formatHumanDuration(59_990)).toBe('1 min');
    expect(formatHumanDuration(125_000)).toBe('2 min 5 s');
    expect(formatHumanDuration(3_599_800)).toBe('1 h');
    expect(formatHumanDuration(3 * 3_600_000 + 10 * 60_000)).toBe('3 h 10 min');
    expect(formatHumanDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2 d 4 h');
    expect(formatHumanDuration(-1500)).toBe('-1.5 s');
  });

  it('is what reports print, with a dash for a missing value', () => {
    expect(formatDuration(1064)).toBe('1.06 s');
    expect(formatDuration(null)).toBe('–');
  });
});
