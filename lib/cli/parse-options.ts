/**
 * Converters for option values (commander's argParser hooks): each rejects a bad value with
 * an InputError that names the option.
 */
import { InputError } from '../input-error';

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
