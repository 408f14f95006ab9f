#!/usr/bin/env python3
"""A day of new documents for measuring `reprint check`'s derived documents
against an index (README, "Derived documents against history").

    derived-day.py HISTORY.jsonl FRESH.jsonl OUT.jsonl LABELS.tsv

OUT gets every FRESH record (ids prefixed `f-`), then 300 reworded reprints
of HISTORY stories (`derived-N`: a run of 40-70% of the story's paragraphs,
5% of their words dropped, inside paragraphs of a fresh story), then 200
re-publications of HISTORY stories under new ids (`repub-ID`). LABELS gets
`derived-N<TAB>source id` per reprint. Deterministic (seed 7). HISTORY and
FRESH are the peers' gen_corpus.py output (--seed 2 and --seed 99).
"""
import json
import random
import sys

history_path, fresh_path, out_path, labels_path = sys.argv[1:5]
random.seed(7)
hist = [json.loads(line) for line in open(history_path)]
fresh = [json.loads(line) for line in open(fresh_path)]
with open(out_path, "w") as out, open(labels_path, "w") as labels:
    for r in fresh:
        out.write(json.dumps({"id": "f-" + r["id"], "text": r["text"]}) + "\n")
    picked = random.sample(range(len(hist)), 500)
    for i, h in enumerate(picked[:300]):
        paras = [p for p in hist[h]["text"].split("\n\n") if p.strip()]
        n = max(1, int(len(paras) * random.uniform(0.4, 0.7)))
        start = random.randrange(0, len(paras) - n + 1)
        taken = [
            " ".join(w for w in p.split() if random.random() > 0.05)
            for p in paras[start : start + n]
        ]
        own = [p for p in fresh[random.randrange(len(fresh))]["text"].split("\n\n") if p.strip()][:3]
        text = "\n\n".join(own[:1] + taken + own[1:])
        out.write(json.dumps({"id": f"derived-{i}", "text": text}) + "\n")
        labels.write(f"derived-{i}\t{hist[h]['id']}\n")
    for h in picked[300:]:
        out.write(json.dumps({"id": "repub-" + hist[h]["id"], "text": hist[h]["text"]}) + "\n")
