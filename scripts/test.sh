#!/usr/bin/env bash
# Every test, Rust and Python: the README's test command (and .ci/run's).
#
#   bash scripts/test.sh
#
# 1. `cargo test --release`: the engine and the command line (this also
#    builds target/release/reprint, which the Python tests compare with).
# 2. A virtualenv in target/pyvenv (git-ignored; made once, reused) with
#    maturin, pytest, pyarrow and the `spark` extra's pyspark and pandas,
#    the package built and installed into it with `pip install .` (the
#    same build as a user's), and pytest, the Spark tests included (they
#    run Spark in local mode and fail, never skip, when it cannot start).
#
# Needs a Rust toolchain, CPython 3.9+ with pip and venv (PYTHON names the
# interpreter; default python3) and a Java 17+ runtime for Spark (.ci/run
# installs one). PyPI must be reachable the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

echo "== cargo test --release"
cargo test --release

PYTHON=${PYTHON:-python3}
VENV=target/pyvenv
if [ ! -x "$VENV/bin/python" ]; then
  echo "== python venv ($VENV)"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  'maturin>=1.7,<2' 'pytest>=7,<10' 'pyarrow>=14' 'pyspark>=3.5,<5' 'pandas>=2.2,<3'
echo "== pip install . (maturin, release)"
# No build isolation: the venv's maturin builds in target/, reusing the
# engine compiled by cargo test above.
PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/python" -m pip install --quiet \
  --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps .
echo "== pytest"
# Spark's Python workers run the venv's interpreter.
REPRINT_REQUIRE_SPARK=1 PYSPARK_PYTHON="$PWD/$VENV/bin/python" \
  REPRINT_BIN="$PWD/target/release/reprint" "$VENV/bin/python" -m pytest -q
