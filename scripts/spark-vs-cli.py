#!/usr/bin/env python3
"""Check that reprint.spark reproduces `reprint scan --granularity documents`
on real corpora: for each JSON Lines corpus, at the defaults and at the
peers' job (5-word shingles, Jaccard 0.8, no containment), run the Spark
job in local mode (2 slots, 4 partitions, spark.driver.maxResultSize=1m)
and the CLI, and compare report.json's document clusters, issues and
counts with the CLI's JSON report. Exits 1 on any difference.

    target/pyvenv/bin/python scripts/spark-vs-cli.py ../shared/corpora/reuters21578/reuters21578.jsonl \\
        ../shared/corpora/meter/meter.jsonl

Needs the `spark` extra and a Java 17+ runtime; REPRINT names the CLI
(default target/release/reprint).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETTINGS = {
    "defaults": ({}, []),
    "peers' job": (
        {"shingle_size": 5, "threshold": 0.8, "containment": None},
        ["--shingle-size", "5", "--threshold", "0.8", "--containment", "off"],
    ),
}
COUNTS = ("documents", "empty_documents", "skipped_records", "warnings", "candidate_groups",
          "candidate_documents", "compared_pairs", "verified_pairs", "clusters", "documents_in_clusters")


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    import reprint.spark as rs

    cli = os.environ.get("REPRINT", str(REPO / "target" / "release" / "reprint"))
    spark = (SparkSession.builder.master("local[2]").appName("reprint-check")
             .config("spark.ui.enabled", "false").config("spark.driver.maxResultSize", "1m")
             .config("spark.driver.memory", "2g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in sys.argv[1:]:
            for name, (options, flags) in SETTINGS.items():
                out = os.path.join(tmp, "out")
                started = time.perf_counter()
                rs.scan(spark, [corpus], out, partitions=4, **options)
                took = time.perf_counter() - started
                got = json.loads(Path(out, "report.json").read_text(encoding="utf-8"))
                done = subprocess.run([cli, "scan", corpus, "--granularity", "documents", "--format", "json", *flags],
                                      capture_output=True, text=True)
                want = json.loads(done.stdout)
                same = {
                    "clusters": got["document_clusters"] == want["document_clusters"],
                    "issues": got["issues"] == want["issues"],
                    "counts": all(got["stats"][k] == want["stats"][k] for k in COUNTS),
                    "params": got["params"] == want["params"],
                }
                failed |= not all(same.values())
                print(f"{Path(corpus).name}, {name}: {got['stats']['documents']} documents, "
                      f"{got['stats']['clusters']} clusters, {got['stats']['verified_pairs']} verified pairs, "
                      f"{len(got['issues'])} issues; same as the CLI: "
                      + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items())
                      + f" ({took:.1f} s)")
    spark.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
