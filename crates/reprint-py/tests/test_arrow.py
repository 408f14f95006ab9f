"""reprint.arrow: the kernels give the CLI's band keys, hashes and signatures,
and drive the phases by hand to the scan's clusters."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

import pyarrow as pa
import pytest

import reprint
from reprint.arrow import sign_batch, verify_groups
from conftest import run_cli

U64 = 2**64 - 1


def batch_of(docs, kind=pa.string()):
    return pa.RecordBatch.from_pydict(
        {"id": [d["id"] for d in docs], "text": pa.array([d["text"] for d in docs], kind)}
    )


def test_sign_gives_the_cli_content_hashes_and_candidate_groups(cli, corpus_docs, tmp_path, in_repo):
    # Content hashes: the index the CLI writes keeps each document's.
    path = tmp_path / "cli.sqlite"
    run_cli(cli, "index", "add", "corpus/", "--index", str(path), ok=(0,))
    db = sqlite3.connect(path)
    indexed = {id_: h & U64 for id_, h in db.execute("SELECT id, content_hash FROM docs")}
    db.close()
    assert len(indexed) >= 15

    signed = sign_batch(batch_of(corpus_docs)).to_pydict()
    compared = 0
    for id_, h, sig in zip(signed["id"], signed["content_hash"], signed["signature"]):
        assert len(sig) == 128
        if id_ in indexed:
            assert h == indexed[id_], id_
            compared += 1
    assert compared == len(indexed)

    # Band keys: the documents sharing one are the CLI scan's candidate
    # groups (the index keeps keys in coded runs, not readable with SQL).
    members = defaultdict(list)
    for i, (keys, empty) in enumerate(zip(signed["band_keys"], signed["empty"])):
        if empty:
            continue
        for band, key in enumerate(keys):
            members[(band, key)].append(i)
    groups = {tuple(m) for m in members.values() if len(m) >= 2}
    report = reprint.scan(["corpus/"], granularity="documents")
    cli_report = json.loads(run_cli(cli, "scan", "corpus/", "--granularity", "documents", "--format", "json"))
    assert report["stats"]["candidate_groups"] == cli_report["stats"]["candidate_groups"]
    assert len(groups) == cli_report["stats"]["candidate_groups"] > 0
    assert len({d for g in groups for d in g}) == cli_report["stats"]["candidate_documents"]


def test_string_and_large_string_sign_alike(corpus_docs):
    small = sign_batch(batch_of(corpus_docs, pa.string()))
    large = sign_batch(batch_of(corpus_docs, pa.large_string()))
    assert small.equals(large)
    assert small.schema.field("band_keys").type == pa.list_(pa.uint64())
    assert small.schema.field("signature").type == pa.list_(pa.uint32(), 128)


def test_pure_functions_of_texts_and_seed(corpus_docs):
    batch = batch_of(corpus_docs)
    assert sign_batch(batch, threads=1).equals(sign_batch(batch, threads=2))
    # A slice signs its rows as the whole batch does (Arrow offsets honoured).
    assert sign_batch(batch.slice(3, 5)).equals(sign_batch(batch).slice(3, 5))
    other = sign_batch(batch, seed=7).column("band_keys").to_pylist()
    assert other != sign_batch(batch).column("band_keys").to_pylist()


def test_kernels_driven_by_hand_give_the_scan_clusters(corpus_docs, in_repo):
    batch = batch_of(corpus_docs)
    signed = sign_batch(batch)
    buckets = defaultdict(list)
    for row, keys in enumerate(signed.column("band_keys").to_pylist()):
        for band, key in enumerate(keys):
            buckets[(band, key)].append(row)
    groups = sorted({tuple(rows) for rows in buckets.values() if len(rows) > 1})
    edges = verify_groups(batch, groups).to_pydict()
    assert all(a < b for a, b in zip(edges["a"], edges["b"]))

    parent = list(range(batch.num_rows))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(edges["a"], edges["b"]):
        parent[find(a)] = find(b)
    clusters = defaultdict(set)
    for row in range(batch.num_rows):
        clusters[find(row)].add(batch.column("id")[row].as_py())
    by_hand = sorted(sorted(c) for c in clusters.values() if len(c) > 1)

    report = reprint.scan("corpus/", granularity="documents")
    scanned = sorted(sorted(m["doc"] for m in c["members"]) for c in report["document_clusters"])
    assert by_hand == scanned and scanned

    # The scores are the scan's: each member's Jaccard with its representative.
    kernel = {frozenset(p): j for *p, j in zip(edges["a_id"], edges["b_id"], edges["jaccard"])}
    checked = 0
    for c in report["document_clusters"]:
        for m in c["members"]:
            pair = frozenset((c["representative"], m["doc"]))
            if m["doc"] != c["representative"] and pair in kernel:
                assert kernel[pair] == pytest.approx(m["jaccard"], abs=1e-3)
                checked += 1
    assert checked > 0


def test_nulls_and_bad_inputs():
    batch = pa.RecordBatch.from_pydict({"id": ["a", "b"], "text": pa.array([None, "some words here"], pa.string())})
    signed = sign_batch(batch).to_pydict()
    assert signed["empty"] == [True, False] and signed["band_keys"][0] == []
    with pytest.raises(ValueError, match="string or large_string"):
        sign_batch(pa.RecordBatch.from_pydict({"text": pa.array([1, 2])}))
    with pytest.raises(ValueError, match="no `body` column"):
        sign_batch(batch, text="body")
    with pytest.raises(ValueError, match="row 5"):
        verify_groups(batch, [[0, 5]])
    with pytest.raises(ValueError, match="same_source"):
        sign_batch(batch, same_source="skip")
    assert verify_groups(batch, []).num_rows == 0


def test_verify_groups_keeps_pairs_apart_as_the_scan_does():
    text = "the harbor bridge will close for six weeks of repairs starting monday city engineers said"
    batch = pa.RecordBatch.from_pydict(
        {
            "id": ["a", "b", "c"],
            "text": [text, text, text],
            "source": ["Wire", "Wire", "Herald"],
            "date": ["2024-06-01T00:00:00Z", "2024-06-02T00:00:00Z", "2024-06-20T00:00:00Z"],
        }
    )
    pairs = lambda r: list(zip(r.column("a").to_pylist(), r.column("b").to_pylist()))  # noqa: E731
    assert pairs(verify_groups(batch, [[0, 1, 2]])) == [(0, 1), (0, 2)]
    # a and b share a source; c is 18 days after b and 19 after a.
    assert pairs(verify_groups(batch, [[0, 1, 2]], same_source="skip")) == [(0, 2), (1, 2)]
    assert pairs(verify_groups(batch, [[0, 1, 2]], window=3)) == [(0, 1)]
    assert pairs(verify_groups(batch, [[0, 1, 2]], same_source="skip", window=3)) == []
    with pytest.raises(ValueError, match="`source` column"):
        verify_groups(batch.select(["id", "text", "date"]), [[0, 1, 2]], same_source="skip")
