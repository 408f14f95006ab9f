#!/usr/bin/env python3
"""Scale a JSON Lines corpus up for the memory check (README, "Performance").

    scripts/big-corpus.py SOURCE.jsonl COPIES > BIG.jsonl

Writes COPIES copies of SOURCE's records (fields `id` and `text`). Copy c
runs every letter of the text through its own substitution (a Caesar shift
of c, then reversed alphabets), so words of different copies never match:
the big corpus has the source's duplicate structure COPIES times over, not
COPIES-fold duplicates. Ids become `<id>-<c>`.
"""

import json
import string
import sys


def alphabet(c: int) -> str:
    """The c-th substitution of the lowercase alphabet."""
    lo = string.ascii_lowercase
    k = c % 26
    shifted = lo[k:] + lo[:k]
    return shifted[::-1] if (c // 26) % 2 else shifted


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, copies = sys.argv[1], int(sys.argv[2])
    if not 1 <= copies <= 52:
        sys.exit("COPIES must be 1 to 52 (there are 52 substitutions)")
    with open(src, encoding="utf-8") as f:
        records = [(r["id"], r["text"]) for r in map(json.loads, f)]
    out = sys.stdout
    lo, up = string.ascii_lowercase, string.ascii_uppercase
    for c in range(copies):
        a = alphabet(c)
        table = str.maketrans(lo + up, a + a.upper())
        for rid, text in records:
            out.write(json.dumps({"id": f"{rid}-{c}", "text": text.translate(table)}))
            out.write("\n")
        print(f"big-corpus: copy {c + 1}/{copies} written", file=sys.stderr)


if __name__ == "__main__":
    main()
