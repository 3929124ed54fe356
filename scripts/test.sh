#!/usr/bin/env bash
# The tests, from scratch: set-up (venv, Java), ruff, then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/pytest -q "$@"
