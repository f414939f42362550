"""`export-evidence`: one archive holding everything a province report for a period is computed from.

    python -m manager export-evidence --db data/bangtin.db --province 22 --period 2026-03 --out qn-2026-03.zip

A ZIP with `inputs.json` (the period, the instant of the report, units,
boards, their first heartbeat, groupings), `board_facts.json` (every facts
row of those boards, with its dates and hashes), `intervals.json` (the
intervals over the period and over the checkpoints' spans),
`checkpoints.json` (those whose span overlaps the period, with their interval
digests), `indicators.json` (the definitions used), `software.json`,
`report.json` (the figures, and the verification status when exported) and
`manifest.json` (SHA-256 of each). `manager/evidence_verify.py` checks it
without a database. Entries carry a fixed date, so the same data gives the
same bytes.
"""
import io
import json
import subprocess
import zipfile
from importlib import metadata
from pathlib import Path

from sqlite_utils import Database

from manager import board_facts, evidence
from manager import indicators as ind
from manager.errors import NotFound
from manager.evidence_verify import manifest_of
from manager.reports import build, figures, verification
from manager.reports.period import Period

FIXED_DATE = (2020, 1, 1, 0, 0, 0)


def software() -> dict:
    try:
        version = metadata.version("bangtin")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True,
                                text=True, timeout=10, check=False).stdout.strip() or None
    except OSError:
        commit = None
    return {"name": "bangtin", "version": version, "commit": commit}


def _period(p: Period) -> dict:
    return {"key": p.key, "label_vi": p.label_vi, "first_day": p.first_day.isoformat(), "last_day": p.last_day.isoformat()}


def build_files(db: Database, catalogue: str, province: str, period: Period, now: float,
                indicators_path: Path | None = None) -> dict[str, bytes]:
    """The bundle's data files (without the manifest), read in one transaction by the caller."""
    # A closed period's figures do not depend on when it is exported: the same data gives the same inputs.
    checked_at, now = now, min(now, period.end)
    definitions = json.loads(Path(indicators_path or ind.DEFAULT_FILE).read_text(encoding="utf-8"))
    indicators = ind.IndicatorFile.model_validate(definitions).indicators
    province_row, inp = build.inputs(db, catalogue, province, period, now, indicators, series=True)
    if province not in inp.units or inp.units[province]["level"] != 1:
        raise NotFound(f"Không có tỉnh {province} trong danh mục {catalogue}", f"no province {province} in catalogue {catalogue}")
    found = figures.compute(inp)  # what the province page and its API show for this period (series on)
    ids = [b["id"] for b in inp.boards]
    lo, hi = period.start, max(period.start, min(period.end, now))
    cps = {}
    for board_id in ids:
        rows = list(db.query(
            "SELECT first_seq, last_seq, count, first_prev_hash, last_hash, ok, first_bad_seq, reason, span_start, span_end, "
            "intervals_digest FROM chain_checkpoints WHERE board_id = ? AND span_end > ? AND span_start < ? ORDER BY first_seq",
            [board_id, lo, hi]))
        if rows:
            cps[board_id] = rows
    intervals = {}
    for board_id in ids:
        start = min([lo] + [c["span_start"] for c in cps.get(board_id, [])])
        end = max([hi] + [c["span_end"] for c in cps.get(board_id, [])])
        intervals[board_id] = [list(iv) for iv in db.execute(
            "SELECT start_at, end_at, state, connected FROM board_intervals WHERE board_id = ? AND end_at > ? AND start_at < ? "
            "ORDER BY start_at", [board_id, start, end]).fetchall()]
    stored = board_facts.rows(db, ids)
    facts = {}
    for board_id in ids:
        if stored[board_id]:
            facts[board_id] = [{k: r[k] for k in ("from_at", "board_class", "is_test", "unit_catalogue", "unit_code", "hours",
                                                   "prev_hash", "hash")} for r in stored[board_id]]
        else:  # never recorded (rows written straight into `boards`): the facts the report used, without hashes
            facts[board_id] = [{"from_at": f.from_at, "board_class": f.board_class, "is_test": int(f.is_test),
                                "unit_catalogue": f.unit_catalogue, "unit_code": f.unit_code,
                                "hours": [w.model_dump() for w in f.hours]} for f in inp.facts[board_id]]
    checked = verification.check(db, ids, period.start, period.end, checked_at)
    data = {
        "inputs.json": {"catalogue": catalogue, "province": {"code": province_row["code"], "name": province_row["name"]},
                        "period": _period(period), "now": now, "tiers": inp.tiers, "series": inp.series,
                        "units": list(inp.units.values()), "boards": inp.boards, "monitored_from": inp.monitored_from,
                        "groups": inp.groups},
        "board_facts.json": facts,
        "intervals.json": intervals,
        "checkpoints.json": cps,
        "indicators.json": definitions,
        "report.json": {"figures": figures.record(found), "verification_when_exported": checked.as_json()},
        "software.json": software(),
    }
    return {name: evidence.canonical(value) + b"\n" for name, value in data.items()}


def archive(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in sorted({**files, "manifest.json": manifest_of(files)}.items()):
            z.writestr(zipfile.ZipInfo(name, FIXED_DATE), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def export(db: Database, catalogue: str, province: str, period: Period, now: float, out: Path) -> Path:
    with db.atomic():  # one consistent read: a seal running meanwhile cannot split the bundle
        files = build_files(db, catalogue, province, period, now)
    body = archive(files)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(body)
    tmp.replace(out)
    return out
