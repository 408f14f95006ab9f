"""reprint.explain and reprint.extract: the CLI's JSON."""

from __future__ import annotations

import json
import warnings

import pytest

import reprint
from conftest import run_cli

WIRE = "corpus/wire/harbor-bridge-closure.txt"
HERALD = "corpus/outlets/valley-herald-bridge.txt"


def test_explain_two_files_equals_cli(cli, in_repo):
    want = json.loads(run_cli(cli, "explain", WIRE, HERALD, "--format", "json"))
    got = reprint.explain(WIRE, HERALD)
    assert got == want and got["duplicate"] is True


def test_explain_records_and_ids(corpus_docs, in_repo):
    by_id = {d["id"]: d for d in corpus_docs}
    files = reprint.explain(WIRE, HERALD, threshold=0.9, containment="off")
    records = reprint.explain(
        {"id": "w", "text": by_id[WIRE]["text"]}, ("h", by_id[HERALD]["text"]), threshold=0.9, containment="off"
    )
    assert records["jaccard"] == files["jaccard"] and records["duplicate"] is False
    assert (records["a"]["doc"], records["b"]["doc"]) == ("w", "h")
    with pytest.raises(ValueError, match="text"):
        reprint.explain({"id": "w"}, ("h", "some text"))


def test_explain_by_id_in_a_corpus_equals_cli(cli, tmp_path, corpus_docs):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in corpus_docs))
    want = json.loads(run_cli(cli, "explain", "--corpus", str(path), WIRE, HERALD, "--format", "json"))
    assert reprint.explain(WIRE, HERALD, corpus=path) == want
    with pytest.raises(ValueError, match="no document has id"):
        reprint.explain(WIRE, "nope", corpus=path)


def test_extract_equals_cli_jsonl(cli, in_repo):
    want = [json.loads(line) for line in run_cli(cli, "extract", "corpus/", "--format", "jsonl").splitlines()]
    got = reprint.extract("corpus/")
    assert got == want and len(got) > 20


def test_extract_warns_on_a_skipped_record(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "a", "text": "words here"}\n{"id": "b"}\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        docs = reprint.extract(path)
    assert [d["id"] for d in docs] == ["a"]
    assert len(caught) == 1 and issubclass(caught[0].category, reprint.ReprintWarning)
    assert "a.jsonl:2" in str(caught[0].message)
    with pytest.raises(ValueError, match="records"):
        reprint.extract([("a", "text")])
