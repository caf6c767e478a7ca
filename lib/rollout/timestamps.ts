/**
 * Owns how rollout code hands times to DuckDB: TIMESTAMP parameters built from Dates (UTC
 * microseconds), so comparisons never depend on string casts or the session time zone.
 */
import { timestampValue, type DuckDBTimestampValue } from '@duckdb/node-api';

const MICROS_PER_MS = 1000n;

export function toTimestamp(date: Date): DuckDBTimestampValue {
  return timestampValue(BigInt(date.getTime()) * MICROS_PER_MS);
}
