#!/usr/bin/env bash
# Benchmark of the persistent index (README, "Performance: the index"):
# build a history of HISTORY documents, then check a day's scrape of DAY
# documents against it with --update, timing both and measuring the index
# on disk.
#
#   scripts/bench-index.sh [OUTDIR]
#
# Environment: HISTORY (default 1000000), DAY (10000), SHARED (../shared),
# PY (a python with numpy, for the generator; default python3),
# REPRINT (target/release/reprint). The history is the peers' synthetic
# news corpus (100k documents, seed 2) scaled with scripts/big-corpus.py
# (letter-substituted copies, so copies never match each other); the day is
# a fresh synthetic corpus (seed 99, its own near-duplicates) plus 500
# documents re-published from the history.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/bench-index}
HISTORY=${HISTORY:-1000000}
DAY=${DAY:-10000}
SHARED=${SHARED:-../shared}
REPRINT=${REPRINT:-target/release/reprint}
gen="$SHARED/peers/gen_corpus.py"
PY=${PY:-python3}
if [ ! -f "$gen" ]; then
  echo "bench-index: $gen not found (set SHARED=...): nothing to do."
  exit 0
fi
mkdir -p "$out"
[ -x "$REPRINT" ] || cargo build --release
base="$out/base-100k.jsonl"
[ -f "$base" ] || "$PY" "$gen" --n 100000 --seed 2 --out "$base" --no-pairs > "$out/gen.log"
copies=$(( (HISTORY + 99999) / 100000 ))
history="$out/history-$HISTORY.jsonl"
if [ ! -f "$history" ]; then
  python3 scripts/big-corpus.py "$base" "$copies" | head -n "$HISTORY" > "$history"
fi
day="$out/day-$DAY.jsonl"
if [ ! -f "$day" ]; then
  "$PY" "$gen" --n "$((DAY - 500))" --seed 99 --out "$out/day-fresh.jsonl" --no-pairs >> "$out/gen.log"
  # 500 re-publications of history documents under new ids.
  python3 - "$history" "$out/day-fresh.jsonl" "$day" <<'EOF'
import json, sys
hist, fresh, out = sys.argv[1:4]
with open(out, "w") as w:
    w.write(open(fresh).read())
    with open(hist) as h:
        for i, line in enumerate(h):
            if i % 2000 == 7:
                r = json.loads(line)
                r["id"] = "repub-" + r["id"]
                w.write(json.dumps(r) + "\n")
EOF
fi
index="$out/index-$HISTORY.sqlite"
rm -f "$index" "$index-wal" "$index-shm"
echo "== history: $(wc -l < "$history") documents, $(du -h "$history" | cut -f1)"
/usr/bin/time -f "add: %e s wall, %M KB peak" \
  "$REPRINT" index add "$history" --index "$index" -q
size=$(stat -c %s "$index")
echo "index size: $size bytes ($(python3 -c "print(f'{$size/1e9:.2f} GB, {$size/$HISTORY*1e6/1e9:.2f} GB per million documents')"))"
# Where the bytes are (SQLite's dbstat), per document: tables and indexes,
# the key runs by kind, the texts.
python3 - "$index" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n = c.execute("SELECT count(*) FROM docs").fetchone()[0]
print(f"by table (bytes per document, of {n} documents):")
for name, size in c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"):
    if size >= n:
        print(f"  {name}: {size / n:.0f}")
kinds = ["document", "paragraph", "reuse"]
for kind, size, pairs in c.execute(
    "SELECT r.kind, r.bytes, k.pairs FROM (SELECT (id >> 16) & 3 AS kind, "
    "sum(length(pairs)) AS bytes FROM key_runs GROUP BY 1) r JOIN (SELECT kind, "
    "sum(pairs) AS pairs FROM key_run_counts GROUP BY kind) k ON k.kind = r.kind"
):
    print(f"  {kinds[kind]} keys: {pairs / n:.1f} per document, {size / max(pairs, 1):.2f} bytes each")
text, dicts = c.execute("SELECT avg(length(text)), (SELECT count(*) FROM dictionary) FROM docs").fetchone()
print(f"  texts: {text:.0f} bytes packed on average, {dicts} dictionaries")
EOF
cp "$index" "$index.before-day"
echo "== day: $(wc -l < "$day") documents"
/usr/bin/time -f "check --update: %e s wall, %M KB peak" \
  "$REPRINT" check "$day" --index "$index" --update --format json -o "$out/check.json" -q || true
python3 - "$out/check.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
kinds = {}
for f in r["findings"]:
    kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
indexed = sum(1 for f in r["findings"] if f["kind"] == "duplicate_document" and f["matches"] and f["matches"][0]["indexed"])
print(f"checked {s['documents_checked']}, compared with {s['indexed_compared']} indexed, "
      f"findings {s['findings']} {kinds}, duplicate findings naming an indexed original: {indexed}, added {s.get('added')}")
EOF
cp "$index.before-day" "$index"
/usr/bin/time -f "check (no update): %e s wall, %M KB peak" \
  "$REPRINT" check "$day" --index "$index" --format json -o "$out/check2.json" -q || true
rm -f "$index.before-day"
