"""`verify-evidence BUNDLE`: check an evidence bundle and recompute every figure of its report from it alone.

No database and no manager: this module imports only pure ones (the same
uptime, indicator and figure code the manager reports with), so an auditor
can run it on any copy of the project:

    python -m manager verify-evidence quangninh-2026-03.zip

It checks, in order: every file against the SHA-256 manifest (and the
manifest is in its one canonical form, so no byte of the bundle can change
unnoticed); each board's facts rows link and hash; each board's first heartbeat
agrees with its intervals; each checkpoint's seq and
hash links, and the digest of the bundle's intervals over its span; then it
recomputes the report's figures (per board, per indicator, per day) from the
intervals, facts, units, groups and indicator definitions, and compares them
with the figures the bundle states. docs/uptime.md says what this proves.
"""
import json
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from manager import evidence, reasons, uptime
from manager.indicators import IndicatorFile
from manager.reports import figures
from manager.reports.period import Period

FORMAT = "bangtin-evidence/1"
MANIFEST = "manifest.json"
DATA_FILES = ("inputs.json", "board_facts.json", "intervals.json", "checkpoints.json", "indicators.json",
              "report.json", "software.json")


@dataclass
class Result:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def manifest_of(files: dict[str, bytes]) -> bytes:
    return evidence.canonical({"format": FORMAT, "files": {n: evidence.sha256(b) for n, b in sorted(files.items())}}) + b"\n"


def read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        names = [info.filename for info in z.infolist()]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            # A ZIP may hold one name twice: unzip and file managers show the first copy, a dict keeps the last,
            # so a forged copy could be what an auditor reads while the genuine one is what gets verified.
            raise zipfile.BadZipFile(f"the archive holds {', '.join(twice)} more than once")
        return {info.filename: z.read(info) for info in z.infolist()}


def _hashes(files: dict[str, bytes], result: Result) -> bool:
    if MANIFEST not in files:
        result.problems.append("no manifest.json in the bundle")
        return False
    try:
        manifest = json.loads(files[MANIFEST])
        listed = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"manifest.json cannot be read: {exc}")
        return False
    data = {n: b for n, b in files.items() if n != MANIFEST}
    if manifest.get("format") != FORMAT:
        result.problems.append(f"unknown bundle format {manifest.get('format')!r}")
    if set(listed) != set(data) or set(data) != set(DATA_FILES):
        result.problems.append(f"files differ from the manifest's: {sorted(set(listed) ^ set(data)) or sorted(set(data) ^ set(DATA_FILES))}")
    for name, body in sorted(data.items()):
        if listed.get(name) != evidence.sha256(body):
            result.problems.append(f"{name}: SHA-256 differs from the manifest")
    if files[MANIFEST] != manifest_of(data) and not result.problems:
        result.problems.append("manifest.json is not in its canonical form (edited)")
    return not result.problems


def _intervals(rows) -> list[uptime.Interval]:
    return [uptime.Interval(float(s), float(e), str(st), bool(c)) for s, e, st, c in rows]


def _chain(checkpoints: dict, intervals: dict[str, list[uptime.Interval]], result: Result) -> float:
    """Links and digests of the bundle's checkpoints; returns the seconds of sealed span they cover."""
    sealed = 0.0
    for board_id, cps in sorted(checkpoints.items()):
        prev = None
        for cp in cps:
            if prev is not None and (cp["first_seq"] != prev["last_seq"] + 1 or cp["first_prev_hash"] != prev["last_hash"]
                                     or cp["span_start"] != prev["span_end"]):
                result.problems.append(f"{board_id}: checkpoint at seq {cp['first_seq']} does not link to the one before")
            if not cp["ok"]:
                result.problems.append(f"{board_id}: checkpoint at seq {cp['first_seq']} records a broken chain: {reasons.decode(cp['reason']) or '?'}")
            if evidence.interval_digest(intervals.get(board_id, []), cp["span_start"], cp["span_end"]) != cp["intervals_digest"]:
                result.problems.append(f"{board_id}: intervals differ from the digest of the checkpoint at seq {cp['first_seq']}")
            sealed += cp["span_end"] - cp["span_start"]
            prev = cp
    return sealed


def _monitored(first_seen: dict, intervals: dict[str, list[uptime.Interval]], checkpoints: dict, start: float,
               result: Result) -> None:
    """Each board's first heartbeat, as stated, agrees with its intervals (a later one would hide an early outage)."""
    for board_id, ivs in sorted(intervals.items()):
        stated = first_seen.get(board_id)
        if not ivs:
            continue
        lo = min([start] + [c["span_start"] for c in checkpoints.get(board_id, [])])
        if stated is None or stated > ivs[0].start or (stated >= lo and stated != ivs[0].start):
            result.problems.append(f"{board_id}: its first heartbeat ({stated!r}) does not agree with its intervals")


def _compare(stated, computed, where: str, result: Result) -> None:
    if isinstance(stated, dict) and isinstance(computed, dict):
        for k in sorted(set(stated) | set(computed)):
            _compare(stated.get(k), computed.get(k), f"{where}.{k}", result)
    elif isinstance(stated, list) and isinstance(computed, list) and len(stated) == len(computed):
        for k, (a, b) in enumerate(zip(stated, computed)):
            _compare(a, b, f"{where}[{k}]", result)
    else:
        result.figures_checked += 1
        if stated != computed:
            result.problems.append(f"{where}: the bundle states {stated!r}, recomputed {computed!r}")


def verify(path: Path) -> Result:
    result = Result()
    try:
        files = read(path)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a damaged archive is a failed check, not a crash
        result.problems.append(f"cannot read the bundle: {exc}")
        return result
    if not _hashes(files, result):
        return result
    try:
        doc = {name: json.loads(files[name]) for name in DATA_FILES}
        inp = doc["inputs.json"]
        facts_rows = doc["board_facts.json"]
        for board_id, rows in sorted(facts_rows.items()):
            if rows and all("hash" in r for r in rows):
                failed = evidence.check_facts([{**r, "board_id": board_id} for r in rows])
                if failed:
                    result.problems.append(f"{board_id}: {failed}")
            else:
                result.notes.append(f"{board_id}: its facts were not recorded with hashes (taken from its current record)")
        intervals = {b: _intervals(rows) for b, rows in doc["intervals.json"].items()}
        sealed = _chain(doc["checkpoints.json"], intervals, result)
        p = inp["period"]
        period = Period(p["key"], p["label_vi"], date.fromisoformat(p["first_day"]), date.fromisoformat(p["last_day"]))
        _monitored(inp["monitored_from"], intervals, doc["checkpoints.json"], period.start, result)
        measured = max(0.0, min(period.end, inp["now"]) - period.start) * len(inp["boards"])
        result.notes.append(f"sealed spans cover {sealed / 3600:.1f} h of the {measured / 3600:.1f} board-hours of the period; "
                            "the rest rests on raw heartbeats the manager still held when it exported")
        computed = figures.compute(figures.Inputs(
            catalogue=inp["catalogue"], period=period, now=inp["now"], tiers=inp["tiers"],
            units={u["code"]: u for u in inp["units"]}, boards=inp["boards"],
            facts={b: figures.facts_from_rows(rows) for b, rows in facts_rows.items()},
            intervals=intervals, monitored_from=inp["monitored_from"], groups=inp["groups"],
            indicators=IndicatorFile.model_validate(doc["indicators.json"]).indicators, series=inp["series"]))
        recomputed = json.loads(evidence.canonical(figures.record(computed)))
        _compare(doc["report.json"]["figures"], recomputed, "figures", result)
    except (ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"the bundle's data cannot be read: {exc!r}")
    return result


def main(path: Path) -> int:
    result = verify(path)
    for note in result.notes:
        print(f"note: {note}")
    for problem in result.problems:
        print(f"MISMATCH: {problem}")
    if result.ok:
        print(f"{path}: OK: every file matches its SHA-256, the facts and checkpoints link, the intervals match the "
              f"sealed digests, and all {result.figures_checked} figures recomputed from the bundle equal the report's")
        return 0
    print(f"{path}: FAILED ({len(result.problems)} problems)")
    return 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
