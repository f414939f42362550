"""Whether a report's figures are verified against the chain: per board and for the whole period.

A board's figures are *verified* when the quick check run with the report
passes (its checkpoints link, the intervals of its sealed time in the period
match their digests, its raw heartbeats link, its facts match) and its last
full check (`verify-chain`, recorded with its time) passed; *quick only* when
the quick check passes but no full check was ever recorded; *not verified*
otherwise, with what failed. The period is verified when every board is.
Pages and every export carry the status (`note`), and say which check covers what.
"""
from dataclasses import dataclass

from sqlite_utils import Database

from manager import i18n
from manager.reports import chain
from manager.reports.tables import local

VERIFIED, QUICK_ONLY, FAILED = "verified", "quick_only", "failed"


@dataclass(frozen=True)
class BoardCheck:
    board_id: str
    quick: chain.ChainStatus
    full: chain.FullCheck | None

    @property
    def state(self) -> str:
        if self.quick.checked == chain.FULL:  # a full check just run (the board page) supersedes the recorded one
            return VERIFIED if self.quick.ok else FAILED
        if not self.quick.ok or (self.full is not None and not self.full.ok):
            return FAILED
        return QUICK_ONLY if self.full is None else VERIFIED

    def failure(self, lang: str = "vi") -> str | None:
        """What failed, in `lang` (None when nothing did)."""
        if not self.quick.ok:
            return i18n.text(lang, "reports.failure_quick", check=self.quick.label(lang), reason=_reason(self.quick.reason, lang))
        if self.full is not None and not self.full.ok:
            values = {"at": local(self.full.checked_at), "reason": _reason(self.full.reason, lang)}
            if self.full.first_bad_seq is None:
                return i18n.text(lang, "reports.failure_full", **values)
            return i18n.text(lang, "reports.failure_full_seq", seq=self.full.first_bad_seq, **values)
        return None

    def state_label(self, lang: str = "vi") -> str:
        return i18n.text(lang, f"reports.verified.{self.state}")

    def full_label(self, lang: str = "vi") -> str:
        if self.full is None:
            return i18n.text(lang, "reports.full_never")
        key = "reports.full_ok" if self.full.ok else "reports.full_failed"
        return i18n.text(lang, key, at=local(self.full.checked_at))


@dataclass(frozen=True)
class PeriodCheck:
    checked_at: float
    boards: dict[str, BoardCheck]

    @property
    def state(self) -> str:
        states = {b.state for b in self.boards.values()}
        return FAILED if FAILED in states else QUICK_ONLY if QUICK_ONLY in states else VERIFIED

    def failures(self, lang: str = "vi") -> list[tuple[str, str]]:
        return [(b, c.failure(lang)) for b, c in sorted(self.boards.items()) if c.failure(lang)]

    @property
    def oldest_full(self) -> float | None:
        found = [c.full.checked_at for c in self.boards.values() if c.full is not None]
        return min(found) if found else None

    def note(self, lang: str = "vi") -> list[str]:
        """The lines every page and export of the report carries."""
        t = lambda key, **v: i18n.text(lang, key, **v)  # noqa: E731
        fully = sum(1 for c in self.boards.values() if c.full is not None)
        lines = [t("reports.verification", state=t(f"reports.verified.{self.state}"), at=local(self.checked_at),
                   full=fully, boards=len(self.boards),
                   oldest=local(self.oldest_full) if self.oldest_full is not None else "–")]
        lines += [t("reports.verification_failed", board=b, reason=r) for b, r in self.failures(lang)]
        lines.append(t("reports.chain_note"))
        return lines

    def as_json(self) -> dict:
        return {"state": self.state, "checked_at": self.checked_at, "last_full_check_oldest": self.oldest_full,
                "boards_fully_checked": sum(1 for c in self.boards.values() if c.full is not None),
                "boards": len(self.boards), "failures": [{"board": b, "reason": r, "reason_en": en}
                                                             for (b, r), (_, en) in zip(self.failures("vi"), self.failures("en"))]}


def _reason(reason, lang: str) -> str:
    return reason.text(lang) if reason is not None else "–"


def check(db: Database, board_ids: list[str], start: float, end: float, now: float) -> PeriodCheck:
    """The quick check over [start, end) (capped at now) with each board's last full check."""
    quick = chain.quick(db, board_ids, start, min(end, now))
    full = chain.last_full(db, board_ids)
    return PeriodCheck(now, {b: BoardCheck(b, quick[b], full.get(b)) for b in board_ids})
