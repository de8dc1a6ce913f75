#!/usr/bin/env python3
"""The engine people would pick instead, measured beside motcua in the same run.

`motcua-bench retrieval --tantivy` writes the knowledge base and the questions it measures to
two JSONL files and runs this script on them (pip install tantivy==0.27). The index holds the
questions only, analysed the plain way (simple tokenizer, lower case, ASCII folding), in RAM,
searched from one thread; a question is the OR of its words (lenient query parsing), BM25 as
tantivy ranks it. Prints one JSON object: build seconds, resident memory added by the index,
q/s, p50/p99 and how often the entry a question was made from is ranked first.
"""
import json
import resource
import sys
import time

import tantivy


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def main(entries_path, queries_path):
    entries = [json.loads(line) for line in open(entries_path, encoding="utf-8")]
    queries = [json.loads(line) for line in open(queries_path, encoding="utf-8")]
    before = resident_bytes()
    start = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("question", stored=False, tokenizer_name="folded")
    builder.add_integer_field("number", stored=True, fast=True)
    index = tantivy.Index(builder.build())
    analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.remove_long(40))
                .filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.ascii_fold())
                .build())
    index.register_tokenizer("folded", analyzer)
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for number, entry in enumerate(entries):
        writer.add_document(tantivy.Document(question=entry["question"], number=number))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    build = time.perf_counter() - start
    memory = resident_bytes() - before
    ids = [entry["id"] for entry in entries]

    def search(text):
        query = index.parse_query_lenient(text, ["question"])[0]
        hits = searcher.search(query, 10).hits
        return [ids[searcher.doc(address)["number"][0]] for _, address in hits]

    for query in queries[:100]:
        search(query["query"])
    latencies = []
    first = 0
    total_start = time.perf_counter()
    for query in queries:
        start = time.perf_counter()
        ranked = search(query["query"])
        latencies.append(time.perf_counter() - start)
        if ranked and ranked[0] == query["source"]:
            first += 1
    total = time.perf_counter() - total_start
    # The same queries without fetching the ids of the hits (the harder figure to beat).
    parsed = [index.parse_query_lenient(query["query"], ["question"])[0] for query in queries]
    bare_start = time.perf_counter()
    for query in parsed:
        searcher.search(query, 10)
    bare = time.perf_counter() - bare_start
    latencies.sort()
    print(json.dumps({
        "build_s": round(build, 3),
        "index_mb": round(memory / 1e6, 1),
        "qps": round(len(queries) / total, 1),
        "qps_search_only": round(len(queries) / bare, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1e3, 3),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e3, 3),
        "source_first": round(first / max(len(queries), 1), 3),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
