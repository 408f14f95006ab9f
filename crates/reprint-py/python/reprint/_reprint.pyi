# Type stubs of the extension module (crates/reprint-py/src/lib.rs). The
# public API is the pure-Python `reprint` package over it; these functions
# take the options as a dict and return the CLI's JSON as bytes.
from typing import Any, Iterable, Mapping, Optional, Union
import os

_Input = Union[str, os.PathLike, Iterable[Any]]

RECORDS: str
VERSION: str

class ReprintError(Exception): ...

def scan(items: _Input, options: Optional[Mapping[str, Any]] = None) -> bytes: ...
def index_open(path: Union[str, os.PathLike], options: Optional[Mapping[str, Any]] = None) -> None: ...
def index_add(path: Union[str, os.PathLike], items: _Input, options: Optional[Mapping[str, Any]] = None) -> bytes: ...
def index_check(
    path: Union[str, os.PathLike],
    items: _Input,
    options: Optional[Mapping[str, Any]] = None,
    update: bool = False,
    baseline: Optional[Union[str, os.PathLike]] = None,
) -> bytes: ...
def index_remove(
    path: Union[str, os.PathLike],
    ids: list[str],
    seen_before: Optional[str] = None,
    published_before: Optional[str] = None,
    options: Optional[Mapping[str, Any]] = None,
) -> int: ...
def index_stats(path: Union[str, os.PathLike], options: Optional[Mapping[str, Any]] = None) -> bytes: ...
def explain(a: Any, b: Any, options: Optional[Mapping[str, Any]] = None) -> bytes: ...
def extract(items: _Input, options: Optional[Mapping[str, Any]] = None) -> bytes: ...
def sign_arrow(
    schema: object, array: object, options: Optional[Mapping[str, Any]] = None
) -> tuple[bytes, bytes, bytes, bytes, list[bool], int]: ...
def verify_arrow(
    schema: object,
    array: object,
    groups: list[list[int]],
    options: Optional[Mapping[str, Any]] = None,
    meta: Optional[list[tuple[Optional[str], Optional[str]]]] = None,
) -> tuple[list[int], list[int], list[float], list[float], int]: ...
def read_jsonl_arrow(
    schema: object, array: object, name: str, first_line: int, options: Optional[Mapping[str, Any]] = None
) -> tuple[
    list[int], list[Optional[str]], list[list[Optional[str]]], list[Optional[str]], bytes, bytes
]: ...
def clusters_arrow(
    schema: object,
    array: object,
    docs: list[tuple[str, str, int, Optional[str], Optional[str], Optional[str], Optional[str]]],
    components: list[list[int]],
    edges: list[tuple[int, int]],
    options: Optional[Mapping[str, Any]] = None,
) -> list[tuple[int, str, int, str]]: ...
def components(n: int, a: bytes, b: bytes) -> bytes: ...
def report_head(options: Optional[Mapping[str, Any]] = None) -> str: ...
