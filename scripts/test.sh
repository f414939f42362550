#!/usr/bin/env bash
# Runs the full test suite on a fresh Debian machine: installs what it needs
# (apt packages, a virtualenv), then pytest. The tests start their own servers
# (managers under uvicorn on loopback, Xvfb, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export KIVY_NO_ARGS=1 KIVY_VIDEO=ffpyplayer
export KIVY_HOME="$(mktemp -d)"
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
