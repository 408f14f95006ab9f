#!/usr/bin/env python3
"""Turn a reprint JSON report into {"id","cluster"} JSON Lines for score.py.

  report-to-clusters.py CORPUS.jsonl REPORT.json > PRED.jsonl

Every document of the corpus gets a line; documents in no cluster get a
cluster of their own, so score.py counts them as singletons.
"""
import json
import sys

corpus, report = sys.argv[1], sys.argv[2]
cluster_of = {}
for c in json.load(open(report))["document_clusters"]:
    for m in c["members"]:
        cluster_of[m["doc"]] = "c%d" % c["id"]
out = sys.stdout
with open(corpus, "rb") as f:
    for line in f:
        if line.strip():
            doc = json.loads(line)["id"]
            out.write(json.dumps({"id": doc, "cluster": cluster_of.get(doc, "s:" + doc)}) + "\n")
