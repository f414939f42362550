#!/usr/bin/env bash
# Installs everything the system and its tests need on a fresh Debian machine:
# apt packages (Xvfb for the player, Chromium for console tests, libmtdev for
# Kivy's input provider) and a virtualenv with the project and its test extras.
# Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# tesseract-ocr(-vie): the notice test reads the page number back from the board's and the preview's pixels.
APT_PACKAGES=(python3-venv xvfb xauth chromium libmtdev1 libgl1-mesa-dri fonts-dejavu-core tesseract-ocr tesseract-ocr-vie)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

VENV="${BANGTIN_VENV:-.venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
# Reinstall only when the dependency list changed since the last install.
stamp="$VENV/.bangtin-installed"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[test]"
  echo "$want" > "$stamp"
fi
