"""The manager's notion of now: the system clock, or a file tests control."""
from datetime import datetime, timezone
from pathlib import Path


class Clock:
    def __init__(self, fake_file: Path | None = None):
        self._fake_file = fake_file

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), timezone.utc)

    def time(self) -> float:
        if self._fake_file is not None:
            # Tests move time by rewriting this file; an unreadable file is a test bug, so let it raise.
            return float(self._fake_file.read_text().strip())
        return datetime.now(timezone.utc).timestamp()
