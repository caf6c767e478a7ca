#!/usr/bin/env python3
"""Same-machine baseline of the scale benchmark (`npm run perf -- scale`): Xapian (Debian
python3-xapian, one thread) indexes a BEIR collection's corpus.jsonl into an on-disk database and
runs every query of queries.jsonl, top 1000, once.

Settings, as close to Benchlab's BM25 (Lucene's, ../shared/reference/ir-bm25.md) as Xapian allows:
TermGenerator with the English (Porter2) stemmer on all terms, no stopwords, title and text indexed
as one field; QueryParser OR of all query terms; BM25Weight(k1=1.2, k2=0, k3=1, b=0.75,
min_normlen=0) (Xapian's default min_normlen is 0.5; Lucene has none).

Usage: xapian-scale.py BEIR_DIR DB_DIR
Output: one JSON line {"index_s", "query_s", "queries", "queries_per_s", "documents",
"peak_rss_kb", "db_bytes"}; peak RSS is this process's (ru_maxrss, KB on Linux).
"""
import json
import os
import resource
import sys
import time

import xapian


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(folder) for name in names)


def main():
    beir, db_dir = sys.argv[1], sys.argv[2]
    stemmer = xapian.Stem("english")

    started = time.perf_counter()
    db = xapian.WritableDatabase(db_dir, xapian.DB_CREATE_OR_OVERWRITE)
    generator = xapian.TermGenerator()
    generator.set_stemmer(stemmer)
    generator.set_stemming_strategy(xapian.TermGenerator.STEM_ALL)
    documents = 0
    with open(os.path.join(beir, "corpus.jsonl"), encoding="utf-8") as corpus:
        for line in corpus:
            if not line.strip():
                continue
            doc = json.loads(line)
            document = xapian.Document()
            generator.set_document(document)
            generator.index_text(doc.get("title") or "")
            generator.increase_termpos()
            generator.index_text(doc.get("text") or "")
            document.set_data(str(doc["_id"]))
            db.add_document(document)
            documents += 1
    db.commit()
    index_s = time.perf_counter() - started

    with open(os.path.join(beir, "queries.jsonl"), encoding="utf-8") as f:
        queries = [json.loads(line) for line in f if line.strip()]
    started = time.perf_counter()
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0))
    parser = xapian.QueryParser()
    parser.set_stemmer(stemmer)
    parser.set_stemming_strategy(xapian.QueryParser.STEM_ALL)
    parser.set_default_op(xapian.Query.OP_OR)
    for q in queries:
        enquire.set_query(parser.parse_query(q["text"]))
        mset = enquire.get_mset(0, 1000)
        _ = [m.document.get_data() for m in mset]
    query_s = time.perf_counter() - started
    db.close()

    print(json.dumps({
        "index_s": index_s,
        "query_s": query_s,
        "queries": len(queries),
        "queries_per_s": len(queries) / query_s if query_s > 0 else None,
        "documents": documents,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "db_bytes": folder_bytes(db_dir),
    }))


if __name__ == "__main__":
    main()
