/**
 * Converters for option values (commander's argParser hooks): each rejects a bad value with
 * an InputError that names the option.
 */
import { InputError } from '../input-error';
import { resolveMeasure } from '../evaluation/measure-registry';

export function positiveInteger(option: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new InputError(`${option} must be a whole number >= 1, got '${raw}'`);
    return value;
  };
}

export function finiteNumber(option: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw new InputError(`${option} must be a number, got '${raw}'`);
    return value;
  };
}

export function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A comma-separated list of measures in any accepted form (trec_eval's `ndcg_cut_10` or the
 * display `nDCG@10`, any case; resolveMeasure), as the canonical trec_eval names.
 */
export function measureList(option: string) {
  return (raw: string): string[] =>
    commaList(raw).map((name) => {
      try {
        return resolveMeasure(name).name;
      } catch (error) {
        throw new InputError(`${option}: ${(error as Error).message}`);
      }
    });
}
