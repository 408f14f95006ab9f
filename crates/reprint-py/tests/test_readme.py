"""The README's Python section runs as written and prints what it says."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Python\n")
    return text[start : text.index("\n## ", start + 1)]


def test_the_readme_example_runs_as_written(tmp_path):
    blocks = re.findall(r"```(\w*)\n(.*?)```", section(), re.S)
    python = [body for lang, body in blocks if lang == "python"]
    printed = [body for lang, body in blocks if lang == ""]
    assert len(python) == 2 and printed, "the section's example and its output"
    # The example, then the Arrow snippet (which reuses its `wire`).
    script = tmp_path / "example.py"
    script.write_text(python[0] + "\n" + python[1])
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == printed[0]
