#!/usr/bin/env bash
# Two reprint binaries on one JSON Lines corpus, interleaved, under
# /usr/bin/time: wall seconds and peak RSS per run, then medians, and
# whether the two JSON reports agree (all but stats.elapsed_ms/threads).
#
#   scripts/bench-ab.sh OLD_BINARY NEW_BINARY CORPUS.jsonl [REPS]
#
# Modes: the peers' job at documents and at all granularity, and the
# defaults. Used for the before/after table of the redesign in the README.
set -euo pipefail
old=$1 new=$2 corpus=$3 reps=${4:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A MODES=(
  [documents]="--shingle-size 5 --threshold 0.8 --containment off --granularity documents"
  [all]="--shingle-size 5 --threshold 0.8 --containment off --granularity all"
  [defaults]=""
)
for rep in $(seq "$reps"); do
  for mode in documents all defaults; do
    for side in old new; do
      bin=$old; [ "$side" = new ] && bin=$new
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e %M" -o "$out/time" "$bin" scan "$corpus" ${MODES[$mode]} \
        --format json -o "$out/$side-$mode.json" -q || true
      echo "$mode $side $(cat "$out/time")" >> "$out/runs"
    done
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys, collections
out = sys.argv[1]
runs = collections.defaultdict(list)
for line in open(f"{out}/runs"):
    mode, side, wall, kb = line.split()
    runs[(mode, side)].append((float(wall), int(kb) / 1024))
print("| mode | old: median s (runs) | new: median s (runs) | peak RSS MB old → new | reports |")
print("|---|---|---|---|---|")
for mode in ["documents", "all", "defaults"]:
    cells = []
    for side in ["old", "new"]:
        walls = [w for w, _ in runs[(mode, side)]]
        cells.append(f"{statistics.median(walls):.2f} ({', '.join(f'{w:.2f}' for w in walls)})")
    rss = [statistics.median(r for _, r in runs[(mode, s)]) for s in ["old", "new"]]
    reports = []
    for side in ["old", "new"]:
        r = json.load(open(f"{out}/{side}-{mode}.json"))
        r["stats"]["elapsed_ms"] = r["stats"]["threads"] = 0
        reports.append(r)
    same = "identical" if reports[0] == reports[1] else "DIFFERENT"
    print(f"| {mode} | {cells[0]} | {cells[1]} | {rss[0]:.0f} → {rss[1]:.0f} | {same} |")
PY
