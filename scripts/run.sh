#!/usr/bin/env bash
# The main job: build the graph from the bundled data (plus any documents given) and serve
# the API on 127.0.0.1:8000 (HOST/PORT override).
set -euo pipefail
cd "$(dirname "$0")/.."
CITYKG_SETUP_SYSTEM=0 bash scripts/setup.sh
export CITYKG_STORE=${CITYKG_STORE:-citykg-store}
.venv/bin/citykg build "$@"
if .venv/bin/citykg serve --help >/dev/null 2>&1; then
  exec .venv/bin/citykg serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
else
  .venv/bin/citykg relations 横浜市
fi
