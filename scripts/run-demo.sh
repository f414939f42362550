#!/usr/bin/env bash
# Runs the whole system on the embedded default: a manager on a SQLite file
# seeded with demo data, and one player window paired with it.
# Without a desktop (no DISPLAY) the player draws on a virtual screen (Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

PORT="${BANGTIN_PORT:-8000}"
DATA="${BANGTIN_DEMO_DIR:-data/demo}"
URL="http://127.0.0.1:$PORT"
mkdir -p "$DATA"
PY=.venv/bin/python

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:77
  Xvfb "$DISPLAY" -screen 0 1280x720x24 -nolisten tcp -noreset >/dev/null 2>&1 &
  pids+=($!)
  echo "No desktop found: the player draws on the virtual screen $DISPLAY (Xvfb)."
fi

"$PY" -m manager --db "$DATA/manager.db" --host 127.0.0.1 --port "$PORT" --public-url "$URL" \
  --demo --demo-player-dir "$DATA/player" &
pids+=($!)
"$PY" - "$URL" <<'PYEOF'
import sys, time, urllib.request
for _ in range(240):
    try:
        urllib.request.urlopen(sys.argv[1] + "/openapi.json", timeout=1)
        break
    except OSError:
        time.sleep(0.5)
PYEOF

export KIVY_NO_ARGS=1 KIVY_VIDEO=ffpyplayer KIVY_HOME="$PWD/$DATA/kivy"
"$PY" -m player --manager "$URL" --data-dir "$DATA/player" --windowed --size 1280x720 &
pids+=($!)

echo
echo "Bảng tin is running."
echo "  Web console: $URL/   (admin / bangtin-demo; also editor, approver, auditor)"
echo "  API docs:    $URL/docs"
echo "  Player:      a window of 1280x720 on $DISPLAY"
echo "Press Ctrl+C to stop."
wait -n "${pids[@]}"
