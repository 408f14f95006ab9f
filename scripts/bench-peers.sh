#!/usr/bin/env bash
# Compare reprint with peer near-duplicate detectors (gaoya, rensa, datasketch,
# text-dedup) on one synthetic corpus, in one run, and print a summary table.
#
#   scripts/bench-peers.sh [OUTDIR]        (default OUTDIR: bench-out/peers)
#
# Environment:
#   N=100000     documents in the synthetic corpus
#   SEED=2       corpus seed
#   REPS=3       repetitions; tools are interleaved within each repetition
#   PEERS="gaoya rensa"   any of: gaoya rensa datasketch-xxh datasketch text-dedup
#                         (PEERS="" runs reprint only)
#   SHARED=../shared      the workplace's shared folder (peers/ with the peer scripts)
#   CORPUS_DIR=bench-out  where the corpus is generated once and reused
#   PY=python3            Python for corpus generation, scoring and the peers
#   REPRINT=              a prebuilt reprint binary; default: cargo build --release
#
# Every tool runs under /usr/bin/time -v. reprint does the peers' job
# (5-word shingles, Jaccard >= 0.8, documents only) in three modes:
#   reprint-documents      --granularity documents (all cores)
#   reprint-documents-1t   the same with -j 1 (the per-core figure)
#   reprint-all            --granularity all (paragraph findings too)
# and, with DEFAULTS=1, what users run: `reprint scan` at the default flags
# (its own thresholds, every kind of finding, reuse included), on all cores
# with -j 1, and with a smaller verification-set budget (--set-budget 128):
#   reprint-defaults, reprint-defaults-1t, reprint-defaults-sb128
# (their precision and recall are against the peers' job, which they do not
# do: read only their time and memory).
# Peers go through ../shared/peers/run_peer.py; each prediction is scored with
# ../shared/peers/score.py (with --corpus on the first repetition only: slow).
# Results: OUTDIR/<tool>.r<k>.{time.txt,pred.jsonl,score.json,...}, OUTDIR/meta.json,
# and the table from scripts/bench-summary.py in OUTDIR/summary.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-100000}
SEED=${SEED:-2}
REPS=${REPS:-3}
PEERS=${PEERS-gaoya rensa}
SHARED=${SHARED:-$root/../shared}
CORPUS_DIR=${CORPUS_DIR:-$root/bench-out}
PY=${PY:-python3}
out=${1:-$root/bench-out/peers}

log() { echo "$(date +%T) $*"; }

# ---- prerequisites -----------------------------------------------------------
peers_dir=$SHARED/peers
if [ ! -f "$peers_dir/gen_corpus.py" ]; then
  echo "bench-peers: $peers_dir/gen_corpus.py not found (set SHARED=...): no corpus to run on; nothing to do."
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench-peers: /usr/bin/time not found (GNU time, package 'time'): it measures wall time and peak RSS." >&2
  exit 1
fi

# A Python for the stdlib-only helpers (scoring, report conversion, summary).
runs_python() { command -v "$1" >/dev/null 2>&1 && "$1" -c 'import json, sys' >/dev/null 2>&1; }
if runs_python "$PY"; then
  toolpy=$PY
elif runs_python python3; then
  toolpy=python3
  echo "bench-peers: PY=$PY does not run Python; using python3 for corpus generation and scoring."
else
  echo "bench-peers: no usable Python (PY=$PY, python3): cannot generate or score the corpus; nothing to do."
  exit 0
fi
has_mods() { "$1" -c "import $2" >/dev/null 2>&1; }

mkdir -p "$out" "$CORPUS_DIR"
out=$(cd "$out" && pwd)
CORPUS_DIR=$(cd "$CORPUS_DIR" && pwd)
# Old results would be mixed into the summary: clear them (the venv stays).
rm -f "$out"/*.r[0-9]*.time.txt "$out"/*.r[0-9]*.score.json "$out"/*.r[0-9]*.pred.jsonl \
      "$out"/*.r[0-9]*.report.json "$out"/*.r[0-9]*.timing.json "$out"/*.r[0-9]*.stderr.txt \
      "$out"/*.r[0-9]*.stdout.txt "$out"/*.r[0-9]*.score.err "$out"/failures.log \
      "$out"/meta.json "$out"/summary.md

# ---- reprint -----------------------------------------------------------------
if [ -n "${REPRINT:-}" ]; then
  src_bin=$REPRINT
  log "using the prebuilt $src_bin (REPRINT)"
else
  log "cargo build --release"
  if ! cargo build --release --quiet --manifest-path "$root/Cargo.toml"; then
    echo "bench-peers: cargo build --release failed" >&2
    exit 1
  fi
  src_bin=$root/target/release/reprint
fi
# A private copy: a rebuild during the run does not change what is measured.
cp "$src_bin" "$out/reprint"
rbin=$out/reprint
reprint_version=$("$rbin" --version 2>/dev/null || echo "reprint ?")

# ---- peers: find a Python that imports them, else try a venv under OUTDIR ----
peer_mods() {
  case $1 in
    gaoya) echo "gaoya.minhash" ;;
    rensa) echo "rensa, numpy" ;;
    datasketch) echo "datasketch, numpy" ;;
    datasketch-xxh) echo "datasketch, numpy, xxhash" ;;
    text-dedup) echo "text_dedup.minhash" ;;
    pyshingle) echo "json" ;;
    *) return 1 ;;
  esac
}

declare -A peerpy_of=()   # peer -> the Python that imports it
peers_run=()
peers_skipped=()
venv=$out/venv
venvpy=
if [ -n "${PEERS// /}" ]; then
  missing=()
  for p in $PEERS; do
    if ! m=$(peer_mods "$p"); then
      echo "bench-peers: unknown peer '$p' (known: gaoya rensa datasketch-xxh datasketch text-dedup pyshingle): skipped"
      peers_skipped+=("$p")
    elif has_mods "$PY" "$m"; then
      peerpy_of[$p]=$PY
    elif [ -x "$venv/bin/python" ] && has_mods "$venv/bin/python" "$m"; then
      peerpy_of[$p]=$venv/bin/python
    else
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "peers: $PY cannot import ${missing[*]}; trying a venv in $venv (pip install, log in $out/venv-install.log)"
    : > "$out/venv-install.log"
    pip_install() { "$venv/bin/python" -m pip install -q --disable-pip-version-check --retries 1 --timeout 20 "$@" \
                      >> "$out/venv-install.log" 2>&1; }
    if [ ! -x "$venv/bin/python" ] && ! "$PY" -m venv "$venv" >> "$out/venv-install.log" 2>&1; then
      echo "'$PY -m venv $venv' failed" >> "$out/venv-install.log"
    elif ! pip_install "datasketch>=2,<3" rensa gaoya numpy scikit-learn xxhash; then
      echo "pip install failed (no network or no index?)" >> "$out/venv-install.log"
    fi
    case " ${missing[*]} " in
      *" text-dedup "*) [ -x "$venv/bin/python" ] && { pip_install text-dedup ||
                            echo "pip install text-dedup failed" >> "$out/venv-install.log"; } ;;
    esac
    still=()
    for p in "${missing[@]}"; do
      if [ -x "$venv/bin/python" ] && has_mods "$venv/bin/python" "$(peer_mods "$p")"; then
        peerpy_of[$p]=$venv/bin/python
      else
        still+=("$p")
      fi
    done
    if [ ${#still[@]} -gt 0 ]; then
      echo "bench-peers: could not install ${still[*]} in a venv made with $PY (log: $out/venv-install.log):"
      tail -n 3 "$out/venv-install.log" | sed 's/^/    /'
      for p in "${still[@]}"; do
        echo "bench-peers: peer '$p' skipped: cannot import $(peer_mods "$p")"
        peers_skipped+=("$p")
      done
    else
      log "peers: installed into $venv"
    fi
  fi
  for p in $PEERS; do
    [ -n "${peerpy_of[$p]:-}" ] && peers_run+=("$p")
  done
  if [ ${#peers_run[@]} -eq 0 ]; then
    echo "bench-peers: no peer can run; measuring reprint only."
  fi
  [ -x "$venv/bin/python" ] && venvpy=$venv/bin/python
fi

# ---- corpus ------------------------------------------------------------------
corpus=$CORPUS_DIR/peers-n$N-s$SEED.jsonl
if [ -s "$corpus" ]; then
  log "corpus: reusing $corpus"
else
  genpy=
  for c in "$toolpy" "$venvpy" python3; do
    if [ -n "$c" ] && runs_python "$c" && has_mods "$c" numpy; then genpy=$c; break; fi
  done
  if [ -z "$genpy" ]; then
    echo "bench-peers: no Python with numpy to generate $corpus (set PY=...); nothing to do."
    exit 0
  fi
  log "corpus: generating $corpus (N=$N, seed $SEED)"
  t0=$SECONDS
  "$genpy" "$peers_dir/gen_corpus.py" --n "$N" --seed "$SEED" --out "$corpus.tmp" > "$out/gen_corpus.log" 2>&1 || {
    echo "bench-peers: gen_corpus.py failed:" >&2; tail -n 5 "$out/gen_corpus.log" >&2; exit 1; }
  [ -f "$corpus.tmp.pairs.jsonl" ] && mv "$corpus.tmp.pairs.jsonl" "$corpus.pairs.jsonl"
  mv "$corpus.tmp" "$corpus"
  log "corpus: done in $((SECONDS - t0)) s"
fi
corpus_bytes=$(wc -c < "$corpus")
corpus_docs=$(grep -c . "$corpus" || true)

# ---- metadata for the summary ------------------------------------------------
peer_versions=
for p in ${peers_run[@]+"${peers_run[@]}"}; do
  pkg=$p; [ "$p" = datasketch-xxh ] && pkg=datasketch
  v=$("${peerpy_of[$p]}" -c 'import sys; from importlib.metadata import version; print(version(sys.argv[1]))' "$pkg" \
      2>/dev/null || echo "?")
  peer_versions+="$p=$v "
done
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$root" status --porcelain -- src crates Cargo.toml Cargo.lock 2>/dev/null)" ]; then
  commit="$commit+dirty"
fi
cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
[ -n "$cpu" ] || cpu=$(uname -m)
M_CORPUS=$corpus M_BYTES=$corpus_bytes M_DOCS=$corpus_docs M_N=$N M_SEED=$SEED M_REPS=$REPS \
M_PEERS="${peers_run[*]-}" M_SKIPPED="${peers_skipped[*]-}" M_VERSIONS="$peer_versions" \
M_REPRINT="$reprint_version" M_COMMIT=$commit M_NPROC=$(nproc) M_CPU="$cpu" M_DATE=$(date '+%Y-%m-%d %H:%M') \
"$toolpy" - "$out/meta.json" <<'EOF'
import json, os, sys
e = os.environ
meta = {"corpus": e["M_CORPUS"], "bytes": int(e["M_BYTES"]), "docs": int(e["M_DOCS"]),
        "n": int(e["M_N"]), "seed": int(e["M_SEED"]), "reps": int(e["M_REPS"]),
        "peers": e["M_PEERS"].split(), "peers_skipped": e["M_SKIPPED"].split(),
        "versions": dict(x.split("=", 1) for x in e["M_VERSIONS"].split()), "reprint": e["M_REPRINT"],
        "commit": e["M_COMMIT"], "nproc": int(e["M_NPROC"]), "cpu": e["M_CPU"], "date": e["M_DATE"]}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
EOF

# ---- the runs ----------------------------------------------------------------
reprint_modes=(reprint-documents reprint-all reprint-documents-1t)
[ "${DEFAULTS:-0}" = 1 ] && reprint_modes+=(reprint-defaults reprint-defaults-1t reprint-defaults-sb128)
order=()   # reprint modes and peers alternate
i=0
while [ $i -lt ${#reprint_modes[@]} ] || [ $i -lt ${#peers_run[@]} ]; do
  [ $i -lt ${#reprint_modes[@]} ] && order+=("${reprint_modes[$i]}")
  [ $i -lt ${#peers_run[@]} ] && order+=("${peers_run[$i]}")
  i=$((i + 1))
done

wall_of() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($NF, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; printf "%.2f", s}' "$1"; }
rss_of() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $NF / 1024}' "$1"; }
failures=0

run_one() { # TOOL REP
  local tool=$1 k=$2 b=$out/$1.r$2 rc=0 what=run
  case $tool in
    reprint-*)
      local mode=(--granularity documents)
      [ "$tool" = reprint-all ] && mode=(--granularity all)
      [ "$tool" = reprint-documents-1t ] && mode=(--granularity documents -j 1)
      local job=(--shingle-size 5 --threshold 0.8 --containment off)
      case $tool in
        reprint-defaults) job=(); mode=() ;;
        reprint-defaults-1t) job=(); mode=(-j 1) ;;
        reprint-defaults-sb128) job=(); mode=(--set-budget 128) ;;
      esac
      /usr/bin/time -v -o "$b.time.txt" "$rbin" scan "$corpus" ${job[@]+"${job[@]}"} \
          ${mode[@]+"${mode[@]}"} --format json -o "$b.report.json" \
          > "$b.stdout.txt" 2> "$b.stderr.txt" || rc=$?
      if [ $rc -eq 0 ]; then
        what=report-to-clusters
        "$toolpy" "$root/scripts/report-to-clusters.py" "$corpus" "$b.report.json" > "$b.pred.jsonl" \
            2>> "$b.stderr.txt" || rc=$?
      fi
      ;;
    *)
      /usr/bin/time -v -o "$b.time.txt" "${peerpy_of[$tool]}" "$peers_dir/run_peer.py" --corpus "$corpus" \
          --peer "$tool" --out "$b.pred.jsonl" > "$b.timing.json" 2> "$b.stderr.txt" || rc=$?
      ;;
  esac
  local wall rss
  wall=$(wall_of "$b.time.txt" 2>/dev/null || true)
  rss=$(rss_of "$b.time.txt" 2>/dev/null || true)
  if [ $rc -ne 0 ]; then
    failures=$((failures + 1))
    log "r$k/$REPS  $(printf '%-22s' "$tool") FAILED ($what, exit $rc) after ${wall:-?} s; last lines of $b.stderr.txt:" \
        | tee -a "$out/failures.log"
    { tail -n 3 "$b.stderr.txt" 2>/dev/null | sed 's/^/    /' | tee -a "$out/failures.log"; } || true
    return 0
  fi
  local extra=()
  [ "$k" = 1 ] && extra=(--corpus "$corpus")
  local score="(score failed: see $b.score.err)"
  if "$toolpy" "$peers_dir/score.py" "$corpus" "$b.pred.jsonl" --json ${extra[@]+"${extra[@]}"} \
       > "$b.score.json" 2> "$b.score.err"; then
    score=$("$toolpy" -c '
import json, sys
s = json.load(open(sys.argv[1]))
r8 = s.get("recall_j>=0.8")
print("P=%.4f R=%.4f" % (s["precision"], s["recall"]) + ("" if r8 is None else " R@J>=0.8=%.4f false=%s (J>=0.8: %s)" % (r8, s["false_pairs"], s["false_pairs_with_j>=0.8"])))
' "$b.score.json" 2>/dev/null || echo "(unreadable score)")
    rm -f "$b.score.err"
  else
    rm -f "$b.score.json"
  fi
  log "r$k/$REPS  $(printf '%-22s' "$tool") wall ${wall} s  peak ${rss} MB  $score"
}

log "warming the page cache: $corpus ($((corpus_bytes / 1000000)) MB, $corpus_docs docs)"
cat "$corpus" > /dev/null
log "order: ${order[*]} (rotated by one each repetition); $REPS repetition(s)"
for k in $(seq 1 "$REPS"); do
  n=${#order[@]}
  for j in $(seq 0 $((n - 1))); do
    run_one "${order[$(( (j + k - 1) % n ))]}" "$k"
  done
done
[ $failures -eq 0 ] || log "$failures run(s) failed: see $out/failures.log"

# ---- summary -----------------------------------------------------------------
echo
"$toolpy" "$root/scripts/bench-summary.py" "$out" | tee "$out/summary.md"
