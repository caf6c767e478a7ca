/**
 * Reading DuckDB INTEGER columns into typed arrays without a JS value per row: the engine's load
 * of postings and the packing of postings at import read millions of rows this way.
 */
import type { DuckDBVector } from '@duckdb/node-api';

/**
 * An INTEGER vector's values as an Int32Array: the vector's own buffer where the client exposes
 * it (a field the typings keep private; read only when present and of the right type), else
 * copied item by item. For NOT NULL columns: validity is not checked.
 */
export function int32Items(vector: DuckDBVector, rows: number): Int32Array {
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof Int32Array && items.length >= rows) return items;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = vector.getItem(r) as number;
  return out;
}
