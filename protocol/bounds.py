"""Limits every wire format shares, so a value a model accepts always fits the manager's SQLite.

SQLite integers are signed 64-bit; sequence numbers stop at 2^53 - 1 so
they also survive JSON readers that use doubles. Float fields say
`allow_inf_nan=False`: NaN and infinities mean nothing on a timeline.
"""
from typing import Annotated

from pydantic import StringConstraints

SQLITE_INT_MAX = 2 ** 63 - 1
SEQ_MAX = 2 ** 53 - 1

Id = Annotated[str, StringConstraints(min_length=1, max_length=128)]  # item, playlist, zone, alert, manifest version ids
