#!/usr/bin/env bash
# Reuse on the labelled METER corpus (../shared/corpora/meter): story-level
# and passage-level scores of `reprint scan`'s reuse links at the default
# flags, on the tuning half (stories whose catchline hashes even: the half
# the reuse thresholds were chosen on), the held-out half, and all of it.
# Also the cross-story links (reuse links between different stories).
#
#   scripts/eval-meter.sh [OUTDIR] [extra reprint flags...]
#
# Needs ../shared and python3. Writes OUTDIR/meter-{tune,held,all}.txt and
# OUTDIR/meter-report.json.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
out=${1:-$here/bench-out}
shift || true
meter=$shared/corpora/meter
if [ ! -f "$meter/meter.jsonl" ]; then
  echo "no $meter/meter.jsonl: nothing to evaluate (set SHARED=...)"; exit 0
fi
mkdir -p "$out"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin=$here/target/release/reprint

# The split: crc32 of the story's catchline (the 4th path field), even = tune.
python3 - "$meter/meter_pairs.tsv" "$out" <<'PY'
import sys, zlib
src, out = sys.argv[1], sys.argv[2]
lines = open(src).read().split("\n")
head, rows = lines[0], [l for l in lines[1:] if l]
for name, keep in (("tune", 0), ("held", 1)):
    with open(f"{out}/meter-pairs-{name}.tsv", "w") as f:
        f.write(head + "\n")
        for l in rows:
            if zlib.crc32(l.split("\t")[0].split("/")[3].encode()) % 2 == keep:
                f.write(l + "\n")
PY
cp "$meter/meter_pairs.tsv" "$out/meter-pairs-all.tsv"
for part in tune held all; do
  echo "== $part"
  "$bin" eval "$meter/meter.jsonl" --reuse-pairs "$out/meter-pairs-$part.tsv" \
    --reuse-spans "$meter/meter_spans.jsonl" "$@" | tee "$out/meter-$part.txt" | grep '^reuse'
done

# Links between different stories, by kind.
"$bin" scan "$meter/meter.jsonl" --format json -q "$@" > "$out/meter-report.json"
python3 - "$out/meter-report.json" <<'PY'
import json, sys, collections
r = json.load(open(sys.argv[1]))
story = lambda i: "/".join(i.split("/")[1:4])
cross = [l for l in r["reuse"] if story(l["doc"]) != story(l["source"])]
print(f"== links: {len(r['reuse'])}, between different stories: {len(cross)}")
kinds = collections.Counter((story(l["doc"]).split("/")[2], story(l["source"]).split("/")[2]) for l in cross)
for (a, b), n in sorted(kinds.items(), key=lambda x: -x[1])[:20]:
    print(f"  {n:3d}  {a} <- {b}")
PY
