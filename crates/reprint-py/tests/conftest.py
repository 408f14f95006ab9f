"""Shared fixtures: the repository, the `reprint` command line built by
`cargo test --release` (or named by REPRINT_BIN), and helpers to compare
the Python package's results with the CLI's."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import reprint

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The reprint binary; a clear failure (never a skip) when it is missing."""
    path = Path(os.environ.get("REPRINT_BIN", REPO / "target" / "release" / "reprint"))
    if not path.is_file():
        pytest.fail(f"no reprint binary at {path}: run `cargo build --release` first, or set REPRINT_BIN")
    return path


def run_cli(cli: Path, *args: str, cwd: Path = REPO, ok=(0, 1)) -> str:
    """Runs the CLI; its standard output."""
    done = subprocess.run([str(cli), *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode in ok, f"reprint {' '.join(args)}: exit {done.returncode}\n{done.stderr}"
    return done.stdout


def untimed(report: dict) -> dict:
    """A report without the fields that measure the run, not the input."""
    report = json.loads(json.dumps(report))
    for stats in (report.get("stats"), report.get("scan", {}).get("stats")):
        if stats:
            stats.pop("elapsed_ms", None)
    return report


@pytest.fixture(scope="session")
def corpus_docs() -> list:
    """The sample corpus's documents, as matching sees them, named as
    `reprint scan corpus/` names them (from the repository root)."""
    here = os.getcwd()
    os.chdir(REPO)
    try:
        return reprint.extract("corpus/")
    finally:
        os.chdir(here)


@pytest.fixture()
def in_repo(monkeypatch):
    """Runs the test from the repository root, so paths read `corpus/...` as the CLI's do."""
    monkeypatch.chdir(REPO)
    return REPO
