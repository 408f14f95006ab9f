"""Arrow kernels for engines: the phases a distributed driver runs on executors.

A Spark job (``mapInArrow``) or any engine holding Arrow batches drives the
engine's phases by hand, as the Rust crate docs show: sign every document
into band keys (:func:`sign_batch`), bucket the keys (documents sharing a
key are candidates), verify each candidate group exactly given its texts
(:func:`verify_groups`), and cluster the verified pairs. Both kernels are
pure functions of their inputs and the options (``seed`` included): the
same texts give the same keys on any machine and with any thread count,
and the same band keys as ``reprint scan`` and ``reprint index add`` with
the same options.

Batches are ``pyarrow.RecordBatch`` (or ``Table``) with a text column
(``text`` by default) of type ``string`` or ``large_string``, read in
place through the Arrow C data interface; a null text is signed as an
empty one. Options: ``shingle_size``, ``num_perm``, ``seed``, ``sketch``,
``threshold``, ``containment``, ``bands``, ``rows``, ``threads``.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence, Union

try:
    import pyarrow as pa
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("reprint.arrow needs pyarrow: pip install pyarrow (or reprint[arrow])") from e

from reprint import _reprint

__all__ = ["sign_batch", "verify_groups"]

Batch = Union[pa.RecordBatch, pa.Table]


def _column(batch: Batch, name: str, option: str) -> pa.Array:
    if name not in batch.schema.names:
        raise ValueError(
            f"the batch has no `{name}` column (it has {', '.join(batch.schema.names)}); name it with {option}="
        )
    column = batch.column(name)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column


def sign_batch(batch: Batch, id: str = "id", text: str = "text", **options: Any) -> pa.RecordBatch:
    """Sign every text of ``batch``: one output row per input row, in order.

    Columns: ``id`` (the input's id column, when it has one),
    ``content_hash`` (``uint64``: equal for texts that differ only in case,
    punctuation and spacing), ``band_keys`` (``list<uint64>``, one key per
    LSH band; empty for a text without words), ``signature``
    (``fixed_size_list<uint32, num_perm>``) and ``empty`` (``bool``).
    """
    column = _column(batch, text, "text")
    schema, array = column.__arrow_c_array__()
    keys, offsets, hashes, signatures, empty, num_perm = _reprint.sign_arrow(schema, array, options)
    n = len(column)
    key_values = pa.Array.from_buffers(pa.uint64(), len(keys) // 8, [None, pa.py_buffer(keys)])
    band_keys = pa.ListArray.from_buffers(
        pa.list_(pa.uint64()), n, [None, pa.py_buffer(offsets)], children=[key_values]
    )
    sig_values = pa.Array.from_buffers(pa.uint32(), n * num_perm, [None, pa.py_buffer(signatures)])
    columns = {
        "content_hash": pa.Array.from_buffers(pa.uint64(), n, [None, pa.py_buffer(hashes)]),
        "band_keys": band_keys,
        "signature": pa.FixedSizeListArray.from_arrays(sig_values, num_perm),
        "empty": pa.array(empty, pa.bool_()),
    }
    if id in batch.schema.names:
        columns = {"id": _column(batch, id, "id"), **columns}
    return pa.RecordBatch.from_pydict(columns)


def verify_groups(
    batch: Batch,
    groups: Union[Iterable[Sequence[int]], pa.Array],
    id: str = "id",
    text: str = "text",
    source: str = "source",
    date: str = "date",
    **options: Any,
) -> pa.RecordBatch:
    """Verify candidate groups exactly: the pairs that are duplicates.

    ``groups`` lists row indices of ``batch`` (from 0), one list per
    candidate group (as bucketing band keys gives them; a Python list of
    lists or a pyarrow list array). Every pair of a group of at most 32 is
    compared (larger groups as stars, as the scan does), by exact Jaccard
    and containment of the shingle sets against ``threshold`` and
    ``containment``. Columns: ``a`` and ``b`` (``uint32`` rows, ``a < b``),
    ``a_id`` and ``b_id`` (when the batch has ids), ``jaccard`` and
    ``containment`` (``float64``); sorted by ``(a, b)``, each pair once.

    With ``same_source="skip"`` or ``window=DAYS``, two rows of one
    ``source`` column value, or whose ``date`` values (RFC 3339, as the
    reader writes them) are further apart, are never compared; a row
    without the value is compared with any.
    """
    if isinstance(groups, (pa.Array, pa.ChunkedArray)):
        groups = groups.to_pylist()
    column = _column(batch, text, "text")
    schema, array = column.__arrow_c_array__()
    meta = None
    if options.get("same_source") == "skip" or options.get("window") is not None:
        n = len(column)
        skip = options.get("same_source") == "skip"
        window = options.get("window") is not None
        sources = _column(batch, source, "source").to_pylist() if skip else [None] * n
        dates = _column(batch, date, "date").to_pylist() if window else [None] * n
        meta = list(zip(sources, dates))
    a, b, jaccard, containment, _compared = _reprint.verify_arrow(
        schema, array, [list(g) for g in groups], options, meta
    )
    a = pa.array(a, pa.uint32())
    b = pa.array(b, pa.uint32())
    columns = {"a": a, "b": b}
    if id in batch.schema.names:
        ids = _column(batch, id, "id")
        columns["a_id"] = ids.take(a)
        columns["b_id"] = ids.take(b)
    columns["jaccard"] = pa.array(jaccard, pa.float64())
    columns["containment"] = pa.array(containment, pa.float64())
    return pa.RecordBatch.from_pydict(columns)
