/**
 * Memory sizes on the command line (`--max-vram 8GB`) and in output. A tiny parser rather than
 * the `bytes` package: `bytes` reads GB as 2^30 bytes and does not know GiB at all, while GPU
 * vendors and Ollama write decimal GB (10^9) and nvidia-smi writes MiB. Here GB/MB/KB/TB are
 * decimal and GiB/MiB/KiB/TiB binary, as in the SI and IEC standards.
 */
import { InputError } from '../input-error';

export const BYTES_PER_GB = 1e9;
export const BYTES_PER_MIB = 2 ** 20;

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** '8GB' -> 8e9, '8 GiB' -> 8589934592, '8000MB' -> 8e9. A unit is required. */
export function parseSize(raw: string, option = 'size'): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)\s*$/i.exec(raw);
  const unit = match?.[2]?.toLowerCase();
  const factor = unit === undefined ? undefined : UNITS[unit];
  if (!match || factor === undefined) {
    throw new InputError(`${option} must be a size with a unit such as 8GB, 8GiB or 8000MB, got '${raw}'`);
  }
  const bytes = Number(match[1]) * factor;
  if (!(bytes > 0)) throw new InputError(`${option} must be above 0, got '${raw}'`);
  return bytes;
}

/** Bytes as decimal GB with two decimals: '5.81 GB'. */
export function formatGb(bytes: number): string {
  return `${(bytes / BYTES_PER_GB).toFixed(2)} GB`;
}
