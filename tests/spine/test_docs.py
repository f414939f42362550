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
