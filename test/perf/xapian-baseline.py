#!/usr/bin/env python3
"""Same-machine baseline for `npm run perf`: Xapian (Debian python3-xapian) BM25 over the same
documents and queries Benchlab indexes, with the settings of ../shared/reference/ir-bm25.md
(k1=1.2, b=0.75, Porter2 stemming of all terms, no stopwords, OR of all query terms, top 1000).

Input: a folder with docs.jsonl ({"id","text"}) and queries.jsonl ({"id","text"}), written by
test/perf/retrieval-perf.ts. Output: one JSON line {"index_s", "query_s", "queries", "repeats"}.
"""
import json
import sys
import time

import xapian

REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 20


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    folder = sys.argv[1]
    docs = read_jsonl(f"{folder}/docs.jsonl")
    queries = read_jsonl(f"{folder}/queries.jsonl")
    stemmer = xapian.Stem("english")

    started = time.perf_counter()
    db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
    generator = xapian.TermGenerator()
    generator.set_stemmer(stemmer)
    generator.set_stemming_strategy(xapian.TermGenerator.STEM_ALL)
    for doc in docs:
        document = xapian.Document()
        generator.set_document(document)
        generator.index_text(doc["text"])
        document.set_data(doc["id"])
        db.add_document(document)
    index_s = time.perf_counter() - started

    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))
    parser = xapian.QueryParser()
    parser.set_stemmer(stemmer)
    parser.set_stemming_strategy(xapian.QueryParser.STEM_ALL)
    parser.set_default_op(xapian.Query.OP_OR)

    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for q in queries:
            enquire.set_query(parser.parse_query(q["text"]))
            mset = enquire.get_mset(0, 1000)
            _ = [m.document.get_data() for m in mset]
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(json.dumps({"index_s": index_s, "query_s": timings[len(timings) // 2], "queries": len(queries), "repeats": REPEATS}))


if __name__ == "__main__":
    main()
