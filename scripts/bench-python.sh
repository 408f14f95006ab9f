#!/usr/bin/env bash
# reprint.scan from Python beside the CLI and the Python peers (rensa,
# datasketch), on the peers' synthetic corpus, interleaved in one run.
#
#   scripts/bench-python.sh [CORPUS.jsonl]
#       (default: bench-out/peers-n100000-s2.jsonl, made by bench-peers.sh)
#
# Environment:
#   REPS=1            repetitions (the tools are interleaved in each)
#   PEERS="rensa datasketch"   peers run through ../shared/peers/run_peer.py
#   PEERPY=python3    a Python with the peers installed (see ../shared/peers/README.md)
#   SHARED=../shared  the workplace's shared folder
#   VENV=target/pyvenv  the virtualenv with reprint installed (scripts/test.sh makes it)
#
# Every tool does the peers' job: 5-word shingles, Jaccard >= 0.8,
# documents only (reprint: --shingle-size 5 --threshold 0.8 --containment
# off --granularity documents), all cores. reprint.scan gets the records as
# Python dicts: the JSONL is loaded first, and only the scan call is timed
# (records → spool → scan → report → dict). Wall seconds per run are
# printed, then each tool's median and its ratio to the CLI's median.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$root/bench-out/peers-n100000-s2.jsonl}
REPS=${REPS:-1}
PEERS=${PEERS-rensa datasketch}
PEERPY=${PEERPY:-python3}
SHARED=${SHARED:-$root/../shared}
VENV=${VENV:-$root/target/pyvenv}
rbin=$root/target/release/reprint
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -f "$corpus" ] || { echo "bench-python: no corpus at $corpus (run scripts/bench-peers.sh, or name one)" >&2; exit 1; }
[ -x "$rbin" ] || { echo "bench-python: build the CLI first (cargo build --release)" >&2; exit 1; }
"$VENV/bin/python" -c 'import reprint' || { echo "bench-python: reprint is not installed in $VENV (run scripts/test.sh)" >&2; exit 1; }

now() { date +%s.%N; }
declare -A runs
add() { runs[$1]="${runs[$1]:-} $2"; echo "r$k  $(printf '%-28s' "$1") $(printf '%.2f' "$2") s"; }
median() { printf '%s\n' $1 | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

for k in $(seq 1 "$REPS"); do
  t0=$(now)
  "$rbin" scan "$corpus" --shingle-size 5 --threshold 0.8 --containment off \
      --granularity documents --format json -o "$out/cli.json" 2>/dev/null
  add "reprint CLI" "$(echo "$(now) - $t0" | bc -l)"

  py=$("$VENV/bin/python" - "$corpus" <<'PY'
import json, sys, time
import reprint
with open(sys.argv[1], encoding="utf-8") as f:
    records = [json.loads(line) for line in f]
start = time.perf_counter()
report = reprint.scan(records, shingle_size=5, threshold=0.8, containment="off", granularity="documents")
took = time.perf_counter() - start
assert report["stats"]["documents"] == len(records)
print(took)
PY
)
  add "reprint.scan (Python records)" "$py"

  for peer in $PEERS; do
    t0=$(now)
    "$PEERPY" "$SHARED/peers/run_peer.py" --corpus "$corpus" --peer "$peer" \
        --out "$out/$peer.jsonl" > /dev/null 2>&1
    add "$peer" "$(echo "$(now) - $t0" | bc -l)"
  done
done

cli=$(median "${runs["reprint CLI"]}")
echo
echo "$(date -u +%FT%TZ) · nproc $(nproc) · load $(cut -d' ' -f1-3 /proc/loadavg) · median of $REPS run(s) · $(basename "$corpus")"
for tool in "reprint CLI" "reprint.scan (Python records)" $PEERS; do
  t=$(median "${runs[$tool]}")
  printf '%-30s %7.2f s   %5.2fx the CLI'"'"'s time\n' "$tool" "$t" "$(echo "$t / $cli" | bc -l)"
done
