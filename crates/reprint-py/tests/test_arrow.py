"""reprint.arrow: the kernels give the CLI's band keys, hashes and signatures,
and drive the phases by hand to the scan's clusters."""

from __future__ import annotations

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


def test_sign_gives_the_cli_index_keys_hashes_and_signatures(cli, corpus_docs, tmp_path, in_repo):
    path = tmp_path / "cli.sqlite"
    run_cli(cli, "index", "add", "corpus/", "--index", str(path), ok=(0,))
    db = sqlite3.connect(path)
    indexed = {}
    for rowid, id_, content_hash, signature in db.execute("SELECT rowid, id, content_hash, signature FROM docs"):
        # Keys are stored as signed 32-bit integers.
        keys = {k & 0xFFFFFFFF for (k,) in db.execute("SELECT key FROM doc_keys WHERE doc = ?", (rowid,))}
        indexed[id_] = (content_hash & U64, signature, keys)
    db.close()
    assert len(indexed) >= 15

    signed = sign_batch(batch_of(corpus_docs)).to_pydict()
    compared = 0
    for id_, h, keys, sig in zip(signed["id"], signed["content_hash"], signed["band_keys"], signed["signature"]):
        if id_ not in indexed:
            continue
        want_hash, want_sig, want_keys = indexed[id_]
        assert h == want_hash, id_
        assert b"".join(v.to_bytes(4, "little") for v in sig) == want_sig, id_
        # The index keeps the high 32 bits of each 64-bit band key.
        assert {k >> 32 for k in keys} == want_keys, id_
        compared += 1
    assert compared == len(indexed)


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
