#!/usr/bin/env bash
# The main job: build the graph from the bundled data (plus any documents given), link it to
# Wikidata from the bundled snapshot, and serve the API and explorer on 127.0.0.1:8000
# (HOST/PORT override).
set -euo pipefail
cd "$(dirname "$0")/.."
CITYKG_SETUP_SYSTEM=0 bash scripts/setup.sh
export CITYKG_STORE=${CITYKG_STORE:-citykg-store}
.venv/bin/citykg build "$@"
.venv/bin/citykg link >/dev/null   # Wikidata links and twins from the bundled snapshot, offline
exec .venv/bin/citykg serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
