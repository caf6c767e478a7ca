import { describe, expect, it } from 'vitest';
import { formatGb, parseSize } from '../../lib/scoring/sizes';

describe('sizes', () => {
  it('reads decimal and binary units, with or without a space, in any case', () => {
    expect(parseSize('8GB')).toBe(8e9);
    expect(parseSize('8 gb')).toBe(8e9);
    expect(parseSize('8GiB')).toBe(8 * 2 ** 30);
    expect(parseSize('8000MB')).toBe(8e9);
    expect(parseSize('12288MiB')).toBe(12 * 2 ** 30);
    expect(parseSize('0.5TB')).toBe(5e11);
    expect(parseSize('1024b')).toBe(1024);
  });

  it('rejects a bare number, an unknown unit and zero, naming the option', () => {
    expect(() => parseSize('8', '--max-vram')).toThrow("--max-vram must be a size with a unit such as 8GB, 8GiB or 8000MB, got '8'");
    expect(() => parseSize('8 gigs', '--max-vram')).toThrow(/got '8 gigs'/);
    expect(() => parseSize('-8GB', '--max-vram')).toThrow(/got '-8GB'/);
    expect(() => parseSize('0GB', '--max-vram')).toThrow("--max-vram must be above 0, got '0GB'");
  });

  it('prints decimal GB', () => {
    expect(formatGb(5.8125e9)).toBe('5.81 GB');
  });
});
