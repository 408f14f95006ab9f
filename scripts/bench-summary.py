#!/usr/bin/env python3
"""Markdown summary of a scripts/bench-peers.sh output directory.

  scripts/bench-summary.py OUTDIR

Reads OUTDIR/<tool>.r<k>.time.txt (GNU `/usr/bin/time -v`), <tool>.r<k>.score.json
(../shared/peers/score.py --json) and OUTDIR/meta.json, and prints one row per
tool or reprint mode: medians over the repetitions that succeeded. MB/s is the
corpus size over the median wall time; "× gaoya" is that throughput divided by
gaoya's. Quality columns come from the scores: precision as a median over the
repetitions, R@J>=0.8 and false pairs from the repetition scored with --corpus.
Standard library only.
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

REPRINT_MODES = [
    ("reprint-documents", "reprint, documents"),
    ("reprint-documents-1t", "reprint, documents, 1 thread"),
    ("reprint-all", "reprint, all"),
    ("reprint-defaults", "reprint scan at the default flags (its own thresholds)"),
    ("reprint-defaults-1t", "reprint scan at the default flags, 1 thread"),
    ("reprint-defaults-sb128", "reprint scan at the default flags, --set-budget 128"),
]
RUN_FILE = re.compile(r"^(?P<tool>.+)\.r(?P<rep>\d+)\.time\.txt$")


def seconds(clock):
    """'1:02:03.5' / '2:03.5' / '3.5' -> seconds."""
    s = 0.0
    for part in clock.strip().split(":"):
        s = s * 60 + float(part)
    return s


def parse_time_v(path):
    """The fields of GNU time -v we use: wall, rss_mb, cpu, exit."""
    t = {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            key, _, value = line.rpartition(": ")
            if line.startswith("Elapsed (wall clock) time"):
                t["wall"] = seconds(value)
            elif line.startswith("Maximum resident set size"):
                t["rss_mb"] = int(value) / 1024
            elif line.startswith("User time"):
                t["cpu"] = t.get("cpu", 0.0) + float(value)
            elif line.startswith("System time"):
                t["cpu"] = t.get("cpu", 0.0) + float(value)
            elif line.startswith("Exit status"):
                t["exit"] = int(value)
    return t


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=1):
    return "-" if x is None else "%.*f" % (digits, x)


def machine():
    """Fallback when meta.json lacks the machine (summary run elsewhere)."""
    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        nproc = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
    except (OSError, ValueError):
        nproc = os.cpu_count()
    return nproc, cpu


def collect(outdir):
    runs = {}   # tool -> list of (rep, time dict, score dict or None)
    for name in sorted(os.listdir(outdir)):
        m = RUN_FILE.match(name)
        if not m:
            continue
        base = os.path.join(outdir, name[:-len(".time.txt")])
        t = parse_time_v(os.path.join(outdir, name))
        runs.setdefault(m.group("tool"), []).append(
            (int(m.group("rep")), t, load_json(base + ".score.json")))
    return runs


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__.strip())
    outdir = sys.argv[1]
    meta = load_json(os.path.join(outdir, "meta.json")) or {}
    runs = collect(outdir)
    if not runs:
        sys.exit("bench-summary: no <tool>.r<k>.time.txt in %s" % outdir)

    corpus_bytes = meta.get("bytes")
    if corpus_bytes is None and meta.get("corpus") and os.path.exists(meta["corpus"]):
        corpus_bytes = os.path.getsize(meta["corpus"])
    if corpus_bytes is None:   # peers' own timing lines carry it
        for tool in runs:
            for rep in sorted(r for r, _, _ in runs[tool]):
                tm = load_json(os.path.join(outdir, "%s.r%d.timing.json" % (tool, rep)))
                if tm and "bytes" in tm:
                    corpus_bytes = tm["bytes"]
                    break
            if corpus_bytes:
                break
    mb = corpus_bytes / 1e6 if corpus_bytes else None
    versions = meta.get("versions", {})

    order = [t for t, _ in REPRINT_MODES if t in runs]
    order += [p for p in meta.get("peers", []) if p in runs and p not in order]
    order += sorted(t for t in runs if t not in order)
    labels = dict(REPRINT_MODES)

    rows, failed = [], []
    for tool in order:
        rs = sorted(runs[tool], key=lambda r: r[0])
        ok = [(rep, t, s) for rep, t, s in rs if t.get("exit", 1) == 0 and "wall" in t]
        failed += ["%s r%d (exit %s)" % (tool, rep, t.get("exit", "?"))
                   for rep, t, s in rs if (rep, t, s) not in ok]
        scored = [s for _, _, s in ok if s]
        full = next((s for s in scored if s.get("recall_j>=0.8") is not None), None)
        wall = median([t["wall"] for _, t, _ in ok])
        label = labels.get(tool) or ("%s %s" % (tool, versions[tool]) if tool in versions else tool)
        rows.append({
            "tool": tool, "label": label, "n_ok": len(ok), "n": len(rs), "wall": wall,
            "walls": [t["wall"] for _, t, _ in ok],
            "mb_s": mb / wall if (mb and wall) else None,
            "rss": median([t.get("rss_mb") for _, t, _ in ok]),
            "P": median([s.get("precision") for s in scored]),
            "R8": full.get("recall_j>=0.8") if full else None,
            "fp": full.get("false_pairs") if full else None,
            "fp8": full.get("false_pairs_with_j>=0.8") if full else None,
        })

    gaoya = next((r["mb_s"] for r in rows if r["tool"] == "gaoya"), None)
    print("| tool / mode | wall s: median (all runs) | MB/s | × gaoya | peak RSS MB "
          "| precision | R@J>=0.8 | false pairs (J>=0.8) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        walls = ", ".join("%.2f" % w for w in r["walls"])
        if r["n_ok"] < r["n"]:
            walls += "; %d of %d failed" % (r["n"] - r["n_ok"], r["n"])
        ratio = "%.2f×" % (r["mb_s"] / gaoya) if (gaoya and r["mb_s"]) else "-"
        fp = "-" if r["fp"] is None else "%d (%s)" % (r["fp"], r["fp8"])
        print("| %s | %s (%s) | %s | %s | %s | %s | %s | %s |" % (
            r["label"], fmt(r["wall"], 2), walls or "none ok", fmt(r["mb_s"]), ratio,
            fmt(r["rss"], 0), fmt(r["P"], 4), fmt(r["R8"], 4), fp))
    print()

    nproc, cpu = meta.get("nproc"), meta.get("cpu")
    if nproc is None or cpu is None:
        nproc, cpu = machine()
    docs = meta.get("docs")
    reps = max((len(rs) for rs in runs.values()), default=0)
    parts = [meta.get("date") or time.strftime("%Y-%m-%d %H:%M"), "nproc %s" % nproc, cpu,
             "%s docs" % ("{:,}".format(docs) if docs else "?"),
             "corpus %s MB%s" % (fmt(mb), " (%s)" % os.path.basename(meta["corpus"]) if meta.get("corpus") else ""),
             "medians of %d repetition%s" % (reps, "" if reps == 1 else "s")]
    if meta.get("reprint"):
        parts.append("%s @ %s" % (meta["reprint"], meta.get("commit", "?")))
    print(" · ".join(parts))
    one = next((r for r in rows if r["tool"] == "reprint-documents-1t"), None)
    if one and one["mb_s"]:
        print("Per core: reprint documents, 1 thread: %.1f MB/s (median wall %.2f s)." % (one["mb_s"], one["wall"]))
    else:
        print("Per core: reprint documents, 1 thread: no successful run.")
    if meta.get("peers_skipped"):
        print("Peers skipped (could not be imported or unknown): %s." % ", ".join(meta["peers_skipped"]))
    if failed:
        print("Failed runs: %s." % ", ".join(failed))


if __name__ == "__main__":
    main()
