/**
 * Migration 1: the initial schema for the whole product.
 *
 * Tables by product area (data flows datasets -> generation -> retrieval -> metrics -> reports):
 * - datasets, documents, queries, qrels, index_terms, index_words, index_postings: imported collections and
 *   their inverted index (BM25 is computed in SQL over these).
 * - runs, run_items, item_metrics, run_results: benchmark and retrieval runs, per-item results,
 *   per-item metric values (long format), and ranked results for TREC run export.
 * - llm_calls, llm_cache: every LLM request with the server's own timings, and the response cache.
 * - gpu_samples, gpu_alerts, ollama_ps_samples: GPU telemetry.
 * - model_selections: each model choice with its reason.
 * - experiments, experiment_events, experiment_decisions: staged rollouts and A/B tests.
 * - job_runs: every scheduled job execution.
 */

import type { Migration } from './migration';

export const initialSchema: Migration = {
    version: 1,
    description: 'initial schema for the whole product',
    statements: [
      `CREATE TABLE datasets (
        name VARCHAR PRIMARY KEY,
        format VARCHAR NOT NULL,
        source_paths VARCHAR[] NOT NULL,
        indexed_fields VARCHAR[] NOT NULL,
        analyzer JSON NOT NULL,
        doc_count INTEGER NOT NULL,
        query_count INTEGER NOT NULL,
        judgment_count INTEGER NOT NULL,
        total_tokens BIGINT NOT NULL,
        avg_doc_length DOUBLE NOT NULL,
        empty_doc_ids VARCHAR[] NOT NULL,
        imported_at TIMESTAMP NOT NULL
      )`,
      // doc_no is a dense per-dataset integer in doc_id byte order, so postings join on integers
      // and "doc_no descending" is trec_eval's tie-break (doc_id descending) without a join.
      `CREATE TABLE documents (
        dataset VARCHAR NOT NULL,
        doc_no INTEGER NOT NULL,
        doc_id VARCHAR NOT NULL,
        fields JSON NOT NULL,
        doc_length INTEGER NOT NULL
      )`,
      `CREATE TABLE queries (
        dataset VARCHAR NOT NULL,
        query_id VARCHAR NOT NULL,
        text VARCHAR NOT NULL
      )`,
      `CREATE TABLE qrels (
        dataset VARCHAR NOT NULL,
        query_id VARCHAR NOT NULL,
        doc_id VARCHAR NOT NULL,
        grade INTEGER NOT NULL
      )`,
      `CREATE TABLE index_terms (
        dataset VARCHAR NOT NULL,
        term_no INTEGER NOT NULL,
        term VARCHAR NOT NULL,
        doc_freq INTEGER NOT NULL
      )`,
      // The surface vocabulary: each lowercased word seen in the corpus and the term it indexes as.
      `CREATE TABLE index_words (
        dataset VARCHAR NOT NULL,
        word VARCHAR NOT NULL,
        term VARCHAR NOT NULL
      )`,
      // positions: token offsets of the term in the document, for phrase queries. doc_length is
      // copied from documents so BM25 needs no join to normalize by length.
      `CREATE TABLE index_postings (
        dataset VARCHAR NOT NULL,
        term_no INTEGER NOT NULL,
        doc_no INTEGER NOT NULL,
        tf INTEGER NOT NULL,
        doc_length INTEGER NOT NULL,
        positions INTEGER[] NOT NULL
      )`,
      `CREATE TABLE runs (
        run_id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        dataset VARCHAR,
        suite VARCHAR,
        config JSON NOT NULL,
        versions JSON NOT NULL,
        host VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP,
        error VARCHAR
      )`,
      `CREATE TABLE run_items (
        run_id VARCHAR NOT NULL,
        item_key VARCHAR NOT NULL,
        generator VARCHAR NOT NULL,
        model VARCHAR,
        query_id VARCHAR NOT NULL,
        repeat_index INTEGER NOT NULL,
        generated_queries JSON,
        parsed_count INTEGER,
        query_count INTEGER,
        docs_found INTEGER,
        latency_ms DOUBLE,
        prompt_tokens INTEGER,
        eval_tokens INTEGER,
        cache_hit BOOLEAN,
        error VARCHAR,
        created_at TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE item_metrics (
        run_id VARCHAR NOT NULL,
        item_key VARCHAR NOT NULL,
        measure VARCHAR NOT NULL,
        value DOUBLE NOT NULL
      )`,
      `CREATE TABLE run_results (
        run_id VARCHAR NOT NULL,
        system VARCHAR NOT NULL,
        query_id VARCHAR NOT NULL,
        doc_id VARCHAR NOT NULL,
        rank INTEGER NOT NULL,
        score DOUBLE NOT NULL
      )`,
      `CREATE TABLE llm_calls (
        call_id VARCHAR PRIMARY KEY,
        run_id VARCHAR,
        item_key VARCHAR,
        provider VARCHAR NOT NULL,
        host VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        cache_key VARCHAR NOT NULL,
        cache_hit BOOLEAN NOT NULL,
        options JSON NOT NULL,
        started_at TIMESTAMP NOT NULL,
        wall_ms DOUBLE,
        ttft_ms DOUBLE,
        total_ns BIGINT,
        load_ns BIGINT,
        prompt_eval_ns BIGINT,
        eval_ns BIGINT,
        prompt_tokens INTEGER,
        eval_tokens INTEGER,
        tokens_per_second DOUBLE,
        attempts INTEGER NOT NULL,
        status VARCHAR NOT NULL,
        error VARCHAR
      )`,
      `CREATE TABLE llm_cache (
        cache_key VARCHAR PRIMARY KEY,
        provider VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        prompt VARCHAR NOT NULL,
        options JSON NOT NULL,
        response VARCHAR NOT NULL,
        server_timings JSON,
        created_at TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE gpu_samples (
        sampled_at TIMESTAMP NOT NULL,
        host VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        gpu_uuid VARCHAR NOT NULL,
        gpu_index INTEGER,
        gpu_name VARCHAR,
        utilization_pct DOUBLE,
        memory_used_mib DOUBLE,
        memory_total_mib DOUBLE,
        power_w DOUBLE,
        temperature_c DOUBLE,
        throttle_reasons VARCHAR,
        run_id VARCHAR,
        resolution_s DOUBLE NOT NULL,
        sample_count INTEGER NOT NULL,
        utilization_min DOUBLE,
        utilization_max DOUBLE,
        memory_used_max DOUBLE,
        power_max DOUBLE,
        temperature_max DOUBLE
      )`,
      `CREATE TABLE gpu_alerts (
        raised_at TIMESTAMP NOT NULL,
        host VARCHAR NOT NULL,
        gpu_uuid VARCHAR,
        kind VARCHAR NOT NULL,
        message VARCHAR NOT NULL,
        value DOUBLE,
        threshold DOUBLE,
        run_id VARCHAR
      )`,
      `CREATE TABLE ollama_ps_samples (
        sampled_at TIMESTAMP NOT NULL,
        host VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        size_bytes BIGINT,
        size_vram_bytes BIGINT,
        expires_at TIMESTAMP,
        run_id VARCHAR,
        phase VARCHAR
      )`,
      `CREATE TABLE model_selections (
        selected_at TIMESTAMP NOT NULL,
        category VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        is_primary_category BOOLEAN NOT NULL,
        confidence DOUBLE NOT NULL,
        final_score DOUBLE NOT NULL,
        gpu_uuid VARCHAR,
        duration_ms DOUBLE NOT NULL,
        constraints JSON NOT NULL,
        breakdown JSON NOT NULL,
        reason VARCHAR NOT NULL
      )`,
      `CREATE TABLE experiments (
        experiment_key VARCHAR PRIMARY KEY,
        config JSON NOT NULL,
        stage_index INTEGER NOT NULL,
        percentage DOUBLE NOT NULL,
        status VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE experiment_events (
        event_id VARCHAR PRIMARY KEY,
        experiment_key VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        arm VARCHAR NOT NULL,
        occurred_at TIMESTAMP NOT NULL,
        metrics JSON NOT NULL,
        source VARCHAR NOT NULL
      )`,
      `CREATE TABLE experiment_decisions (
        experiment_key VARCHAR NOT NULL,
        decided_at TIMESTAMP NOT NULL,
        decision VARCHAR NOT NULL,
        from_stage INTEGER,
        to_stage INTEGER,
        automatic BOOLEAN NOT NULL,
        evidence JSON NOT NULL
      )`,
      `CREATE TABLE job_runs (
        job_run_id VARCHAR PRIMARY KEY,
        job VARCHAR NOT NULL,
        scheduled_at TIMESTAMP,
        started_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP,
        status VARCHAR NOT NULL,
        error VARCHAR,
        rows_written BIGINT,
        pid INTEGER NOT NULL
      )`,
    ],
  };
