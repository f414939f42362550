"""Helpers for the source tests: the CAP fixtures, with their times moved to now when needed."""
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
_TIME = re.compile(r"(?<=>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)(?=<)|(?<=,)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def shifted(name: str, sent: datetime, base: datetime | None = None) -> bytes:
    """The fixture with every timestamp moved by the same amount, so that `base` (default: its <sent>) becomes `sent`.

    Keeps the documents real while their expiry lies in the future of the test run.
    """
    text = fixture_bytes(name).decode()
    if base is None:
        base = datetime.fromisoformat(re.search(r"<sent>([^<]+)</sent>", text).group(1))
    delta = sent - base

    def move(m):
        original = datetime.fromisoformat(m.group(0))
        return (original + delta).astimezone(original.tzinfo).isoformat(timespec="seconds")

    return _TIME.sub(move, text).encode()


@pytest.fixture
def now():
    return datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=1)


@pytest.fixture
def capdoc():
    """capdoc(name) -> the fixture's bytes."""
    return fixture_bytes


@pytest.fixture
def capdoc_at():
    """capdoc_at(name, sent) -> the fixture with its times moved so that <sent> is `sent`."""
    return shifted
