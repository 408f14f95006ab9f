"""reprint on Apache Spark: document clusters of a corpus too big for one machine.

The job runs the scan's document matching as Spark stages, with the
engine's own kernels on the executors (``mapInArrow``), so the verified
pairs and the clusters are those of ``reprint scan --granularity documents``
on the same input:

1. **read** — JSON Lines files (``.jsonl``/``.ndjson``, optionally ``.gz`` or ``.zst``)
   are read as lines; a first pass counts the lines of every input split so
   each record knows its line, and the engine's JSON Lines reader
   (``--text-field``, ``--id-field``, ...) turns lines into documents, with
   the CLI's ids (``PATH:LINE`` for a record without one) and issues.
   Parquet files with ``id``/``text`` columns are read as rows.
2. **sign** — every document's band keys and content hash (the Rust
   kernels, each task's thread pool capped to ``spark.task.cpus``).
3. **bucket** — group by (band, key), keep groups of two or more, and drop
   repeated member lists.
4. **verify** — join texts back for candidate documents only, each once to
   the task of its candidate component (groups that share members), and
   verify each group exactly with the CLI's rule and group strategy (all
   pairs up to 32 members, stars beyond).
5. **cluster** — connected components of the verified pairs: union-find in
   one task up to ``local_edges`` pairs, large-star/small-star rounds with
   checkpoints beyond.
6. **output** — Parquet tables ``documents``, ``edges``, ``members`` and
   ``clusters``, ``issues``, and ``report.json`` in the CLI's JSON schema
   (document clusters only: paragraphs, doubled documents and reuse are
   not distributed yet).

Texts and signatures never go to the driver: it collects counts and the
split table (one row per input split); report.json is written by one task.

    from pyspark.sql import SparkSession
    import reprint.spark

    spark = SparkSession.builder.getOrCreate()
    result = reprint.spark.scan(spark, ["crawl/*.jsonl.gz"], output="out/")
    print(result.stats["clusters"])

``python -m reprint.spark scan INPUT... --output DIR`` runs the same job
from the command line (``--help`` lists the options).
"""

from __future__ import annotations

import json
import os
import posixpath
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

try:
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import functions as F
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(
        "reprint.spark needs pyspark, pyarrow and pandas: pip install 'reprint[spark]'"
    ) from e

from reprint import _reprint

from .components import join, star_components

__all__ = ["scan", "ScanResult", "DEFAULT_LOCAL_EDGES"]

#: Up to this many verified pairs, components are found by union-find in
#: one task (16 bytes a pair: 80 MB at the default); beyond it, by
#: large-star/small-star rounds over the cluster.
DEFAULT_LOCAL_EDGES = 5_000_000

#: Text bytes verified per kernel call in a verify task (a group or a
#: candidate component larger than this is verified alone).
VERIFY_BATCH_BYTES = 64 << 20

#: Candidate components whose texts weigh at most this are verified in one
#: task each, every text brought once; heavier ones a group at a time.
VERIFY_COMPONENT_BYTES = 256 << 20

JSONL_EXTS = ("jsonl", "ndjson")
COMPRESSED = ("gz", "zst")

#: The kernels' option names (the CLI's long flags, with underscores).
SIGNING = ("shingle_size", "num_perm", "seed", "sketch", "threshold", "containment", "bands", "rows",
           "same_source", "window")
RECORD = ("text_field", "id_field", "url_field", "title_field", "date_field", "source_field", "max_record_mb")
#: Which pairs may match (verification only).
PAIRS = ("same_source", "window")
#: Options of what the Spark job does not distribute yet.
NOT_YET = ("granularity", "no_reuse", "min_paragraph_words", "boilerplate_min_docs", "paragraph_shingle_size",
           "paragraph_num_perm", "reuse_min_coverage", "reuse_wholly", "reuse_max_df")

Input = Union[str, "os.PathLike[str]"]


@dataclass
class ScanResult:
    """What :func:`scan` found: Spark DataFrames and the report's counts."""

    #: ``ordinal`` (position in the input), ``id``, ``path``, ``line``, ``url``,
    #: ``title``, ``date``, ``source``, ``empty``, ``content_hash`` (the
    #: CLI's, as a signed 64-bit integer: equal for texts that differ only
    #: in case, punctuation and spacing): every document read.
    documents: DataFrame
    #: ``a``, ``b`` (ordinals, ``a < b``), ``a_id``, ``b_id``, ``jaccard``,
    #: ``containment``: the verified pairs.
    edges: DataFrame
    #: ``cluster`` (report number), ``ordinal``, ``id``, ``path``, ``line``.
    members: DataFrame
    #: ``cluster``, ``size``, ``representative``, ``json`` (the cluster as
    #: report.json writes it).
    clusters: DataFrame
    #: ``path``, ``line``, ``kind``, ``message``: every input problem.
    issues: DataFrame
    #: The report's ``stats`` (counts of every stage).
    stats: Dict[str, int]
    #: The report's ``version``, ``tool`` and ``params``.
    head: Dict[str, Any]
    #: Wall seconds per stage, in order (each ends with the action that
    #: materializes it).
    timings: Dict[str, float] = field(default_factory=dict)
    #: What the shuffles carry: ``band_key_rows`` (one per document and
    #: band), ``candidate_rows`` (members of candidate groups, summed over
    #: the groups) and ``candidate_text_bytes`` (characters of text brought
    #: to the verify tasks); with the distributed components,
    #: ``component_rounds`` (of the clusters' components).
    volumes: Dict[str, int] = field(default_factory=dict)

    def report(self) -> Dict[str, Any]:
        """The whole report as a dict: collects every cluster to the driver,
        so only for a result known to be small."""
        clusters = [json.loads(r.json) for r in self.clusters.orderBy("cluster").collect()]
        issues = [json.loads(r.value) for r in _ranked_issues(self.issues).orderBy("rank").collect()]
        return _report_dict(self.head, self.stats, issues, clusters)


def _report_dict(head, stats, issues, clusters) -> Dict[str, Any]:
    return {
        **head,
        "stats": stats,
        "issues": issues,
        "document_clusters": clusters,
        "paragraph_clusters": [],
        "paragraph_reprints": [],
        "doubled_documents": [],
        "reuse": [],
    }


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class _File:
    uri: str  # as Spark names it (input_file_name)
    name: str  # as reports name it (the CLI's display name)
    kind: str  # "jsonl" or "parquet"


def _kind(path: str, forced: Optional[str]) -> Optional[str]:
    if forced:
        return forced
    parts = posixpath.basename(path).lower().split(".")
    if len(parts) > 1 and parts[-1] in COMPRESSED:
        parts = parts[:-1]
    ext = parts[-1] if len(parts) > 1 else ""
    if ext in JSONL_EXTS:
        return "jsonl"
    if ext == "parquet":
        return "parquet"
    return None


def _is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _uri_key(uri: str) -> str:
    """One spelling of a file's URI, whichever way it was written."""
    u = urllib.parse.unquote(uri)
    if u.startswith("file:"):
        u = "file://" + os.path.normpath("/" + u[len("file:"):].lstrip("/"))
    return u


def _walk(directory: str, hidden: bool) -> Iterator[str]:
    """Files under ``directory`` in file-name order at every level (as the CLI walks)."""
    for name in sorted(os.listdir(directory)):
        if name.startswith(".") and not hidden:
            continue
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            yield from _walk(path, hidden)
        else:
            yield path


def discover(inputs: Sequence[Input], input_format: Optional[str] = None, hidden: bool = False) -> List[_File]:
    """The input files in the CLI's order: each argument in turn, a
    directory walked in file-name order; a remote URI (``s3://``, ``gs://``,
    ``hdfs://``, ...) is passed to Spark as it is, its files ordered by URI."""
    files: List[_File] = []
    for item in inputs:
        path = os.fspath(item)
        if _is_remote(path):
            kind = _kind(path, input_format)
            if kind is None:
                raise ValueError(
                    f"{path}: name JSON Lines (.jsonl, .ndjson, optionally .gz or .zst) or Parquet (.parquet) "
                    "inputs, or give input_format='jsonl' or 'parquet'"
                )
            files.append(_File(path, path, kind))
            continue
        local = path[len("file://"):] if path.startswith("file://") else path
        if os.path.isdir(local):
            found = [p for p in _walk(local, hidden) if _kind(p, input_format)]
            if not found:
                raise ValueError(f"{path}: no JSON Lines (.jsonl, .ndjson) or Parquet files in this directory")
        elif os.path.exists(local):
            if not _kind(local, input_format):
                raise ValueError(
                    f"{path}: not JSON Lines (.jsonl, .ndjson, optionally .gz or .zst) nor Parquet (.parquet); "
                    "give input_format='jsonl' or 'parquet' to read it as one"
                )
            found = [local]
        else:
            raise ValueError(f"{path}: no such file or directory")
        for p in found:
            files.append(_File("file://" + os.path.abspath(p), p, _kind(p, input_format) or "jsonl"))
    seen = set()
    for f in files:
        if f.uri in seen:
            raise ValueError(f"{f.name} is named twice in the inputs; name each file once")
        seen.add(f.uri)
    return files


# ---------------------------------------------------------------- options


def _split_options(options: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any], Optional[str], bool]:
    signing: Dict[str, Any] = {}
    record: Dict[str, Any] = {}
    input_format = None
    hidden = False
    for key, value in options.items():
        if key in SIGNING:
            signing[key] = value
        elif key in RECORD:
            record[key] = value
        elif key == "input_format":
            if value not in (None, "jsonl", "parquet"):
                raise ValueError(f"input_format must be 'jsonl' or 'parquet', not {value!r}")
            input_format = value
        elif key == "hidden":
            hidden = bool(value)
        elif key in NOT_YET:
            raise ValueError(
                f"`{key}` is not distributed yet: reprint.spark finds document clusters "
                "(paragraphs, doubled articles and reuse are `reprint scan`'s)"
            )
        else:
            raise ValueError(
                f"reprint.spark.scan() has no option `{key}`; it takes "
                + ", ".join(SIGNING + RECORD + ("input_format", "hidden", "threads"))
            )
    return signing, record, input_format, hidden


# ---------------------------------------------------------------- stages

_DOC_SCHEMA = (
    "ordinal long, status byte, id string, path string, line long, url string, title string, "
    "date string, source string, issues string, warnings int, skipped int, bytes long, "
    "text string, content_hash long, band_keys array<long>, empty boolean"
)


def _as_int64(array: pa.Array) -> pa.Array:
    """A uint64 array's bits as int64 (Spark has no unsigned longs)."""
    return pa.Array.from_buffers(pa.int64(), len(array), array.buffers()[:2], offset=array.offset)


def _issue_counts(issues: Optional[str]) -> Tuple[int, int]:
    if not issues:
        return 0, 0
    parsed = json.loads(issues)
    warnings = sum(1 for i in parsed if i.get("kind") == "warning")
    return warnings, len(parsed) - warnings


def _kernel(options: Dict[str, Any]) -> Dict[str, Any]:
    """The options of the kernels that sign and describe (not which pairs may match)."""
    return {k: v for k, v in options.items() if k not in PAIRS}


def _filtered(options: Dict[str, Any]) -> bool:
    """Whether some pairs may not match (``same_source``, ``window``)."""
    return options.get("same_source") == "skip" or options.get("window") is not None


def _sign_texts(texts: pa.Array, signing: Dict[str, Any]):
    schema, array = texts.__arrow_c_array__()
    keys, offsets, hashes, _sigs, empty, _num_perm = _reprint.sign_arrow(schema, array, _kernel(signing))
    n = len(texts)
    key_values = pa.Array.from_buffers(pa.int64(), len(keys) // 8, [None, pa.py_buffer(keys)])
    band_keys = pa.ListArray.from_buffers(pa.list_(pa.int64()), n, [None, pa.py_buffer(offsets)], children=[key_values])
    content = pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(hashes)])
    return band_keys, content, pa.array(empty, pa.bool_())


def _read_sign_jsonl(splits: Dict[Tuple[str, int], Tuple[str, int, int]], record, signing):
    """mapInArrow: raw lines (``line``, ``file``, ``block``) → documents,
    signed. ``splits`` maps (file, block start) to (name, first line,
    ordinal of its first line)."""

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        done: Dict[Tuple[str, int], int] = {}
        for batch in batches:
            files = batch.column("file").to_pylist()
            blocks = batch.column("block").to_pylist()
            lines = batch.column("line")
            start = 0
            n = len(files)
            while start < n:
                key = (_uri_key(files[start]), blocks[start])
                end = start + 1
                while end < n and files[end] == files[start] and blocks[end] == blocks[start]:
                    end += 1
                name, first_line, first_ordinal = splits[key]
                before = done.get(key, 0)
                done[key] = before + (end - start)
                yield _read_run(lines.slice(start, end - start), name, first_line + before,
                                first_ordinal + before, record, signing)
                start = end

    return run


def _read_run(lines: pa.Array, name: str, first_line: int, first_ordinal: int, record, signing) -> pa.RecordBatch:
    schema, array = lines.__arrow_c_array__()
    status, ids, meta, issues, offsets, data = _reprint.read_jsonl_arrow(schema, array, name, first_line, record)
    n = len(status)
    texts = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    keep = [i for i, s in enumerate(status) if s != 1]
    idx = pa.array(keep, pa.int64())
    texts = texts.take(idx)
    counts = [_issue_counts(issues[i]) for i in keep]
    byte_lengths = pc.binary_length(texts).cast(pa.int64())
    band_keys, content, empty = _sign_texts(texts, signing)
    return pa.RecordBatch.from_arrays(
        [
            pa.array([first_ordinal + i for i in keep], pa.int64()),
            pa.array([status[i] for i in keep], pa.int8()),
            pa.array([ids[i] for i in keep], pa.string()),
            pa.array([name] * len(keep), pa.string()),
            pa.array([first_line + i for i in keep], pa.int64()),
            *[pa.array([m[i] for i in keep], pa.string()) for m in meta],
            pa.array([issues[i] for i in keep], pa.string()),
            pa.array([c[0] for c in counts], pa.int32()),
            pa.array([c[1] for c in counts], pa.int32()),
            byte_lengths,
            texts.cast(pa.string()),
            content,
            band_keys,
            empty,
        ],
        names=[f.split(" ")[0] for f in _DOC_SCHEMA.split(", ")],
    )


def _verify_flush(signing):
    """A kernel call: the verified pairs of ``groups`` (ordinal lists) given
    the ``texts`` (and ``meta``, (source, date)) of their members, with one
    row (``a = -1``) of the pairs compared and the text characters that
    travelled to the task."""
    filtered = _filtered(signing)

    def flush(groups: List[List[int]], texts: Dict[int, str], meta, shuffled: int) -> pa.RecordBatch:
        ordinals = sorted(texts)
        row = {o: i for i, o in enumerate(ordinals)}
        column = pa.array([texts[o] for o in ordinals], pa.string())
        schema, array = column.__arrow_c_array__()
        rows = [[row[o] for o in g] for g in groups]
        pairs = [meta[o] for o in ordinals] if filtered else None
        a, b, jaccard, containment, compared = _reprint.verify_arrow(schema, array, rows, signing, pairs)
        return pa.RecordBatch.from_pydict(
            {
                "a": pa.array([ordinals[x] for x in a] + [-1], pa.int64()),
                "b": pa.array([ordinals[x] for x in b] + [-1], pa.int64()),
                "jaccard": pa.array(list(jaccard) + [0.0], pa.float64()),
                "containment": pa.array(list(containment) + [0.0], pa.float64()),
                "compared": pa.array([0] * len(a) + [compared], pa.int64()),
                "shuffled": pa.array([0] * len(a) + [shuffled], pa.int64()),
            }
        )

    return flush


_VERIFIED = "a long, b long, jaccard double, containment double, compared long, shuffled long"


def _rows(batch: pa.RecordBatch, names: Sequence[str], filtered: bool) -> Iterator[tuple]:
    """The batch's rows as tuples of ``names``' values, then ``source`` and
    ``date`` (``None`` unless ``filtered``)."""
    n = batch.num_rows
    columns = [batch.column(c).to_pylist() for c in names]
    extra = [batch.column(c).to_pylist() if filtered else [None] * n for c in ("source", "date")]
    return zip(*columns, *extra)


def _verify(signing):
    """mapInArrow over rows sorted by verification unit (``unit``), each
    unit's texts (``kind`` 0: ``ordinal``, ``text``) before its groups
    (``kind`` 1: ``members``): every group verified with its unit's texts.
    A unit only has to hold all the texts its groups need, so two units
    that happen to share a key are verified together, still correctly."""
    filtered = _filtered(signing)
    flush = _verify_flush(signing)

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        groups: List[List[int]] = []
        texts: Dict[int, str] = {}
        meta: Dict[int, Tuple[Optional[str], Optional[str]]] = {}
        size = shuffled = 0
        current = None
        for batch in batches:
            for u, k, o, t, m, src, date in _rows(batch, ("unit", "kind", "ordinal", "text", "members"), filtered):
                if u != current:
                    # The previous unit is whole.
                    if size >= VERIFY_BATCH_BYTES and groups:
                        yield flush(groups, texts, meta, shuffled)
                        groups, texts, meta, size, shuffled = [], {}, {}, 0, 0
                    current = u
                if k == 0:
                    shuffled += len(t or "")
                    if o not in texts:
                        texts[o] = t or ""
                        meta[o] = (src, date)
                        size += len(t or "")
                else:
                    groups.append(m)
        if groups:
            yield flush(groups, texts, meta, shuffled)

    return run


def _verify_stage(spark, groups: DataFrame, docs: DataFrame, signing, partitions, local_edges, output) -> DataFrame:
    """Every candidate group verified, as ``_VERIFIED`` rows.

    Groups that share members form candidate components (the components of
    the graph linking each group's members to its first). A component whose
    texts weigh at most ``VERIFY_COMPONENT_BYTES`` is verified in one task,
    each of its texts brought there once; the groups of a heavier component
    (boilerplate can join millions of documents into one) are verified a
    group at a time, each member's text brought to each of its groups."""
    carried = ["ordinal", "text"] + (["source", "date"] if _filtered(signing) else [])
    spread = [partitions] if partitions else []
    links = groups.select(F.col("members")[0].alias("a"), F.explode("members").alias("b")).where(
        F.col("a") != F.col("b")
    )
    if links.count() <= local_edges:
        comps = links.repartition(1).mapInArrow(_union_find, "ordinal long, component long")
    else:
        comps = star_components(spark, links, output)
    comps = comps.withColumnRenamed("component", "ccomp").persist()
    weight = join(comps, docs.select("ordinal", "bytes"), "ordinal").groupBy("ccomp").agg(F.sum("bytes").alias("w"))
    placed = join(comps, weight, "ccomp").select(
        "ordinal", "ccomp", (F.col("w") > F.lit(VERIFY_COMPONENT_BYTES)).alias("heavy")
    ).persist()
    placed_groups = join(groups.select("members", F.col("members")[0].alias("ordinal")), placed, "ordinal")
    # A unit is a light component (keyed by its smallest member), or one
    # group of a heavy one (keyed by a hash of its members).
    unit = F.when(F.col("heavy"), F.xxhash64("members")).otherwise(F.col("ccomp"))
    extra = [c for c in ("source", "date") if c in carried]
    light_texts = join(placed.where(~F.col("heavy")).select("ordinal", "ccomp"), docs.select(*carried), "ordinal")
    heavy_texts = join(
        placed_groups.where(F.col("heavy")).select(
            F.xxhash64("members").alias("ccomp"), F.explode("members").alias("ordinal")
        ),
        docs.select(*carried),
        "ordinal",
    )
    text_rows = light_texts.unionByName(heavy_texts).select(
        F.col("ccomp").alias("unit"), F.lit(0).alias("kind"), "ordinal", "text", *extra,
        F.lit(None).cast("array<long>").alias("members"),
    )
    group_rows = placed_groups.select(
        unit.alias("unit"), F.lit(1).alias("kind"), F.lit(None).cast("long").alias("ordinal"),
        F.lit(None).cast("string").alias("text"), *[F.lit(None).cast("string").alias(c) for c in extra], "members",
    )
    return (
        text_rows.unionByName(group_rows)
        .repartition(*spread, "unit")
        .sortWithinPartitions("unit", "kind", "ordinal", "members")
        .mapInArrow(_verify(signing), _VERIFIED)
    )


def _describe(signing):
    """mapInArrow over member rows and edge rows sorted by component: each
    cluster as the report writes it."""

    def flush(comps: Dict[int, Dict[str, Any]]) -> pa.RecordBatch:
        ordinals: List[int] = []
        docs = []
        texts = []
        for c in comps.values():
            for m in c["members"]:
                ordinals.append(m[0])
        ordinals.sort()
        row = {o: i for i, o in enumerate(ordinals)}
        by_ordinal = {m[0]: m for c in comps.values() for m in c["members"]}
        for o in ordinals:
            m = by_ordinal[o]
            docs.append((m[1], m[2], m[3], m[4], m[5], m[6], m[7]))
            texts.append(m[8] or "")
        column = pa.array(texts, pa.string())
        schema, array = column.__arrow_c_array__()
        components = [[row[m[0]] for m in c["members"]] for c in comps.values()]
        edges = [(row[a], row[b]) for c in comps.values() for a, b in c["edges"]]
        out = _reprint.clusters_arrow(schema, array, docs, components, edges, _kernel(signing))
        return pa.RecordBatch.from_pydict(
            {
                "component": pa.array([ordinals[first] for first, _, _, _ in out], pa.int64()),
                "size": pa.array([size for _, _, size, _ in out], pa.int64()),
                "representative": pa.array([rep for _, _, _, rep in out], pa.string()),
                "json": pa.array([j for _, j, _, _ in out], pa.string()),
            }
        )

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        comps: Dict[int, Dict[str, Any]] = {}
        size = 0
        current = None
        for batch in batches:
            for r in batch.to_pylist():
                c = r["component"]
                if c != current:
                    if size >= VERIFY_BATCH_BYTES and comps:
                        yield flush(comps)
                        comps, size = {}, 0
                    comps[c] = {"members": [], "edges": []}
                    current = c
                if r["kind"] == 0:
                    comps[c]["members"].append(
                        (r["ordinal"], r["id"], r["path"], r["line"], r["url"], r["title"], r["date"], r["source"], r["text"])
                    )
                    size += len(r["text"] or "")
                else:
                    comps[c]["edges"].append((r["a"], r["b"]))
        if comps:
            yield flush(comps)

    return run


def _union_find(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow in one task over every verified pair (``a``, ``b``):
    each node's component, named by its smallest ordinal."""
    import numpy as np

    a_parts, b_parts = [], []
    for batch in batches:
        a_parts.append(batch.column("a").to_numpy(zero_copy_only=False))
        b_parts.append(batch.column("b").to_numpy(zero_copy_only=False))
    if not a_parts:
        return
    a = np.concatenate(a_parts)
    b = np.concatenate(b_parts)
    nodes, dense = np.unique(np.concatenate([a, b]), return_inverse=True)
    dense = dense.astype(np.uint32)
    labels = np.frombuffer(
        _reprint.components(len(nodes), dense[: len(a)].tobytes(), dense[len(a):].tobytes()), dtype=np.uint32
    )
    yield pa.RecordBatch.from_pydict(
        {"ordinal": pa.array(nodes, pa.int64()), "component": pa.array(nodes[labels], pa.int64())}
    )


# ---------------------------------------------------------------- the job


def _threads(spark: SparkSession, signing: Dict[str, Any], threads: Optional[int]) -> None:
    if threads is None:
        threads = int(spark.conf.get("spark.task.cpus", "1") or 1)
    signing["threads"] = threads


def scan(
    spark: SparkSession,
    inputs: Union[Input, Sequence[Input], DataFrame],
    output: Optional[str] = None,
    *,
    partitions: Optional[int] = None,
    local_edges: int = DEFAULT_LOCAL_EDGES,
    report: bool = True,
    threads: Optional[int] = None,
    **options: Any,
) -> ScanResult:
    """Finds the document clusters of ``inputs`` (JSON Lines or Parquet
    files and directories, or a DataFrame with ``id``/``text`` columns,
    whose rows are taken in their order) with ``spark``.

    ``options`` are the CLI's matching and input flags with underscores
    (``threshold``, ``containment``, ``shingle_size``, ``num_perm``,
    ``seed``, ``sketch``, ``bands``, ``rows``, ``text_field``, ``id_field``,
    the metadata fields, ``max_record_mb``, ``input_format``, ``hidden``),
    with the CLI's defaults. ``threads`` caps each task's thread pool
    (default ``spark.task.cpus``). ``partitions`` sets the partitions of the
    documents and of every shuffle (default: Spark's). Up to
    ``local_edges`` verified pairs are clustered in one task; beyond, by
    large-star/small-star rounds. With ``output``, the tables are written
    there as Parquet (``documents``, ``edges``, ``members``, ``clusters``,
    ``issues``) with ``report.json`` (when ``report``), and the returned
    DataFrames read them back.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if isinstance(inputs, DataFrame):
        options.pop("input_format", None)
    signing, record, input_format, hidden = _split_options(dict(options))
    _threads(spark, signing, threads)
    record["threads"] = signing["threads"]
    if local_edges < 0:
        raise ValueError("local_edges must be 0 or more")
    if partitions is not None and partitions < 1:
        raise ValueError("partitions must be 1 or more")
    # The engine validates the options (a ValueError names the bad one).
    head = json.loads(_reprint.report_head(signing))
    empty = pa.array([], pa.binary())
    _reprint.read_jsonl_arrow(*empty.__arrow_c_array__(), "-", 1, record)

    frame = inputs if isinstance(inputs, DataFrame) else None
    files = [] if frame is not None else discover(inputs, input_format, hidden)
    if partitions is not None:
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    jsonl = [f for f in files if f.kind == "jsonl"]
    parquet = [f for f in files if f.kind == "parquet"]
    clock = _Clock()
    parts = []
    if frame is not None:
        parts.append(_read_frame(frame, record, signing))
    if jsonl:
        parts.append(_read_jsonl(spark, jsonl, record, signing, ordinal_base=0))
    if parquet:
        # Parquet rows come after every JSON Lines record, in file order.
        base = (1 << 62)
        parts.append(_read_parquet(spark, parquet, record, signing, ordinal_base=base))
    documents = parts[0] if len(parts) == 1 else parts[0].unionByName(parts[1])
    # Held partitioned by ordinal, as every later join is: the joins that
    # bring texts to groups and to clusters then move only the other side.
    n = partitions or int(spark.conf.get("spark.sql.shuffle.partitions") or 200)
    documents = documents.repartition(n, "ordinal").persist()

    stats_row = documents.agg(
        F.sum(F.when(F.col("status") == 0, 1).otherwise(0)).alias("documents"),
        F.sum(F.when((F.col("status") == 0) & F.col("empty"), 1).otherwise(0)).alias("empty_documents"),
        F.sum("skipped").alias("skipped"),
        F.sum("warnings").alias("warnings"),
        F.sum("bytes").alias("bytes"),
    ).collect()[0]
    clock.mark("read and sign")

    docs = documents.where(F.col("status") == 0)
    # bucket
    keyed = docs.where(~F.col("empty")).select("ordinal", F.posexplode("band_keys").alias("band", "key"))
    groups = (
        keyed.groupBy("band", "key")
        .agg(F.array_sort(F.collect_list("ordinal")).alias("members"))
        .where(F.size("members") >= 2)
        .select("members")
        .distinct()
        .persist()
    )
    totals = groups.agg(F.count(F.lit(1)), F.sum(F.size("members"))).collect()[0]
    candidate_groups, member_rows_count = int(totals[0]), int(totals[1] or 0)
    candidates = groups.select(F.explode("members").alias("ordinal")).distinct()
    candidate_documents = candidates.count()
    clock.mark("bucket")

    # verify
    verified = _verify_stage(spark, groups, docs, signing, partitions, local_edges, output).persist()
    compared, candidate_bytes = verified.agg(F.sum("compared"), F.sum("shuffled")).collect()[0]
    compared, candidate_bytes = compared or 0, candidate_bytes or 0
    edges = verified.where(F.col("a") >= 0).drop("compared", "shuffled").dropDuplicates(["a", "b"]).persist()
    verified_pairs = edges.count()
    clock.mark("verify")
    groups.unpersist()

    # cluster
    rounds: Dict[str, int] = {}
    if verified_pairs <= local_edges:
        labels = edges.select("a", "b").repartition(1).mapInArrow(_union_find, "ordinal long, component long")
    else:
        labels = star_components(spark, edges.select("a", "b"), output, rounds)
    labels = labels.persist()
    labels.count()
    clock.mark("components")

    # describe
    named = docs.select("ordinal", "id", "path", "line", "url", "title", "date", "source", "text")
    member_rows = join(labels, named, "ordinal").select(
        "component", F.lit(0).alias("kind"), "ordinal", "id", "path", "line", "url", "title", "date",
        "source", "text", F.lit(None).cast("long").alias("a"), F.lit(None).cast("long").alias("b"),
    )
    edge_rows = join(edges, labels.withColumnRenamed("ordinal", "a"), "a").select(
        "component", F.lit(1).alias("kind"), F.lit(None).cast("long").alias("ordinal"),
        *[F.lit(None).cast(t).alias(c) for c, t in [("id", "string"), ("path", "string"), ("line", "long"),
                                                      ("url", "string"), ("title", "string"), ("date", "string"),
                                                      ("source", "string"), ("text", "string")]],
        "a", "b",
    )
    described = (
        member_rows.unionByName(edge_rows)
        .repartition(*([partitions] if partitions else []), "component")
        .sortWithinPartitions("component", "kind", "ordinal", "a", "b")
        .mapInArrow(_describe(signing), "component long, size long, representative string, json string")
    )
    # Report order (largest first, then by representative), numbered.
    ordered = described.orderBy(F.col("size").desc(), F.col("representative"), F.col("component"))
    numbered = ordered.rdd.zipWithIndex().map(
        lambda r: (r[1] + 1, r[0]["component"], r[0]["size"], r[0]["representative"], _numbered(r[0]["json"], r[1] + 1))
    )
    clusters = spark.createDataFrame(numbered, "cluster long, component long, size long, representative string, json string")
    clusters = clusters.persist()
    n_clusters = clusters.count()
    clock.mark("describe and order clusters")
    in_clusters = clusters.agg(F.sum("size")).collect()[0][0] or 0

    members = join(
        join(labels, clusters.select("cluster", "component"), "component"),
        docs.select("ordinal", "id", "path", "line"),
        "ordinal",
    ).select("cluster", "ordinal", "id", "path", "line")
    ids = docs.select("ordinal", "id")
    edges_out = join(
        join(edges, ids.withColumnRenamed("ordinal", "a").withColumnRenamed("id", "a_id"), "a"),
        ids.withColumnRenamed("ordinal", "b").withColumnRenamed("id", "b_id"),
        "b",
    ).select("a", "b", "a_id", "b_id", "jaccard", "containment")
    issues = (
        documents.where(F.col("issues").isNotNull())
        .select(F.explode(F.from_json("issues", "array<struct<path:string,line:long,kind:string,message:string>>")).alias("i"))
        .select("i.path", "i.line", "i.kind", "i.message")
    )
    stats = {
        "inputs": len(files) + (frame is not None),
        "documents": int(stats_row["documents"] or 0),
        "empty_documents": int(stats_row["empty_documents"] or 0),
        "skipped_inputs": 0,
        "skipped_records": int(stats_row["skipped"] or 0),
        "warnings": int(stats_row["warnings"] or 0),
        "ignored_files": 0,
        "bytes": int(stats_row["bytes"] or 0),
        "candidate_groups": candidate_groups,
        "candidate_documents": candidate_documents,
        "compared_pairs": int(compared),
        "verified_pairs": verified_pairs,
        "clusters": n_clusters,
        "documents_in_clusters": int(in_clusters),
        "paragraphs": 0,
        "paragraph_compared_pairs": 0,
        "paragraph_clusters": 0,
        "doubled_documents": 0,
        "paragraph_reprints": 0,
        "reuse_candidate_pairs": 0,
        "reuse_links": 0,
        "threads": int(signing["threads"]),
        "elapsed_ms": 0,
    }
    result = ScanResult(
        documents=docs.select(
            "ordinal", "id", "path", "line", "url", "title", "date", "source", "empty", "content_hash"
        ),
        edges=edges_out,
        members=members,
        clusters=clusters.select("cluster", "size", "representative", "json"),
        issues=issues,
        stats=stats,
        head=head,
    )
    if output is not None:
        clock.mark("issues")
        result = _write(spark, result, output, report)
        clock.mark("write")
        # The tables are read back from the output: the caches can go.
        for df in (documents, verified, edges, labels, clusters):
            df.unpersist()
    result.timings = clock.stages
    result.volumes = {
        "band_key_rows": int(stats_row["documents"] or 0) * int(head["params"]["bands"]),
        "candidate_rows": int(member_rows_count),
        "candidate_text_bytes": int(candidate_bytes),
        **rounds,
    }
    return result


class _Clock:
    def __init__(self) -> None:
        self.stages: Dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(now - self._last, 3)
        self._last = now


def _numbered(cluster_json: str, number: int) -> str:
    prefix = '{"id":0,'
    if not cluster_json.startswith(prefix):
        raise ValueError("a cluster's JSON does not begin with its id")
    return '{"id":%d,' % number + cluster_json[len(prefix):]


def _splits(raw: DataFrame, files: List[_File], ordinal_base: int) -> Dict[Tuple[str, int], Tuple[str, int, int]]:
    """A pass that counts the rows of every input split (``file``,
    ``block``): per split, the file's name, the line (or row) its first row
    is, and the ordinal of its first row. Only counts reach the driver."""
    counts = raw.groupBy("file", "block").count().collect()
    rank = {_uri_key(f.uri): (i, f.name) for i, f in enumerate(files)}
    per_file: Dict[str, List[Tuple[int, int]]] = {}
    for r in counts:
        per_file.setdefault(_uri_key(r["file"]), []).append((r["block"], r["count"]))
    unknown = sorted(k for k in per_file if k not in rank)
    for k in unknown:  # files of a remote directory or glob
        rank[k] = (len(rank), k)
    splits: Dict[Tuple[str, int], Tuple[str, int, int]] = {}
    ordinal = ordinal_base
    for key in sorted(per_file, key=lambda k: rank[k][0]):
        line = 1
        for block, count in sorted(per_file[key]):
            splits[(key, block)] = (rank[key][1], line, ordinal)
            line += count
            ordinal += count
    return splits


def _located(df: DataFrame) -> DataFrame:
    return df.withColumn("file", F.input_file_name()).withColumn("block", F.input_file_block_start())


def _read_jsonl(spark: SparkSession, files: List[_File], record, signing, ordinal_base: int) -> DataFrame:
    """Documents of JSON Lines files: the lines of every split counted,
    then read and signed."""
    raw = _located(spark.read.text([f.uri for f in files])).select(
        F.col("value").cast("binary").alias("line"), "file", "block"
    )
    splits = _splits(raw, files, ordinal_base)
    return raw.mapInArrow(_read_sign_jsonl(splits, record, signing), _DOC_SCHEMA)


def _as_lines(df: DataFrame, record) -> DataFrame:
    """Each row as the JSON Lines record of its id, text and metadata
    columns (named by the JSON Lines field options; any type, cast to
    strings), in a ``line`` column."""
    names = [record.get(f"{k}_field", k) for k in ("text", "id", "url", "title", "date", "source")]
    if names[0] not in df.columns:
        raise ValueError(
            f"no `{names[0]}` column (the columns are {', '.join(df.columns)}); "
            "name the text column with text_field="
        )
    fields = [n for n in names if n in df.columns]
    line = F.to_json(F.struct(*[F.col(n).cast("string").alias(n) for n in fields]))
    return df.select(line.cast("binary").alias("line"), *[c for c in ("file", "block") if c in df.columns])


def _read_frame(df: DataFrame, record, signing) -> DataFrame:
    """Documents of a DataFrame: its rows in their order (a row's ordinal is
    its index, as ``zipWithIndex`` counts; its "line" that plus one; its
    path ``<dataframe>``), read as records."""
    lines = _as_lines(df, record)
    indexed = lines.rdd.zipWithIndex().map(lambda r: (r[0]["line"], r[1]))
    rows = df.sparkSession.createDataFrame(indexed, "line binary, row long")

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            index = batch.column("row").to_pylist()
            lines = batch.column("line")
            start = 0
            while start < len(index):
                end = start + 1
                while end < len(index) and index[end] == index[end - 1] + 1:
                    end += 1
                first = index[start]
                yield _read_run(lines.slice(start, end - start), "<dataframe>", first + 1, first, record, signing)
                start = end

    return rows.mapInArrow(run, _DOC_SCHEMA)


def _read_parquet(spark: SparkSession, files: List[_File], record, signing, ordinal_base: int) -> DataFrame:
    """Documents of Parquet files: the id, text and metadata columns (named
    by the same options as JSON Lines fields; any type, cast to strings),
    each row read as the JSON Lines record of those fields, so a row
    follows the same rules (ids, dates, issues). A row's "line" is its row
    number in its file, from 1."""
    df = _located(spark.read.parquet(*[f.uri for f in files]))
    try:
        raw = _as_lines(df, record)
    except ValueError as e:
        raise ValueError(f"{files[0].name}: {e}") from None
    splits = _splits(raw, files, ordinal_base)
    return raw.mapInArrow(_read_sign_jsonl(splits, record, signing), _DOC_SCHEMA)


def _write(spark: SparkSession, result: ScanResult, output: str, report: bool) -> ScanResult:
    tables = {
        "documents": result.documents,
        "edges": result.edges,
        "members": result.members,
        "clusters": result.clusters,
        "issues": result.issues,
    }
    for name, df in tables.items():
        df.write.mode("overwrite").parquet(_join(output, name))
    read = {name: spark.read.parquet(_join(output, name)) for name in tables}
    result = ScanResult(**read, stats=result.stats, head=result.head)
    if report:
        _write_report(spark, result, output)
    return result


def _join(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + name


def _ranked_issues(issues: DataFrame) -> DataFrame:
    """Every issue in report order (path, line, warnings before skips,
    message), as ``rank`` and ``value`` (the issue's JSON): a distributed
    sort, never gathered on the driver."""
    kind = F.when(F.col("kind") == "warning", 0).otherwise(1)
    ordered = issues.orderBy("path", "line", kind, "message")
    ranked = ordered.rdd.zipWithIndex().map(
        lambda r: (r[1], json.dumps({k: v for k, v in r[0].asDict().items() if v is not None}))
    )
    return issues.sparkSession.createDataFrame(ranked, "rank long, value string")


def _write_report(spark: SparkSession, result: ScanResult, output: str) -> None:
    """report.json, written by one task from the clusters and issues tables
    (never gathered on the driver), in the CLI's JSON schema."""
    n = result.stats["clusters"]
    n_issues = result.stats["warnings"] + result.stats["skipped_records"]
    whole = json.dumps(_report_dict(result.head, result.stats, [], []), separators=(",", ":"))
    issues_at = whole.index('"issues":[]') + len('"issues":[')
    clusters_at = whole.index('"document_clusters":[]') + len('"document_clusters":[')
    pieces = [(0, 0, whole[:issues_at]), (2, 0, whole[issues_at:clusters_at]), (4, 0, whole[clusters_at:])]
    frame = spark.createDataFrame(pieces, "k long, sub long, value string")
    issues = _ranked_issues(result.issues).select(
        F.lit(1).cast("long").alias("k"),
        F.col("rank").alias("sub"),
        F.concat("value", F.when(F.col("rank") < n_issues - 1, F.lit(",")).otherwise(F.lit(""))).alias("value"),
    )
    body = result.clusters.select(
        F.lit(3).cast("long").alias("k"),
        F.col("cluster").alias("sub"),
        F.concat(F.col("json"), F.when(F.col("cluster") < n, F.lit(",")).otherwise(F.lit(""))).alias("value"),
    )
    lines = frame.unionByName(issues).unionByName(body).orderBy("k", "sub").coalesce(1).select("value")
    tmp = _join(output, "_report.tmp")
    lines.write.mode("overwrite").text(tmp)
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    tmp_path = jvm.org.apache.hadoop.fs.Path(tmp)
    fs = tmp_path.getFileSystem(conf)
    parts = [s.getPath() for s in fs.listStatus(tmp_path) if s.getPath().getName().startswith("part-")]
    if len(parts) != 1:
        raise RuntimeError(f"expected one part file for report.json in {tmp}, found {len(parts)}")
    target = jvm.org.apache.hadoop.fs.Path(_join(output, "report.json"))
    fs.delete(target, False)
    if not fs.rename(parts[0], target):
        raise RuntimeError(f"could not move {parts[0]} to {target}")
    fs.delete(tmp_path, True)
