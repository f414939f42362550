"""Central mode: pull the indicator reports of the provincial managers and add them up by province.

The provincial managers are listed in a JSON file (setting `central_sources`):
[{"name": "Hà Nội", "url": "https://…", "token": "bt_…", "catalogue": "vn-2025", "province": "01"}, …];
each token belongs to an auditor (or admin) account on that manager. A
province that cannot be reached is shown as such, and left out of the
national figures, which are the sum of numerators over the sum of
denominators of the provinces that have data.
"""
import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from manager import evidence_verify
from manager.errors import AppError, BadInput
from manager.reports import period as periods
from manager.reports.service import default_period

TIMEOUT_S = 30


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    url: str = Field(pattern=r"^https?://")
    token: str = Field(min_length=8)
    catalogue: str = "vn-2025"
    province: str


def load_sources(path: Path | None) -> list[Source]:
    if path is None:
        raise BadInput("Máy chủ không chạy ở chế độ trung ương (thiếu central_sources)",
                       "not in central mode: the central_sources setting is empty")
    try:
        return [Source.model_validate(s) for s in json.loads(Path(path).read_text(encoding="utf-8"))]
    except (OSError, ValueError, ValidationError) as exc:
        raise AppError(f"Không đọc được danh sách máy chủ tỉnh {path}: {exc}", f"cannot read central sources {path}: {exc}") from exc


@dataclass
class ProvinceRow:
    source: Source
    ok: bool
    error: str = ""
    summary: dict = field(default_factory=dict)


@dataclass
class National:
    period: periods.Period
    rows: list[ProvinceRow]
    totals: list[dict]  # per indicator id: numerator, denominator, value_pct, provinces counted


def pull(source: Source, period_key: str, client: httpx.Client) -> ProvinceRow:
    try:
        response = client.get(
            source.url.rstrip("/") + "/api/v1/reports/indicators",
            params={"catalogue": source.catalogue, "province": source.province, "period": period_key},
            headers={"Authorization": f"Bearer {source.token}"},
        )
    except httpx.HTTPError as exc:
        return ProvinceRow(source, False, f"không kết nối được: {exc}")
    if response.status_code != 200:
        return ProvinceRow(source, False, f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        summary = response.json()
        indicators = summary["indicators"]
        if not isinstance(indicators, list):
            raise TypeError("indicators is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        return ProvinceRow(source, False, f"trả lời không đúng định dạng: {exc}")
    return ProvinceRow(source, True, summary=summary)


def totals(rows: list[ProvinceRow]) -> list[dict]:
    out: dict[str, dict] = {}
    for row in rows:
        for x in row.summary.get("indicators", []) if row.ok else []:
            t = out.setdefault(x["id"], {"id": x["id"], "number": x["number"], "title_vi": x["title_vi"],
                                         "target_pct": x["target_pct"], "numerator": 0, "denominator": 0, "provinces": 0})
            if x["value_pct"] is None:
                continue
            t["numerator"] += x["numerator"]
            t["denominator"] += x["denominator"]
            t["provinces"] += 1
    for t in out.values():
        t["value_pct"] = round(100.0 * t["numerator"] / t["denominator"], 2) if t["denominator"] else None
    return sorted(out.values(), key=lambda t: t["id"])


def roll_up(state, period_text: str | None) -> National:
    sources = load_sources(state.settings.central_sources)
    period = periods.parse(period_text or default_period(state.clock.time()))
    with httpx.Client(timeout=TIMEOUT_S) as client, ThreadPoolExecutor(max_workers=8) as pool:
        rows = list(pool.map(lambda s: pull(s, period.key, client), sources))
    return National(period, rows, totals(rows))


def as_json(national: National) -> dict:
    return {
        "period": {"key": national.period.key, "label": national.period.label_vi},
        "totals": national.totals,
        "provinces": [
            {"name": r.source.name, "url": r.source.url, "catalogue": r.source.catalogue, "province": r.source.province,
             "ok": r.ok, "error": r.error, "indicators": r.summary.get("indicators", []), "has_data": r.summary.get("has_data")}
            for r in national.rows
        ],
    }


def fetch_evidence(source: Source, period: periods.Period, keep: Path, client: httpx.Client) -> tuple[bool, str]:
    """Fetch a province's evidence bundle for a closed period, verify it, keep it: (ok, what happened).

    The first copy kept is never overwritten. A later fetch that differs is kept
    beside it (`<period>-<sha256 prefix>.zip`) and reported: the province's
    record of a closed period changed after the centre took its copy.
    """
    try:
        response = client.get(source.url.rstrip("/") + "/api/v1/reports/evidence",
                              params={"catalogue": source.catalogue, "province": source.province, "period": period.key},
                              headers={"Authorization": f"Bearer {source.token}"})
    except httpx.HTTPError as exc:
        return False, f"cannot connect: {exc}"
    if response.status_code != 200:
        return False, f"HTTP {response.status_code}: {response.text[:200]}"
    folder = keep / source.province
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / f"{period.key}.zip"
    digest = hashlib.sha256(response.content).hexdigest()
    target = first if not first.exists() else folder / f"{period.key}-{digest[:12]}.zip"
    part = target.with_name(target.name + ".part")
    part.write_bytes(response.content)
    result = evidence_verify.verify(part)
    if not result.ok:
        return False, f"the bundle does not verify, not kept ({part}): {result.problems[0]}"
    if first.exists() and _evidence(first) == _evidence(part):
        part.unlink()
        return True, f"unchanged since kept: {first}"
    part.replace(target)
    if target != first:
        return False, f"CHANGED since the copy kept in {first}; the new one is kept as {target}"
    return True, f"kept {target} (verified, {result.figures_checked} figures)"


def _evidence(path: Path) -> tuple:
    """What must not change once a period is closed: the data and the figures (not when or by which build it was exported)."""
    files = evidence_verify.read(path)
    return (tuple(sorted((n, b) for n, b in files.items() if n not in ("manifest.json", "report.json", "software.json"))),
            json.loads(files["report.json"])["figures"])


def fetch_evidence_command(sources_path: Path, period_text: str, keep: Path) -> int:
    """`fetch-evidence`: each province's bundle of a closed period, verified and kept; exit 1 when one is not."""
    sources = load_sources(sources_path)
    period = periods.parse(period_text)
    if period.end > time.time():
        raise SystemExit(f"{period.key} has not ended yet: bundles are kept for closed periods only")
    failed = 0
    with httpx.Client(timeout=TIMEOUT_S) as client:
        for source in sources:
            ok, what = fetch_evidence(source, period, keep, client)
            failed += not ok
            print(f"{source.province} {source.name}: {'OK' if ok else 'FAILED'}: {what}")
    return 1 if failed else 0
