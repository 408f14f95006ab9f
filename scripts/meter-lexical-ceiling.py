#!/usr/bin/env python3
"""How far word overlap alone can separate METER's classes: an upper bound
for any coverage-based reuse rule.

For each newspaper story and each PA file it is labelled against (the
labelled pairs, not found candidates: the candidate step is assumed
perfect), computes lexical features -- n-gram containment of the story in
the PA file and of the file in the story for n = 1, 2, 3, 5, 8, the
idf-weighted word containment, the story's length and the length ratio --
keeps each feature's best value over the story's PA files, trains a
softmax (multinomial logistic) classifier on the tuning half (catchline
CRC-32 even, as scripts/eval-meter.sh splits) and reports three-class and
derived-vs-not macro-F1 on both halves.

    python3 scripts/meter-lexical-ceiling.py [../shared/corpora/meter]

Needs numpy.
"""
import collections
import json
import math
import re
import sys
import zlib

import numpy as np

meter = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora/meter"
LABELS = ["wholly_derived", "partially_derived", "non_derived"]

texts = {}
with open(f"{meter}/meter.jsonl") as f:
    for line in f:
        r = json.loads(line)
        texts[r["id"]] = re.findall(r"[a-z0-9]+", r["text"].lower().replace("'", ""))
df = collections.Counter()
for t in texts.values():
    df.update(set(t))
idf = {w: math.log(len(texts) / (1 + c)) for w, c in df.items()}

sources, label = collections.defaultdict(list), {}
with open(f"{meter}/meter_pairs.tsv") as f:
    for line in f.read().split("\n")[1:]:
        if line:
            story, source, lab = line.split("\t")
            sources[story].append(source)
            label[story] = lab


def grams(t, n):
    return collections.Counter(tuple(t[i : i + n]) for i in range(len(t) - n + 1))


def features(a, b):
    ta, tb = texts[a], texts[b]
    f = {}
    for n in (1, 2, 3, 5, 8):
        ga, gb = grams(ta, n), grams(tb, n)
        shared = sum((ga & gb).values())
        f[f"story_in_pa_{n}"] = shared / max(1, sum(ga.values()))
        f[f"pa_in_story_{n}"] = shared / max(1, sum(gb.values()))
    ca, cb = collections.Counter(ta), collections.Counter(tb)
    total = sum(idf[w] * c for w, c in ca.items())
    f["idf_words_in_pa"] = sum(idf[w] * min(c, cb[w]) for w, c in ca.items()) / max(1e-9, total)
    f["log_len"] = math.log(1 + len(ta))
    f["log_len_ratio"] = math.log((1 + len(ta)) / (1 + len(tb)))
    return f


stories = sorted(sources)
rows = []
for s in stories:
    fs = [features(s, b) for b in sources[s]]
    rows.append({k: max(x[k] for x in fs) for k in fs[0]})
names = sorted(rows[0])
X = np.array([[r[k] for k in names] for r in rows])
y = np.array([LABELS.index(label[s]) for s in stories])
half = np.array([zlib.crc32(s.split("/")[3].encode()) % 2 for s in stories])


def macro_f1(pred, y):
    def f1(p, t):
        tp, fp, fn = (p & t).sum(), (p & ~t).sum(), (~p & t).sum()
        return 2 * tp / max(1, 2 * tp + fp + fn)

    three = np.mean([f1(pred == c, y == c) for c in range(3)])
    two = np.mean([f1(pred < 2, y < 2), f1(pred == 2, y == 2)])
    return three, two


def fit(X, y, l2=1e-2, steps=3000):
    Xb = np.c_[X, np.ones(len(X))]
    W = np.zeros((Xb.shape[1], 3))
    Y = np.eye(3)[y]
    for _ in range(steps):
        Z = Xb @ W
        P = np.exp(Z - Z.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        W -= 0.5 * (Xb.T @ (P - Y) / len(y) + l2 * W)
    return W


for cols in (["story_in_pa_3"], names):
    Z = X[:, [names.index(c) for c in cols]]
    mu, sd = Z[half == 0].mean(0), Z[half == 0].std(0) + 1e-9
    Z = (Z - mu) / sd
    W = fit(Z[half == 0], y[half == 0])
    pred = np.argmax(np.c_[Z, np.ones(len(Z))] @ W, 1)
    what = "trigram containment only" if len(cols) == 1 else f"all {len(cols)} features"
    for h, name in ((0, "tuning half (trained on)"), (1, "held-out half")):
        three, two = macro_f1(pred[half == h], y[half == h])
        print(f"{what:26s} {name:26s} three-class {three:.3f}  derived-vs-not {two:.3f}")
