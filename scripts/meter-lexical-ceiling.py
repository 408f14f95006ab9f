#!/usr/bin/env python3
"""How far word overlap alone can separate METER's classes: an upper bound
for any coverage-based reuse rule.

For each newspaper story and each PA file it is labelled against (the
labelled pairs, not found candidates: the candidate step is assumed
perfect), computes lexical features of the story against the file and keeps
each feature's best value over the story's PA files:

- base (13): n-gram containment of the story in the PA file and of the file
  in the story for n = 1, 2, 3, 5, 8; the idf-weighted word containment; the
  story's length and the length ratio;
- sentences and structure (9 more): trigram and bigram containment of the
  story's words outside quotation marks (independent reports share the
  quotes), the share of the story outside quotes, the share of the story's
  sentences whose best PA sentence shares at least 40% / 60% of its content
  words (Dice), their mean best Dice, whether matched sentences keep the PA
  order, the lead sentence's best match among the PA's first four, and the
  containment of the story's function-word 4-grams (its syntax skeleton).

A softmax (multinomial logistic) classifier is trained on one half of the
stories (split by catchline CRC-32 parity, as scripts/eval-meter.sh splits)
and scored on the other, both ways round, for three feature sets; it prints
three-class and derived-vs-not macro-F1 on the held-out half.

    python3 scripts/meter-lexical-ceiling.py [../shared/corpora/meter]

Needs numpy. Takes about 10 s.
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
FUNCTION_WORDS = set(
    "the a an of to in and or but is was were be been are for on at by with from that this it its "
    "he she they his her their him them as has had have not no i we you said says will would could "
    "should may might than then there which who whom what when where while also after before into "
    "over about up out if so do did does".split()
)
QUOTED = re.compile(r"``.*?''|\".*?\"|\u201c.*?\u201d", re.S)


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))


def sentences(text):
    text = re.sub(r"\s+", " ", text)
    split = (words(s) for s in re.split(r"(?<=[.!?])\s+", text))
    return [s for s in split if len(s) >= 4]


raw = {}
with open(f"{meter}/meter.jsonl") as f:
    for line in f:
        r = json.loads(line)
        # PA copy keeps the teleprinter's control characters and line-end marks.
        raw[r["id"]] = r["text"].replace("\x19", " ").replace("<\n", "\n")
texts = {k: words(v) for k, v in raw.items()}
unquoted = {k: words(QUOTED.sub(" ", v)) for k, v in raw.items()}
sents = {k: sentences(v) for k, v in raw.items()}
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


def containment(a, b, n):
    ga, gb = grams(a, n), grams(b, n)
    return sum((ga & gb).values()) / max(1, sum(ga.values()))


def dice(a, b):
    a, b = set(a) - FUNCTION_WORDS, set(b) - FUNCTION_WORDS
    return 2 * len(a & b) / max(1, len(a) + len(b))


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

    f["x_unquoted_in_pa_3"] = containment(unquoted[a], tb, 3)
    f["x_unquoted_in_pa_2"] = containment(unquoted[a], tb, 2)
    f["x_unquoted_share"] = len(unquoted[a]) / max(1, len(ta))
    sa, sb = sents[a], sents[b]
    best = [max(((dice(s, p), j) for j, p in enumerate(sb)), default=(0.0, -1)) for s in sa]
    f["x_sentences_040"] = float(np.mean([d >= 0.4 for d, _ in best])) if best else 0.0
    f["x_sentences_060"] = float(np.mean([d >= 0.6 for d, _ in best])) if best else 0.0
    f["x_sentences_mean"] = float(np.mean([d for d, _ in best])) if best else 0.0
    order = [j for d, j in best if d >= 0.3]
    pairs = list(zip(order, order[1:]))
    f["x_pa_order_kept"] = float(np.mean([j >= i for i, j in pairs])) if pairs else 0.5
    f["x_lead"] = max((dice(sa[0], p) for p in sb[:4]), default=0.0) if sa else 0.0
    fa = [w for w in ta if w in FUNCTION_WORDS]
    fb = [w for w in tb if w in FUNCTION_WORDS]
    f["x_function_4"] = containment(fa, fb, 4)
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


base = [n for n in names if not n.startswith("x_")]
print("held-out macro-F1 (three-class / derived-vs-not); trained on one half, scored on the other")
for what, cols in (
    ("trigram containment only", ["story_in_pa_3"]),
    (f"base {len(base)} features", base),
    (f"all {len(names)} features", names),
):
    Z = X[:, [names.index(c) for c in cols]]
    scores = []
    for train in (0, 1):
        mu, sd = Z[half == train].mean(0), Z[half == train].std(0) + 1e-9
        Zs = (Z - mu) / sd
        W = fit(Zs[half == train], y[half == train])
        pred = np.argmax(np.c_[Zs, np.ones(len(Zs))] @ W, 1)
        three, two = macro_f1(pred[half != train], y[half != train])
        scores.append(f"{three:.3f} / {two:.3f}")
    print(f"{what:26s}  tuning -> held-out half {scores[0]}   held-out -> tuning half {scores[1]}")
