"""reprint.spark in local mode: the document clusters of `reprint scan
--granularity documents`, whatever the partitions, input splits and
component algorithm, with texts kept off the driver
(`spark.driver.maxResultSize` is 1 MiB for every job here)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if os.environ.get("REPRINT_REQUIRE_SPARK"):
    import pyspark  # noqa: F401  (scripts/test.sh installs it: a failure, never a skip)
else:
    pytest.importorskip("pyspark", reason="pip install '.[spark]' to run the Spark tests")

import reprint.spark as rs  # noqa: E402
from reprint.spark.components import star_components  # noqa: E402

from conftest import REPO, run_cli  # noqa: E402
from synthetic import write  # noqa: E402

#: What both reports must agree on (the rest measures the run: time, threads).
SAME_STATS = (
    "documents", "empty_documents", "skipped_records", "warnings", "bytes", "candidate_groups",
    "candidate_documents", "compared_pairs", "verified_pairs", "clusters", "documents_in_clusters",
)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("reprint-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.maxResultSize", "1m")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """10,000 generated records: a JSON Lines file, a gzipped one and a
    zstd-compressed one, in a directory."""
    import pyarrow as pa

    d = tmp_path_factory.mktemp("synthetic")
    whole = write(d / "all.jsonl", 10_000)
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    corpus = d / "corpus"
    corpus.mkdir()
    cut1, cut2 = len(lines) * 2 // 5, len(lines) * 7 // 10
    (corpus / "a.jsonl").write_text("".join(lines[:cut1]), encoding="utf-8")
    with gzip.open(corpus / "b.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("".join(lines[cut1:cut2]))
    with pa.CompressedOutputStream(str(corpus / "c.jsonl.zst"), "zstd") as f:
        f.write("".join(lines[cut2:]).encode("utf-8"))
    whole.unlink()
    return corpus


def cli_report(cli: Path, *args: str) -> dict:
    # Exit 2: some records were skipped (the generated corpus has a few).
    return json.loads(run_cli(cli, "scan", *args, "--granularity", "documents", "--format", "json", ok=(0, 1, 2)))


def assert_same(spark_report: dict, cli: dict) -> None:
    assert spark_report["params"] == cli["params"]
    assert spark_report["version"] == cli["version"]
    for key in SAME_STATS:
        assert spark_report["stats"][key] == cli["stats"][key], key
    assert spark_report["issues"] == cli["issues"]
    assert spark_report["document_clusters"] == cli["document_clusters"]


def test_the_command_reproduces_the_sample_corpus(cli, tmp_path):
    records = tmp_path / "corpus.jsonl"
    records.write_text(run_cli(cli, "extract", "corpus/", "--format", "jsonl"), encoding="utf-8")
    out = tmp_path / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable,
               PYSPARK_SUBMIT_ARGS="--conf spark.driver.maxResultSize=1m --conf spark.ui.enabled=false pyspark-shell")
    done = subprocess.run(
        [sys.executable, "-m", "reprint.spark", "scan", str(records), "--output", str(out),
         "--master", "local[2]", "--partitions", "2"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    # The same file through the CLI: the very same clusters, paths and lines included.
    assert_same(report, cli_report(cli, str(records)))
    # And the corpus directory itself: the same documents in the same clusters.
    direct = cli_report(cli, "corpus/")
    members = lambda r: [[m["doc"] for m in c["members"]] for c in r["document_clusters"]]  # noqa: E731
    assert members(report) == members(direct) and len(members(direct)) >= 3
    assert json.loads(done.stdout)["stats"]["clusters"] == direct["stats"]["clusters"]
    for table in ("documents", "edges", "members", "clusters", "issues"):
        assert any((out / table).glob("*.parquet")), table


def test_one_partition_gives_the_clis_clusters(spark, cli, synthetic, tmp_path):
    result = rs.scan(spark, [str(synthetic)], str(tmp_path / "out"), partitions=1)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    expected = cli_report(cli, str(synthetic))
    assert_same(report, expected)
    # Stars were needed: the chain's candidate groups pass 32 members.
    assert max(c["size"] for c in expected["document_clusters"]) > 32
    assert result.stats["skipped_records"] > 0 and result.stats["empty_documents"] > 0
    # The tables say what the report says.
    members = result.members.orderBy("cluster", "ordinal").collect()
    by_cluster = {}
    for m in members:
        by_cluster.setdefault(m["cluster"], set()).add(m["id"])
    assert [by_cluster[c["id"]] for c in expected["document_clusters"]] == [
        {m["doc"] for m in c["members"]} for c in expected["document_clusters"]
    ]
    assert result.edges.count() == expected["stats"]["verified_pairs"]


def test_many_splits_partitions_and_distributed_components_change_nothing(
    spark, cli, synthetic, tmp_path, monkeypatch
):
    # Every candidate component counts as heavy: groups are verified one by one.
    monkeypatch.setattr(rs, "VERIFY_COMPONENT_BYTES", 0)
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(1 << 20))
    try:
        assert spark.read.text(str(synthetic / "a.jsonl")).rdd.getNumPartitions() > 4
        result = rs.scan(spark, [str(synthetic)], str(tmp_path / "out"), partitions=4, local_edges=0)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert_same(report, cli_report(cli, str(synthetic)))
    assert report == result.report() | {"stats": report["stats"]}


def test_same_source_and_window_keep_the_clis_pairs_apart(spark, cli, synthetic, tmp_path):
    rs.scan(spark, [str(synthetic)], str(tmp_path / "out"), partitions=2, same_source="skip", window=3)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    want = cli_report(cli, str(synthetic), "--same-source", "skip", "--window", "3")
    assert_same(report, want)
    # The filters changed something: the chain falls apart.
    assert want["stats"]["verified_pairs"] < cli_report(cli, str(synthetic))["stats"]["verified_pairs"]


def records_of(path: Path) -> list:
    """The records of a JSON Lines file as rows (ids as the CLI names them)."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        rows.append({"id": record.get("id", f"{path}:{n}"), "text": record["text"], "date": record.get("date"),
                     "source": record.get("source")})
    return rows


def placeless(report: dict) -> list:
    clusters = report["document_clusters"]
    for c in clusters:
        for m in c["members"]:
            m.pop("path"), m.pop("line")
    return clusters


def test_a_dataframe_is_read_as_records_in_row_order(spark, cli, synthetic):
    path = synthetic / "a.jsonl"
    rows = records_of(path)
    df = spark.createDataFrame(rows, "id string, text string, date string, source string").repartition(3)
    # In the rows' order: sorted by id, as the file is (ids without one aside).
    df = df.orderBy("id")
    rows.sort(key=lambda r: r["id"])
    result = rs.scan(spark, df, partitions=2)
    got = result.report()
    sorted_file = path.parent.parent / "sorted.jsonl"
    sorted_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert placeless(got) == placeless(cli_report(cli, str(sorted_file)))
    assert {r["path"] for r in result.documents.select("path").distinct().collect()} == {"<dataframe>"}


def test_parquet_rows_are_read_as_records(spark, cli, synthetic, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # The JSON Lines records as Parquet rows (ids as the CLI names them).
    path = synthetic / "a.jsonl"
    rows = records_of(path)
    table = pa.Table.from_pylist(rows)
    pq.write_table(table.slice(0, 3000), tmp_path / "part-0.parquet", row_group_size=500)
    pq.write_table(table.slice(3000), tmp_path / "part-1.parquet", row_group_size=500)
    result = rs.scan(spark, [str(tmp_path)], partitions=2)
    got = result.report()
    want = cli_report(cli, str(path))
    assert placeless(got) == placeless(want)
    assert got["stats"]["documents"] == len(rows)
    lines = {r["id"]: (r["path"], r["line"]) for r in result.documents.collect()}
    assert lines[rows[3001]["id"]] == ("{}/part-1.parquet".format(tmp_path), 2)


def test_a_corpus_without_documents_gives_an_empty_report(spark, cli, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('\n  \n{"id": 1}\n{"text": "..."}\nnot json\n', encoding="utf-8")
    rs.scan(spark, [str(path)], str(tmp_path / "out"), partitions=1)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert_same(report, cli_report(cli, str(path)))
    assert report["document_clusters"] == [] and report["stats"]["skipped_records"] == 2


def test_bad_records_are_the_clis_issues(spark, cli, tmp_path):
    text = "Ferry crews on Linnet Sound began a strike over rosters on Monday, the union said. " * 8
    lines = [
        json.dumps({"id": "a", "text": text}).encode(),
        json.dumps({"id": 7, "text": text + "More later."}).encode() + b"\r",  # CRLF, a numeric id
        b'{"id": "latin1", "text": "caf\xe9 ' + text.encode() + b'"}',  # invalid UTF-8
        json.dumps({"id": "big", "text": "word " * 300_000}).encode(),  # over --max-record-mb 1
        b"[1, 2, 3]",
        json.dumps({"id": "no-text", "body": text}).encode(),
        json.dumps({"id": "dated", "text": text, "date": "sometime in May"}).encode(),
        json.dumps({"text": text, "source": "Wire"}).encode(),  # no id: PATH:LINE
        b"   ",
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    rs.scan(spark, [str(path)], str(tmp_path / "out"), partitions=2, max_record_mb=1)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    want = cli_report(cli, str(path), "--max-record-mb", "1")
    assert_same(report, want)
    kinds = {(i["line"], i["kind"]) for i in want["issues"]}
    assert {(3, "warning"), (4, "skipped"), (5, "skipped"), (6, "skipped"), (7, "warning")} <= kinds
    assert want["document_clusters"] and want["stats"]["skipped_records"] == 3


def test_star_components_match_union_find(spark):
    import random

    rng = random.Random(3)
    edges = [(rng.randrange(400), rng.randrange(400)) for _ in range(300)]
    edges += [(i, i + 1) for i in range(1000, 1100)]  # a long path
    edges += [(2000 + i, 2000 + (i + 1) % 50) for i in range(50)]  # a cycle
    df = spark.createDataFrame(edges, "a long, b long")
    got = {r["ordinal"]: r["component"] for r in star_components(spark, df).collect()}
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    want = {x: min(y for y in parent if find(y) == find(x)) for x in parent if any(x in e for e in edges)}
    want = {x: c for x, c in want.items() if any(x in e and e[0] != e[1] for e in edges)}
    assert got == want


@pytest.mark.parametrize(
    "options, message",
    [
        ({"granularity": "all"}, "not distributed yet"),
        ({"window": -1}, "window"),
        ({"threshold": 1.5}, "threshold"),
        ({"wobble": 1}, "no option `wobble`"),
        ({"text_field": 3}, "text_field"),
    ],
)
def test_bad_options_raise_before_any_job(spark, tmp_path, options, message):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "one two three"}\n')
    with pytest.raises(ValueError, match=message):
        rs.scan(spark, [str(path)], **options)


def test_inputs_are_named_clearly(spark, tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        rs.scan(spark, [str(tmp_path / "missing.jsonl")])
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match="input_format"):
        rs.scan(spark, [str(tmp_path / "notes.txt")])
    shutil.rmtree(tmp_path)
