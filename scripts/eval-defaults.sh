#!/usr/bin/env bash
# Grid of matching parameters scored against labelled corpora, to choose
# reprint's defaults (README, "Choosing the defaults").
#
#   scripts/eval-defaults.sh [OUTDIR]
#
# Needs ../shared (the workplace's corpora and peer scripts) and, for the
# synthetic corpus, python3 with numpy. Skips what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
out=${1:-$here/bench-out}
mkdir -p "$out"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin=$here/target/release/reprint

if [ ! -d "$shared" ]; then
  echo "no $shared: nothing to evaluate (set SHARED=...)"; exit 0
fi

syn=$out/syn10k.jsonl
if [ ! -f "$syn" ]; then
  if python3 -c 'import numpy' 2>/dev/null; then
    python3 "$shared/peers/gen_corpus.py" --n 10000 --seed 1 --out "$syn" --no-pairs >/dev/null
  else
    echo "python3 with numpy not found: skipping the synthetic corpus"; syn=
  fi
fi

row() { # corpus k t c -> one markdown row
  local corpus=$1 k=$2 t=$3 c=$4
  "$bin" eval "$corpus" --json --shingle-size "$k" --threshold "$t" --containment "$c" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); m=r["metrics"]; p=r["params"]
print("| %s | %s | %s | %d×%d | %.3f | %.3f | %.3f | %.3f |" % (p["shingle_size"], p["threshold"], p["containment"] if p["containment"] is not None else "off", p["bands"], p["rows"], m["precision"], m["recall"], m["f1"], m["adjusted_rand_index"]))'
}

for corpus in $syn "$shared/corpora/mrpc/mrpc.jsonl"; do
  [ -f "$corpus" ] || continue
  echo; echo "### $(basename "$corpus")"; echo
  echo "| k | threshold | containment | b×r | precision | recall | F1 | ARI |"
  echo "|---|---|---|---|---|---|---|---|"
  for k in 3 4 5 6; do
    for t in 0.5 0.6 0.7 0.8 0.9; do
      for c in off 0.8 0.9; do
        row "$corpus" "$k" "$t" "$c"
      done
    done
  done
done

reuters=$shared/corpora/reuters21578/reuters21578.jsonl
if [ -f "$reuters" ]; then
  echo; echo "### reuters21578: recall of LSH + verification against exact all-pairs Jaccard"; echo
  for c in 0.9 off; do "$bin" eval "$reuters" --exact --containment "$c" | sed 's/^/    /'; done
fi
