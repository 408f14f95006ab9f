"""``python -m reprint.spark scan INPUT... --output DIR``: the document
clusters of a corpus on Spark (local mode with ``--master local[N]``, or
under ``spark-submit``, which sets the master)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import List, Optional

from reprint.spark import DEFAULT_LOCAL_EDGES


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m reprint.spark",
        description="Find clusters of near-duplicate documents with Apache Spark: the clusters of "
        "`reprint scan --granularity documents`, with Parquet tables and report.json as output.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scan", help="scan JSON Lines or Parquet inputs and write the clusters to --output")
    s.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSON Lines files (.jsonl, .ndjson, optionally .gz or .zst), Parquet files (.parquet) with "
                   "id/text columns, directories of them, or URIs (s3://, gs://, hdfs://)")
    s.add_argument("--output", required=True, metavar="DIR",
                   help="where to write documents/, edges/, members/, clusters/, issues/ (Parquet) and report.json")
    s.add_argument("--master", metavar="URL",
                   help="Spark master, such as local[4]; default: spark-submit's, else local[*]")
    s.add_argument("--partitions", type=int, metavar="N",
                   help="partitions of the documents and of every shuffle (default: Spark's)")
    s.add_argument("--local-edges", type=int, default=DEFAULT_LOCAL_EDGES, metavar="N",
                   help="cluster up to N verified pairs in one task (union-find); beyond, large-star/small-star "
                   f"rounds (default {DEFAULT_LOCAL_EDGES})")
    s.add_argument("--no-report", action="store_true", help="write the Parquet tables only, no report.json")
    s.add_argument("--threads", type=int, metavar="N", help="threads per task (default spark.task.cpus)")
    m = s.add_argument_group("matching (the CLI's flags, same defaults)")
    m.add_argument("--threshold", type=float)
    m.add_argument("--containment", help="containment threshold, or `off`")
    m.add_argument("--shingle-size", type=int)
    m.add_argument("--num-perm", type=int)
    m.add_argument("--seed", type=int)
    m.add_argument("--sketch", choices=["one-permutation", "permutations"])
    m.add_argument("--bands", type=int)
    m.add_argument("--rows", type=int)
    m.add_argument("--same-source", choices=["match", "skip"],
                   help="skip: never match two documents of one source (outlet)")
    m.add_argument("--window", type=int, metavar="DAYS",
                   help="never match two dated documents published more than DAYS apart")
    i = s.add_argument_group("input (the CLI's flags, same defaults)")
    for name in ("text", "id", "url", "title", "date", "source"):
        i.add_argument(f"--{name}-field", metavar="FIELD")
    i.add_argument("--max-record-mb", type=int)
    i.add_argument("--input-format", choices=["jsonl", "parquet"],
                   help="read every input as JSON Lines or as Parquet, whatever its name")
    i.add_argument("--hidden", action="store_true", help="walk into hidden files and directories")
    return p


OPTIONS = ("threshold", "containment", "shingle_size", "num_perm", "seed", "sketch", "bands", "rows",
           "same_source", "window",
           "text_field", "id_field", "url_field", "title_field", "date_field", "source_field",
           "max_record_mb", "input_format")


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    options = {k: getattr(args, k) for k in OPTIONS if getattr(args, k) is not None}
    if options.get("containment") == "off":
        options["containment"] = None
    elif "containment" in options:
        try:
            options["containment"] = float(options["containment"])
        except ValueError:
            print(f"error: --containment takes a number or `off`, not {options['containment']!r}", file=sys.stderr)
            return 2
    if args.hidden:
        options["hidden"] = True

    from pyspark.sql import SparkSession

    from reprint.spark import scan

    builder = SparkSession.builder.appName("reprint")
    if args.master:
        builder = builder.master(args.master)
    try:
        spark = builder.getOrCreate()
    except Exception as e:  # pyspark raises its own types, by version
        print(
            f"error: Spark did not start ({str(e).splitlines()[0] if str(e) else type(e).__name__}); "
            "it needs a Java 17+ runtime on PATH or in JAVA_HOME (java -version), and a valid --master",
            file=sys.stderr,
        )
        return 2
    started = time.time()
    try:
        result = scan(
            spark,
            args.inputs,
            args.output,
            partitions=args.partitions,
            local_edges=args.local_edges,
            report=not args.no_report,
            threads=args.threads,
            **options,
        )
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        spark.stop()
        return 2
    stats = result.stats
    print(
        f"{stats['documents']} documents, {stats['candidate_groups']} candidate groups, "
        f"{stats['compared_pairs']} pairs compared, {stats['verified_pairs']} verified, "
        f"{stats['clusters']} clusters of {stats['documents_in_clusters']} documents "
        f"in {time.time() - started:.1f} s; written to {args.output}",
        file=sys.stderr,
    )
    if stats["skipped_records"] or stats["warnings"]:
        print(
            f"{stats['skipped_records']} records skipped, {stats['warnings']} warnings: "
            f"see {args.output.rstrip('/')}/issues",
            file=sys.stderr,
        )
    json.dump({"stats": stats}, sys.stdout)
    print()
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
