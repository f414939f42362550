"""Every manager setting and command is documented."""
from pathlib import Path

from manager.__main__ import COMMANDS
from manager.settings import setting_fields

DOC = (Path(__file__).resolve().parents[2] / "docs" / "manager.md").read_text(encoding="utf-8")


def test_every_setting_documented():
    for f in setting_fields():
        assert f"`--{f.name.replace('_', '-')}`" in DOC, f.name
        assert f"`BANGTIN_{f.name.upper()}`" in DOC, f.name


def test_every_command_documented():
    for command in COMMANDS:
        assert f"| `{command}` |" in DOC, command


def test_readme_holds_the_two_commands_and_ci_runs_the_test_one():
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/run-demo.sh" in readme and "bash scripts/test.sh" in readme
    ci = (root / ".ci" / "run").read_text()
    assert "exec bash scripts/test.sh" in ci
    for linked in ("docs/architecture.md", "docs/protocol.md", "docs/manager.md"):
        assert linked in readme and (root / linked).is_file()
