#!/usr/bin/env python3
"""Paragraph-level precision and recall on MRPC's labelled sentence pairs.

Each MRPC sentence is scanned as a one-paragraph document with
`--granularity paragraphs`; a labelled pair counts as predicted-duplicate when
both sentences land in one paragraph cluster. Positives are the pairs labelled
`paraphrase` or `exact_duplicate`.

    scripts/eval-paragraphs.py [SHARED_DIR]   (default: ../shared)
"""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "shared")
mrpc = os.path.join(shared, "corpora", "mrpc")
if not os.path.isdir(mrpc):
    print(f"no {mrpc}: nothing to evaluate")
    sys.exit(0)
subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=here, check=True)
binary = os.path.join(here, "target", "release", "reprint")

pairs = []
with open(os.path.join(mrpc, "mrpc_pairs.tsv")) as f:
    next(f)
    for line in f:
        a, b, label, _ = line.rstrip("\n").split("\t")
        pairs.append((a, b, label in ("paraphrase", "exact_duplicate")))

print("| k | threshold | containment | labelled pairs | precision | recall | F1 |")
print("|---|---|---|---|---|---|---|")
grid = [("3", t, c) for t, c in [("0.3", "off"), ("0.4", "off"), ("0.5", "off"), ("0.6", "0.8"), ("0.6", "off"), ("0.8", "off")]]
grid += [(k, "0.6", "0.8") for k in ("1", "2", "4", "5")]
for k, threshold, containment in grid:
    out = subprocess.run(
        [binary, "scan", os.path.join(mrpc, "mrpc.jsonl"), "--granularity", "paragraphs",
         "--format", "json", "-q", "--threshold", threshold, "--containment", containment,
         "--min-paragraph-words", "1", "--paragraph-shingle-size", k],
        check=False, capture_output=True, text=True).stdout
    report = json.loads(out)
    cluster = {}
    for c in report["paragraph_clusters"]:
        for m in c["members"]:
            cluster.setdefault(m["doc"], set()).add(c["id"])
    tp = fp = fn = 0
    for a, b, positive in pairs:
        predicted = bool(cluster.get(a, set()) & cluster.get(b, set()))
        tp += predicted and positive
        fp += predicted and not positive
        fn += (not predicted) and positive
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"| {k} | {threshold} | {containment} | {len(pairs)} | {p:.3f} | {r:.3f} | {f1:.3f} |")
