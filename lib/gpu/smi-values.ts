/**
 * Reading single values printed by GPU tools. nvidia-smi writes values it cannot give in
 * brackets (`[N/A]`, `[Not Supported]`, `[Unknown Error]`, `[GPU is lost]`,
 * `[Requested functionality has been deprecated]`, `[Insufficient Permissions]`, ...), sometimes a
 * bare `N/A`, sometimes nothing; all of them are unknown (null), never 0. Numbers may carry a
 * unit (`45 %`, `1234 MiB`, `70.5 W`) or not (`--format=csv,nounits`).
 */

/** Why a value is missing, when the tool said so (the text inside the brackets). */
export function sentinelText(raw: string): string | null {
  const value = raw.trim();
  if (value === '') return 'empty';
  if (value === 'N/A') return 'N/A';
  if (value.length >= 2 && value.startsWith('[') && value.endsWith(']')) return value.slice(1, -1);
  return null;
}

export function isUnknown(raw: string): boolean {
  return sentinelText(raw) !== null;
}

/** A leading decimal number, optionally followed by a unit word (`%`, `MiB`, `W`, `MHz`, `C`). */
const NUMBER_WITH_UNIT = /^(-?\d+(?:\.\d+)?)(?:\s*[A-Za-z%°]+)?$/;

/** A number, with or without its unit; null for sentinels and for anything that is not a number. */
export function parseNumber(raw: string): number | null {
  const value = raw.trim();
  if (value === '' || value.charCodeAt(0) === 0x5b /* [ */) return null;
  // Fast path: a plain number (the nounits case, most rows).
  const plain = Number(value);
  if (Number.isFinite(plain)) return plain;
  const match = NUMBER_WITH_UNIT.exec(value);
  if (!match) return null;
  const parsed = Number(match[1]);
  return Number.isFinite(parsed) ? parsed : null;
}

/** An integer; null for sentinels and non-integers. */
export function parseInteger(raw: string): number | null {
  const value = parseNumber(raw);
  return value !== null && Number.isInteger(value) ? value : null;
}

/** A string value; null for sentinels. */
export function parseText(raw: string): string | null {
  return isUnknown(raw) ? null : raw.trim();
}

/** A hexadecimal bitmask such as `0x0000000000000004`; null for sentinels and non-hex text. */
export function parseHexMask(raw: string): bigint | null {
  const value = raw.trim();
  if (!/^0x[0-9a-fA-F]+$/.test(value)) return null;
  return BigInt(value);
}
