"""reprint.scan: the CLI's JSON report, from records or paths."""

from __future__ import annotations

import json

import pytest

import reprint
from conftest import run_cli, untimed

STORY = (
    "The harbor bridge will close for six weeks of repairs starting Monday, city engineers said, "
    "and ferries will run every twenty minutes until the work is done."
)


def as_records(docs):
    """Records with every metadata field the corpus gives, and a mix of shapes."""
    records = []
    for i, d in enumerate(docs):
        rec = {"id": d["id"], "text": d["text"]}
        for field in ("url", "title", "date", "source"):
            if field in d:
                rec[field] = d[field]
        records.append(rec)
    # An (id, text) pair, a record with a numeric id and one without an id.
    records.append(("pair-copy", docs[0]["text"]))
    records.append({"id": 17, "text": docs[1]["text"] + " Reporting by staff."})
    records.append({"text": docs[2]["text"]})
    return records


def test_scan_of_records_equals_cli_on_the_same_jsonl(cli, corpus_docs, tmp_path):
    records = as_records(corpus_docs)
    records.insert(3, {"id": "no-text"})  # a bad record: counted, not raised
    lines = []
    for r in records:
        r = {"id": r[0], "text": r[1]} if isinstance(r, tuple) else r
        lines.append(json.dumps(r))
    # Records are one input named <records>: a file of that name, read as
    # JSON Lines, is shown (and sorted) the same way.
    (tmp_path / reprint.RECORDS).write_text("\n".join(lines) + "\n")
    args = ["scan", reprint.RECORDS, "--input-format", "jsonl", "--format", "json"]
    want = json.loads(run_cli(cli, *args, cwd=tmp_path, ok=(2,)))

    got = reprint.scan(records)
    assert got["stats"]["skipped_records"] == 1
    assert got["document_clusters"], "the copies should cluster"
    assert untimed(got) == untimed(want)


def test_scan_of_the_corpus_equals_cli(cli, in_repo):
    want = json.loads(run_cli(cli, "scan", "corpus/", "--format", "json"))
    got = reprint.scan("corpus/")
    assert got["version"] == want["version"] == 1
    assert untimed(got) == untimed(want)


def test_options_are_the_cli_flags(cli, in_repo):
    flags = ["--granularity", "documents", "--threshold", "0.7", "--containment", "off", "--num-perm", "64"]
    want = json.loads(run_cli(cli, "scan", "corpus/", "--format", "json", *flags))
    got = reprint.scan(["corpus/"], granularity="documents", threshold=0.7, containment="off", num_perm=64)
    assert untimed(got) == untimed(want)
    assert got["params"]["num_perm"] == 64 and got["paragraph_clusters"] == []


def test_a_set_budget_changes_no_finding(cli, in_repo):
    want = json.loads(run_cli(cli, "scan", "corpus/", "--format", "json", "--set-budget", "1"))
    got = reprint.scan("corpus/", set_budget=1)
    assert untimed(got) == untimed(want) == untimed(reprint.scan("corpus/"))


def test_findings_kept_in_a_temporary_file_change_no_finding(cli, in_repo):
    want = json.loads(run_cli(cli, "scan", "corpus/", "--format", "json", "--findings-budget", "0"))
    got = reprint.scan("corpus/", findings_budget=0)
    assert got["paragraph_clusters"] and got["reuse"]
    assert untimed(got) == untimed(want) == untimed(reprint.scan("corpus/"))


def test_results_do_not_depend_on_threads(in_repo):
    one = untimed(reprint.scan("corpus/", threads=1))
    two = untimed(reprint.scan("corpus/", threads=2))
    assert one["stats"].pop("threads") == 1 and two["stats"].pop("threads") == 2
    assert one == two


def test_a_bad_record_is_an_issue_not_an_exception():
    records = [
        {"id": "a", "text": STORY},
        {"id": "b"},
        {"id": "c", "text": 5},
        {"id": "d", "text": b"bytes are not text"},
        42,
        ("e", STORY + " More at six."),
    ]
    report = reprint.scan(records)
    assert report["stats"]["skipped_records"] == 4
    lines = sorted(i["line"] for i in report["issues"])
    assert lines == [2, 3, 4, 5]
    assert all(i["path"] == reprint.RECORDS for i in report["issues"])
    messages = " ".join(i["message"] for i in report["issues"])
    assert "no `text` field" in messages and "not a string" in messages and "not a JSON object" in messages
    [cluster] = report["document_clusters"]
    assert sorted(m["doc"] for m in cluster["members"]) == ["a", "e"]


@pytest.mark.parametrize(
    "options, names",
    [
        ({"treshold": 0.7}, "treshold"),
        ({"format": "json"}, "format"),
        ({"threshold": 2}, "threshold"),
        ({"threshold": "high"}, "threshold"),
        ({"containment": "lots"}, "containment"),
        ({"containment": 1.5}, "containment"),
        ({"granularity": "pages"}, "granularity"),
        ({"sketch": "minhash"}, "sketch"),
        ({"shingle_size": 0}, "shingle_size"),
        ({"shingle_size": True}, "shingle_size"),
        ({"num_perm": -1}, "num_perm"),
        ({"bands": 4}, "bands"),
        ({"bands": 64, "rows": 4}, "bands"),
        ({"threads": 0}, "threads"),
        ({"max_record_mb": 0}, "max_record_mb"),
        ({"boilerplate_min_docs": 1}, "boilerplate_min_docs"),
        ({"reuse_wholly": 0}, "reuse_wholly"),
        ({"hidden": "yes"}, "hidden"),
        ({"lock_timeout": 5}, "lock_timeout"),
        ({"set_budget": 0}, "set_budget"),
        ({"set_budget": -4}, "set_budget"),
        ({"findings_budget": -1}, "findings_budget"),
    ],
)
def test_invalid_options_raise_value_error_naming_them(options, names):
    with pytest.raises(ValueError) as e:
        reprint.scan([("a", STORY)], **options)
    message = str(e.value)
    assert names in message, message
    assert "--" not in message, f"flags should read as options: {message}"


def test_missing_path_is_file_not_found():
    with pytest.raises(FileNotFoundError):
        reprint.scan(["/definitely/not/here"])


def test_records_and_paths_together(in_repo):
    report = reprint.scan(["corpus/", ("extra", STORY)], granularity="documents")
    paths = {m["path"] for c in report["document_clusters"] for m in c["members"]}
    assert all(p.startswith("corpus/") for p in paths)
    assert report["stats"]["documents"] == reprint.scan("corpus/")["stats"]["documents"] + 1


def test_a_lone_record_must_come_in_a_list():
    with pytest.raises(ValueError, match=r"\[record\]"):
        reprint.scan({"id": "a", "text": STORY})
    assert reprint.scan([{"id": "a", "text": STORY}])["stats"]["documents"] == 1
