"""Why a record did not verify, in words for both languages: a code and its values, rendered through `manager.i18n`.

The chain check (manager/reports/chain.py), the sealer, the board facts'
check and `verify-evidence` all say what failed with a `Reason`. It is
stored as canonical JSON (`encode`) in `chain_checkpoints.reason` and
`chain_checks.reason`, and shown in the reader's language (`text`): the
report pages and exports in theirs, Vietnamese first; the command line in
English (`str`). Pure (standard library and `manager.i18n` only), so that
`verify-evidence` stays standalone.

Rows written before reasons had codes hold the English sentence itself:
`decode` maps the fixed ones back to their code, and keeps any other as
it was (shown unchanged in both languages).
"""
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from manager import i18n

VN = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh has no daylight saving time
CODES = ("hb_columns", "hb_hash", "seq_gap", "prev_hash", "sealed_broken", "cp_count", "cp_link", "cp_span",
         "cp_digest", "tail_missing", "recomputed", "raw_to_checkpoint", "facts_none", "facts_link", "facts_changed",
         "facts_differ", "legacy")
_TIMES = ("at",)  # values that are instants (UTC seconds), shown in Vietnam time


@dataclass(frozen=True)
class Reason:
    code: str
    values: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown reason code {self.code!r}")

    def text(self, lang: str = "vi") -> str:
        shown = {k: _local(v) if k in _TIMES else v for k, v in self.values.items()}
        return i18n.text(lang, f"reason.{self.code}", **shown)

    def __str__(self) -> str:
        return self.text("en")

    def encode(self) -> str:
        return json.dumps({"code": self.code, "values": self.values}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)

    def as_json(self) -> dict:
        return {"code": self.code, "values": self.values, "vi": self.text("vi"), "en": self.text("en")}


def decode(stored: str | None) -> Reason | None:
    """A stored reason back (None stays None); an old row's English sentence by its code where it is a fixed one."""
    if stored is None:
        return None
    if stored.startswith("{"):
        try:
            found = json.loads(stored)
            return Reason(found["code"], dict(found.get("values") or {}))
        except (ValueError, KeyError, TypeError):
            pass  # not one of ours: an edited row, shown as stored
    for code in CODES:
        if code != "legacy" and stored == i18n.text("en", f"reason.{code}"):
            return Reason(code)
    return Reason("legacy", {"text": stored})


def _local(at) -> str:
    try:
        return datetime.fromtimestamp(float(at), VN).strftime("%d/%m/%Y %H:%M:%S")
    except (TypeError, ValueError, OverflowError, OSError):
        return str(at)
