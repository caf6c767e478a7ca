/**
 * The PostgreSQL full-text search backend: a dataset that lives in a PostgreSQL table (one row
 * per document: an id column, a text column, a tsvector column) is searched with Benchlab's
 * boolean queries translated to `to_tsquery` (./tsquery), filtered with `@@`, ranked with
 * `ts_rank_cd`, top k (ties by id, descending, as trec_eval orders them). Every value reaches
 * PostgreSQL as a bind parameter; identifiers come from checked settings and are quoted.
 */
import { Pool } from 'pg';
import { parseQuery } from '../../retrieval/query-parser';
import type { BackendQuery, BackendResult, BackendSearchOptions, MatchKey, SearchBackend } from '../search-backend';
import { connectionString, quoteIdentifier, type PostgresSettings } from './postgres-settings';
import { explainPostgresError } from './postgres-error';
import { toTsquery } from './tsquery';

/** Queries sent at once: PostgreSQL runs each on its own connection of the pool. */
const POOL_SIZE = 4;

export class PostgresBackend implements SearchBackend {
  readonly description: string;
  private readonly pool: Pool;
  private readonly table: string;
  private readonly id: string;
  private readonly text: string;
  private readonly tsv: string;

  constructor(private readonly settings: PostgresSettings, env: NodeJS.ProcessEnv = process.env) {
    const url = connectionString(settings, env);
    this.pool = new Pool({ ...(url !== undefined ? { connectionString: url } : {}), max: POOL_SIZE, application_name: 'benchlab' });
    this.table = quoteIdentifier(settings.table);
    this.id = quoteIdentifier(settings.id_column);
    this.text = quoteIdentifier(settings.text_column);
    this.tsv = quoteIdentifier(settings.tsvector_column);
    this.description = `postgres:${settings.table} (${settings.config})`;
  }

  async search(queries: BackendQuery[], options: BackendSearchOptions): Promise<BackendResult[]> {
    try {
      return await this.searchAll(queries, options);
    } catch (error) {
      throw explainPostgresError(error, this.description);
    }
  }

  private async searchAll(queries: BackendQuery[], options: BackendSearchOptions): Promise<BackendResult[]> {
    const ranked = `SELECT ${this.id}::text AS id, ts_rank_cd(${this.tsv}, q)::float8 AS score, count(*) OVER ()::int AS matched
      FROM ${this.table}, to_tsquery($1::regconfig, $2) AS q WHERE ${this.tsv} @@ q ORDER BY score DESC, id DESC LIMIT $3`;
    const all = `SELECT ${this.id}::text AS id FROM ${this.table} WHERE ${this.tsv} @@ to_tsquery($1::regconfig, $2)`;
    return Promise.all(
      queries.map(async (query): Promise<BackendResult> => {
        const parsed = parseQuery(query.text);
        if (!parsed.ok) return { key: query.key, ok: false, error: parsed.error };
        const tsquery = toTsquery(parsed.ast);
        const rows = (await this.pool.query<{ id: string; score: number; matched: number }>(ranked, [this.settings.config, tsquery, options.top])).rows;
        const result: BackendResult = { key: query.key, ok: true, matched: rows[0]?.matched ?? 0, results: rows.map((r) => ({ docId: r.id, score: r.score })) };
        if (options.withMatches) {
          const ids = (await this.pool.query<{ id: string }>(all, [this.settings.config, tsquery])).rows.map((r) => r.id);
          return { ...result, matchedKeys: new Set(ids) };
        }
        return result;
      }),
    );
  }

  /** PostgreSQL's match keys are the ids themselves. */
  async judgedKeys(docIds: string[]): Promise<Map<string, MatchKey>> {
    return new Map(docIds.map((id) => [id, id]));
  }

  async fetchDocuments(ids: string[]): Promise<Map<string, Record<string, string>>> {
    if (ids.length === 0) return new Map();
    const rows = (
      await this.pool.query<{ id: string; text: string }>(`SELECT ${this.id}::text AS id, ${this.text}::text AS text FROM ${this.table} WHERE ${this.id}::text = ANY($1::text[])`, [ids])
    ).rows;
    return new Map(rows.map((r) => [r.id, { text: r.text }]));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
