#!/usr/bin/env python3
"""Benchmark reprint.spark in local mode: wall time per stage on 1 and 2
cores (or --cores), and the CLI's `reprint scan --granularity documents`
on the same corpus for scale; checks that every run found the CLI's
clusters.

    target/pyvenv/bin/python scripts/bench-spark.py CORPUS.jsonl [--cores 1,2] [--out DIR]

CORPUS defaults to 100,000 generated records (crates/reprint-py/tests/
synthetic.py, written to --out). Each configuration runs in its own
process (a fresh JVM with `local[N]`, spark.driver.memory 4g, N × 4
shuffle partitions). Prints one JSON line per run and a Markdown table.
Needs the `spark` extra in the interpreter that runs it and a Java 17+
runtime; set REPRINT to the CLI binary (default target/release/reprint).
--local-edges 0 times the distributed (large-star/small-star) components.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time, urllib.request
from pyspark.sql import SparkSession
cores, corpus, out, local_edges = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
t0 = time.perf_counter()
spark = (SparkSession.builder.master(f"local[{cores}]").appName("reprint-bench")
         .config("spark.ui.enabled", "true").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "4g").config("spark.driver.maxResultSize", "1m")
         .config("spark.sql.shuffle.partitions", str(4 * cores)).getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
started = time.perf_counter()
import reprint.spark as rs
result = rs.scan(spark, [corpus], out, partitions=4 * cores, local_edges=local_edges)
done = time.perf_counter()
# What the shuffles wrote, from the application's own metrics (Spark's REST API).
sc = spark.sparkContext
url = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}/stages?status=complete"
stages = json.load(urllib.request.urlopen(url))
shuffle = sum(s.get("shuffleWriteBytes", 0) for s in stages)
read = sum(s.get("inputBytes", 0) for s in stages)
print(json.dumps({"cores": cores, "startup_s": round(started - t0, 2), "scan_s": round(done - started, 2),
                  "shuffle_write_bytes": shuffle, "input_bytes": read,
                  "timings": result.timings, "volumes": result.volumes, "stats": result.stats}))
spark.stop()
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", help="JSON Lines corpus (default: 100k generated records)")
    ap.add_argument("--cores", default="1,2", help="comma-separated local[N] settings (default 1,2)")
    ap.add_argument("--out", default="target/bench-spark", help="work directory (default target/bench-spark)")
    ap.add_argument("--local-edges", type=int, default=None,
                    help="reprint.spark's local_edges (0: the distributed components; default its default)")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    corpus = Path(args.corpus).resolve() if args.corpus else None
    if corpus is None:
        corpus = out / "synthetic-100k.jsonl"
        if not corpus.exists():
            sys.path.insert(0, str(REPO / "crates" / "reprint-py" / "tests"))
            from synthetic import write

            write(corpus, 100_000)
    cli = os.environ.get("REPRINT", str(REPO / "target" / "release" / "reprint"))
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)

    started = time.perf_counter()
    done = subprocess.run([cli, "scan", str(corpus), "--granularity", "documents", "--format", "json"],
                          capture_output=True, text=True)
    cli_s = time.perf_counter() - started
    if done.returncode not in (0, 1, 2):
        print(done.stderr, file=sys.stderr)
        return 1
    want = json.loads(done.stdout)
    print(json.dumps({"cli_s": round(cli_s, 2), "stats": want["stats"]}))

    rows = []
    for cores in [int(c) for c in args.cores.split(",")]:
        target = out / f"spark-local{cores}"
        shutil.rmtree(target, ignore_errors=True)
        import reprint.spark

        local_edges = reprint.spark.DEFAULT_LOCAL_EDGES if args.local_edges is None else args.local_edges
        run = subprocess.run([sys.executable, "-c", CHILD, str(cores), str(corpus), str(target), str(local_edges)],
                             capture_output=True, text=True, env=env)
        if run.returncode != 0:
            print(run.stderr[-4000:], file=sys.stderr)
            return 1
        line = [ln for ln in run.stdout.splitlines() if ln.startswith("{")][-1]
        print(line)
        got = json.loads(line)
        report = json.loads((target / "report.json").read_text(encoding="utf-8"))
        same = report["document_clusters"] == want["document_clusters"]
        got["same_clusters_as_cli"] = same
        rows.append(got)
        if not same:
            print(f"local[{cores}]: clusters differ from the CLI's", file=sys.stderr)
            return 1

    stages = list(rows[0]["timings"])
    print()
    print(f"corpus: {corpus.name}, {want['stats']['documents']} documents, "
          f"{want['stats']['bytes'] / 1e6:.0f} MB of text; CLI `reprint scan --granularity documents`: {cli_s:.2f} s")
    print()
    print("| stage | " + " | ".join(f"local[{r['cores']}]" for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for s in stages:
        print(f"| {s} | " + " | ".join(f"{r['timings'].get(s, 0):.1f} s" for r in rows) + " |")
    print("| **scan** | " + " | ".join(f"**{r['scan_s']:.1f} s**" for r in rows) + " |")
    print("| JVM start | " + " | ".join(f"{r['startup_s']:.1f} s" for r in rows) + " |")
    v = rows[0]["volumes"]
    print()
    print(f"shuffle volumes: {v['band_key_rows']} band-key rows, {v['candidate_rows']} group member rows, "
          f"{v['candidate_text_bytes'] / 1e6:.0f} MB of text brought to the verify tasks; "
          "shuffle files written (Spark's metrics): "
          + ", ".join(f"local[{r['cores']}] {r['shuffle_write_bytes'] / 1e6:.0f} MB" for r in rows)
          + "; "
          f"same clusters as the CLI: {all(r['same_clusters_as_cli'] for r in rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
