"""reprint.Index: the CLI's index file, add / check / remove / stats."""

from __future__ import annotations

import json

import pytest

import reprint
from conftest import CORPUS, run_cli


def records(docs):
    return [{"id": d["id"], "text": d["text"], **{k: d[k] for k in ("date", "source") if k in d}} for d in docs]


def test_add_check_remove_round_trip(cli, corpus_docs, tmp_path):
    path = tmp_path / "ix" / "index.sqlite"
    docs = records(corpus_docs)
    wire = next(d for d in docs if d["id"].endswith("harbor-bridge-closure.txt"))
    with reprint.Index(path) as ix:
        added = ix.add(docs)
        assert added["documents"] == len(docs)
        assert added["added"] + added["known"] + added["empty"] == len(docs)
        assert ix.stats()["documents"] == added["added"] == added["total"]

        # A copy of an indexed story is a new duplicate finding.
        copy = {"id": "herald-copy", "text": wire["text"] + "\n\nReporting by our staff."}
        report = ix.check([copy])
        assert report["version"] == 1 and report["summary"]["documents_checked"] == 1
        dup = [f for f in report["findings"] if f["kind"] == "duplicate_document"]
        assert dup and dup[0]["doc"] == "herald-copy" and dup[0]["status"] == "new"
        assert ix.stats()["documents"] == added["total"], "check without update adds nothing"

        report = ix.check([copy], update=True)
        assert report["summary"]["added"] == 1
        assert ix.stats()["documents"] == added["total"] + 1
        assert ix.remove(["herald-copy"]) == 1
        assert ix.stats()["documents"] == added["total"]
        assert ix.remove("no-such-id") == 0
    with pytest.raises(ValueError, match="closed"):
        ix.stats()

    # The same file as the CLI's: it reads what Python wrote.
    stats = json.loads(run_cli(cli, "index", "stats", "--index", str(path), "--json"))
    assert stats["documents"] == added["total"]


def test_check_report_equals_cli_check(cli, tmp_path, in_repo):
    path = tmp_path / "index.sqlite"
    run_cli(cli, "index", "add", "corpus/wire", "--index", str(path), ok=(0,))
    want = json.loads(run_cli(cli, "check", "corpus/outlets", "--index", str(path), "--format", "json"))
    got = reprint.Index(path).check("corpus/outlets")
    for r in (want, got):
        r["scan"]["stats"].pop("elapsed_ms")
    assert got == want
    assert any(f["status"] == "new" for f in got["findings"])


def test_parameter_mismatch_is_an_error(corpus_docs, tmp_path):
    path = tmp_path / "index.sqlite"
    reprint.Index(path).add(records(corpus_docs)[:3])
    with pytest.raises(reprint.ReprintError) as e:
        reprint.Index(path, num_perm=64)
    assert "num_perm" in str(e.value) and "128" in str(e.value) and "64" in str(e.value)
    with pytest.raises(reprint.ReprintError):
        reprint.Index(path, shingle_size=5)
    # Options are checked like scan's.
    with pytest.raises(ValueError, match="lock_timeout"):
        reprint.Index(path, lock_timeout=-1)
    with pytest.raises(ValueError, match="seen_before"):
        reprint.Index(path).remove(seen_before="last tuesday")


def test_missing_index_stats_is_an_error(tmp_path):
    with pytest.raises(reprint.ReprintError):
        reprint.Index(tmp_path / "none.sqlite").stats()
