"""reprint: find duplicated, re-syndicated and repeated text in news corpora.

The Python face of the reprint engine (Rust). Every call gives what the
command line gives, as Python objects:

>>> import reprint
>>> story = "The harbor bridge will close for six weeks of repairs starting Monday, city engineers said."
>>> report = reprint.scan([("wire", story), ("copy", story + " Reporting by staff.")])
>>> [m["doc"] for m in report["document_clusters"][0]["members"]]
['copy', 'wire']

Inputs: records (dicts with ``id`` and ``text``, and optionally ``url``,
``title``, ``date``, ``source``; or ``(id, text)`` pairs), paths of files
and directories as the CLI reads them, or both. Records are read as one
JSON Lines input named ``<records>`` after the paths (``line`` is a
record's 1-based position), through the engine's one reader: a bad record
(no text, a text that is not a string) is a skipped record counted in the
report's ``issues`` and ``stats``, never an exception that loses the batch.

Options are the CLI's long flags with underscores (``threshold=0.7``,
``containment="off"``, ``granularity="documents"``, ``threads=2``), with
the CLI's defaults; an unknown option, or a value of the wrong type or out
of range, raises ``ValueError`` naming it. Long calls release the GIL and
run in the engine's thread pool (``threads=`` workers; all cores by
default). Results do not depend on the thread count.

The Arrow kernels for engines (Spark's ``mapInArrow``) are in
:mod:`reprint.arrow` (they need ``pyarrow``).
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from reprint import _reprint
from reprint._reprint import RECORDS, ReprintError

__all__ = [
    "Index",
    "RECORDS",
    "ReprintError",
    "ReprintWarning",
    "explain",
    "extract",
    "scan",
]

__version__: str = _reprint.VERSION

PathLike = Union[str, "os.PathLike[str]"]
Record = Union[Mapping[str, Any], Sequence[Any]]


class ReprintWarning(UserWarning):
    """An input problem met by :func:`extract` (a skipped file or record)."""


def scan(records_or_paths: Union[PathLike, Iterable[Union[Record, PathLike]]], **options: Any) -> dict:
    """Scan records and/or paths; return the JSON report of ``reprint scan --format json``.

    ``records_or_paths`` is a path, or an iterable of records (dicts or
    ``(id, text)`` pairs) and paths. The report (schema ``version`` 1, in
    the README's "JSON output") holds ``document_clusters``,
    ``paragraph_clusters``, ``paragraph_reprints``, ``doubled_documents``,
    ``reuse``, ``issues`` and ``stats``; ``stats.elapsed_ms`` and
    ``stats.threads`` say how it ran. ``set_budget=MIB`` caps the memory
    for the documents' exact verification sets (``--set-budget``, default
    512): past it they are read again in waves, never a different result.
    ``findings_budget=MIB`` caps the memory for paragraph clusters and reuse
    links (``--findings-budget``, default 256; 0 keeps them all in a
    temporary file): past it they wait in a temporary file until the report
    is written, never a different report.

    >>> r = reprint.scan("corpus/", threshold=0.8, granularity="documents")
    >>> sizes = [c["size"] for c in r["document_clusters"]]
    """
    return json.loads(_reprint.scan(records_or_paths, options))


def explain(a: Union[Record, PathLike], b: Union[Record, PathLike], **options: Any) -> dict:
    """Why two documents match or not: ``reprint explain --format json``.

    ``a`` and ``b`` are each a path to a file holding one document, a
    record (dict or ``(id, text)`` pair), or, with ``corpus=PATH``, the ids
    of two documents in that file. The result has the exact and estimated
    Jaccard, both containments, the verdict, the matching paragraphs, the
    shared passages and the reuse alignment.
    """
    return json.loads(_reprint.explain(a, b, options))


def extract(paths: Union[PathLike, Iterable[PathLike]], **options: Any) -> list:
    """Every document of ``paths`` as matching sees it: ``reprint extract --format jsonl``.

    One dict per document (``id``, ``path``, ``line``, metadata, the
    paragraphs' line spans and the ``text``), in input order. Input
    problems (a skipped file or record) are issued as
    :class:`ReprintWarning`; the other documents are still returned.
    """
    out = json.loads(_reprint.extract(paths, options))
    for issue in out["issues"]:
        where = issue["path"] if issue.get("line") is None else f"{issue['path']}:{issue['line']}"
        warnings.warn(f"{where}: {issue['message']}", ReprintWarning, stacklevel=2)
    return out["documents"]


class Index:
    """The persistent index that ``check`` compares new documents with.

    The same SQLite file as the CLI's ``--index`` (``reprint index add``,
    ``reprint check``), with the same parameters: the matching options
    given here must be those the index was built with, else
    :class:`ReprintError` (raised here, when the file exists) names both
    values. ``lock_timeout=`` (seconds, default 60) is how long to wait
    while another process writes it.

    >>> with reprint.Index("archive.sqlite") as ix:
    ...     ix.add([{"id": "wire-1", "text": wire_story}])
    ...     report = ix.check([{"id": "herald-9", "text": herald_story}], update=True)
    ...     new = [f for f in report["findings"] if f["status"] == "new"]
    """

    def __init__(self, path: PathLike, **options: Any) -> None:
        self.path = os.fspath(path)
        self._options = options
        self._open = True
        _reprint.index_open(self.path, options)

    def _check_open(self) -> None:
        if not self._open:
            raise ValueError(f"Index({self.path!r}) is closed")

    def add(self, records_or_paths: Union[PathLike, Iterable[Union[Record, PathLike]]]) -> dict:
        """Add documents (records and/or paths); return ``reprint index add --json``.

        Documents whose content is already indexed are counted as
        ``known``; the file and its directory are created when missing.
        """
        self._check_open()
        return json.loads(_reprint.index_add(self.path, records_or_paths, self._options))

    def check(
        self,
        records_or_paths: Union[PathLike, Iterable[Union[Record, PathLike]]],
        update: bool = False,
        baseline: Optional[PathLike] = None,
    ) -> dict:
        """Check documents against the index; return ``reprint check --format json``.

        With ``update=True`` the checked documents are added afterwards
        (unless an input had to be skipped). ``baseline`` is a file written
        by ``reprint check --write-baseline``: its findings are ``known``.
        """
        self._check_open()
        base = None if baseline is None else os.fspath(baseline)
        return json.loads(_reprint.index_check(self.path, records_or_paths, self._options, update, base))

    def remove(
        self,
        ids: Iterable[str] = (),
        seen_before: Optional[str] = None,
        published_before: Optional[str] = None,
    ) -> int:
        """Remove documents by id, first-seen date or publication date; return how many went."""
        self._check_open()
        if isinstance(ids, str):
            ids = [ids]
        return _reprint.index_remove(self.path, list(ids), seen_before, published_before, self._options)

    def stats(self) -> dict:
        """Counts, size and parameters of the index: ``reprint index stats --json``."""
        self._check_open()
        return json.loads(_reprint.index_stats(self.path, self._options))

    def close(self) -> None:
        """Close the index (each call opens the file for its own length; later calls raise)."""
        self._open = False

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Index({self.path!r})"
