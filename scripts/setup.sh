#!/usr/bin/env bash
# Set-up shared by run.sh and test.sh: a venv with the project, and the system packages the
# tests need (Java for the HermiT reasoner). Safe to run again; it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[dev]"
  touch "$stamp"
fi
apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq "$@" >/dev/null
  else
    echo "setup: apt-get not found; install $* by hand" >&2
  fi
}
if [ "${CITYKG_SETUP_SYSTEM:-1}" = 1 ]; then
  command -v java >/dev/null 2>&1 || apt_install default-jre-headless
  [ -x /usr/bin/chromium ] || apt_install chromium fonts-noto-cjk
fi
