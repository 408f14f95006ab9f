"""A generated news-like corpus with known kinds of duplicates, for the
Spark tests and benchmarks: no real text, deterministic from its seed.

Every document is a JSON Lines record. Among unrelated articles there
are: families of near-copies (words substituted, sentences dropped, an
outlet's footer added), exact re-posts, a chain of 40 versions each edited
from the one before (so its candidate groups pass 32 members and are
verified as stars, whose leaders follow the input order), records without
an id, documents without words, a malformed line and blank lines.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Iterator, List

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pen", "dar", "gol", "tin", "bre", "sul", "mor", "zan"]


def _vocabulary(rng: random.Random, size: int) -> List[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def _article(rng: random.Random, vocab: List[str]) -> List[str]:
    """Sentences of Zipf-ish words."""
    sentences = []
    for _ in range(rng.randint(8, 24)):
        n = rng.randint(8, 22)
        words = [vocab[min(int(rng.paretovariate(1.1)) - 1, len(vocab) - 1) if rng.random() < 0.5 else rng.randrange(len(vocab))] for _ in range(n)]
        sentences.append(" ".join(words).capitalize() + ".")
    return sentences


def _edit(rng: random.Random, sentences: List[str], vocab: List[str], rate: float) -> List[str]:
    out = []
    for s in sentences:
        if rng.random() < rate / 2:
            continue  # sentence dropped
        words = s.split(" ")
        words = [rng.choice(vocab) if rng.random() < rate / 4 else w for w in words]
        out.append(" ".join(words))
    return out


def records(n: int, seed: int = 7) -> Iterator[str]:
    """``n`` JSON Lines (records and the odd bad line), in order."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 6000)
    footer = "Read more from the Valley Courier. Subscribe to our newsletter for daily news."
    emitted = 0
    base_id = 0

    def record(sentences: List[str], **extra) -> str:
        nonlocal base_id
        base_id += 1
        doc = {"id": f"doc-{base_id:06d}", "text": "\n\n".join(sentences)}
        doc.update(extra)
        return json.dumps(doc)

    chain: List[str] = []
    chain_at = n // 3
    while emitted < n:
        roll = rng.random()
        if emitted >= chain_at and not chain:
            version = _article(rng, vocab) + _article(rng, vocab)
            for _ in range(40):
                chain.append(record(version, date=f"2024-03-{1 + len(chain) % 28:02d}T08:00:00Z",
                                    source=f"Desk {len(chain) % 2}"))
                version = _edit(rng, version, vocab, 0.12) + [" ".join(rng.choice(vocab) for _ in range(12)) + "."]
            for line in chain:
                yield line
            emitted += len(chain)
            continue
        if roll < 0.70:
            yield record(_article(rng, vocab))
            emitted += 1
        elif roll < 0.90:
            original = _article(rng, vocab)
            yield record(original, source="Wire")
            emitted += 1
            for k in range(rng.randint(1, 6)):
                copy = _edit(rng, original, vocab, rng.choice([0.02, 0.08, 0.2, 0.5]))
                if rng.random() < 0.3:
                    copy = copy + [footer]
                yield record(copy, source=f"Outlet {k}")
                emitted += 1
        elif roll < 0.95:
            text = _article(rng, vocab)
            yield record(text)
            yield record(text)
            emitted += 2
        elif roll < 0.97:
            yield json.dumps({"text": "\n\n".join(_article(rng, vocab))})  # no id: named PATH:LINE
            emitted += 1
        elif roll < 0.972:
            yield record(["..."])  # no words
            emitted += 1
        elif roll < 0.974:
            yield ""  # a blank line
        elif roll < 0.976:
            yield '{"id": "broken", "text": "unterminated'  # a skipped record
            emitted += 1
        else:
            yield record(_article(rng, vocab))
            emitted += 1


def write(path: Path, n: int, seed: int = 7) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for line in records(n, seed):
            f.write(line + "\n")
    return path


if __name__ == "__main__":  # pragma: no cover - a tool for benchmarks
    import sys

    for line in records(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 7):
        print(line)
