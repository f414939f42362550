"""A bounded schemathesis run against a live manager: no 5xx and every answer as its schema says (issue 11).

Two runs of the `st` command line, about three minutes in all: the board API
with a board's token, then everything else with an administrator's token (the
board goes first: the administrators' run may revoke it). The board's id is
fixed so that board routes reach their logic instead of stopping at 403.
Failures print schemathesis' own report, with the seed to reproduce them.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from manager.app import create_app
from manager.settings import Settings

ST = Path(sys.executable).with_name("st")
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance"
CONFIG = """request-timeout = 20
workers = 1

[parameters]
"path.board_id" = "{board}"
"""


def test_every_json_answer_has_a_schema(tmp_path):
    """Schema conformance means something only where the schema says more than "any JSON": every route that
    answers JSON declares its model (manager/api/*responses.py)."""
    spec = create_app(Settings(db=tmp_path / "m.db", asset_dir=tmp_path / "assets")).openapi()
    untyped = [f"{method.upper()} {path} {status}" for path, ops in spec["paths"].items() for method, op in ops.items()
               for status, answer in op["responses"].items()
               if status.startswith("2") and answer.get("content", {}).get("application/json", {}).get("schema", {}) == {}
               and "application/json" in answer.get("content", {})]
    assert not untyped, untyped


@pytest.fixture
def fuzz_target(manager_factory):
    live = manager_factory()
    board, token = live.pair_board(name="Bảng thử nghiệm ngẫu nhiên")
    return live, board, token


def _run(tmp_path: Path, url: str, token: str, seconds: int, *selection: str) -> None:
    cmd = [str(ST), "run", f"{url}/openapi.json", "-H", f"Authorization: Bearer {token}", "-c", CHECKS,
           "--phases", "examples,coverage,fuzzing", "--max-time", str(seconds), "--warnings", "off", *selection]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=seconds + 120)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


@pytest.mark.skipif(not ST.exists(), reason="schemathesis is not installed (pip install -e '.[test]')")
def test_fuzz_board_and_editor_apis(fuzz_target, tmp_path):
    live, board, token = fuzz_target
    (tmp_path / "schemathesis.toml").write_text(CONFIG.format(board=board))
    _run(tmp_path, live.base_url, token, 45, "--include-tag", "board")
    _run(tmp_path, live.base_url, live.admin_token, 120, "--exclude-tag", "board")
