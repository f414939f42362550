"""Board facts over time, the evidence bundle, and tampering shown on the report, on a live manager.

The province scenario (tests/uptime/scenario.py), then on Wednesday 4 March
01:00 board A1 becomes a large board and reports two more days, and the first
three days are sealed. The checks run on 2 April, when March is closed.
"""
import csv
import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from datetime import datetime

import openpyxl
import pytest

from manager import board_facts, evidence_verify, i18n
from manager.reports import cli as chain_cli
from manager.db import connect
from protocol.timebase import VN_TZ
from tests.live_manager import ROOT, Client, LiveManager
from tests.uptime import scenario as sc
from tests.uptime.uptime_helpers import payloads

MONTH = {"period": "2026-03"}
PAST = {"period": sc.PERIOD}
APRIL_2 = datetime(2026, 4, 2, 0, 0, tzinfo=VN_TZ).timestamp()
CLASS_CHANGE = sc.day(2, "01:00:00")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    live = LiveManager(tmp_path_factory.mktemp("evidence"), fake_clock=sc.T0 - 600).start()
    ids, clients, chains = sc.run_keeping(live)
    live.set_clock(CLASS_CHANGE)
    live.admin.patch(f"/api/v1/boards/{ids['A1']}", json={"board_class": "large"}).raise_for_status()
    for t in sc.every(sc.day(2, "06:00:05"), sc.day(3, "21:50:05"), 600):
        live.set_clock(t)
        clients["A1"].post(f"/api/v1/boards/{ids['A1']}/heartbeats", json=payloads([chains["A1"].beat(t)])).raise_for_status()
    db = connect(live.db_path)
    chain_cli.seal(db, keep_hours=0, now=sc.day(3, "00:00:00"))  # the first three days sealed, the rest still raw
    db.close()
    live.set_clock(APRIL_2)
    live.ids = ids
    yield live
    live.stop()


def api_report(live, params) -> dict:
    r = live.admin.get("/api/v1/reports/indicators", params={"catalogue": sc.CATALOGUE, "province": sc.PROVINCE, **params})
    r.raise_for_status()
    return r.json()


FIGURE_COLUMNS = ("id", "in_force", "board_class", "unit_code", "on_screen_pct", "connected_pct", "operating_h", "outages", "outage_h")


def figures_of(report: dict) -> dict:
    return {"indicators": [(x["id"], x["numerator"], x["denominator"], x["value_pct"]) for x in report["indicators"]],
            "boards": sorted(tuple(r[k] for k in FIGURE_COLUMNS) for r in report["tables"]["boards"]["rows"]),
            "units": report["tables"]["units"]["rows"], "series": report["tables"]["series"]["rows"]}


def test_a_board_that_changed_class_counts_with_each_class_for_its_part(live):
    rows = [r for r in api_report(live, MONTH)["tables"]["boards"]["rows"] if r["id"] == live.ids["A1"]]
    assert [(r["key"], r["board_class"]) for r in rows] == [(live.ids["A1"] + "#1", "commune"), (live.ids["A1"] + "#2", "large")]
    assert all(r["on_screen_pct"] is not None and r["in_force"] for r in rows)
    before, after = rows
    # The commune part runs from the month's start to the change; the large part from the change to the month's end.
    assert before["in_force"].endswith("→ 2026-03-04 01:00") and after["in_force"].startswith("2026-03-04 01:00 →")
    # By hand. As a commune board it reported only on 2 and 3 March (06:00-22:00 hours; nothing after 22:00 on the
    # 3rd counts): the same figure as the two-day report. As a large board, from 4 March 01:00 to the month's end:
    # 28 days of 16 operating hours, of which it was connected on 4 and 5 March from 06:00:05 to 22:00.
    two_days = {r["id"]: r for r in api_report(live, PAST)["tables"]["boards"]["rows"]}[live.ids["A1"]]
    assert before["on_screen_pct"] == two_days["on_screen_pct"] and before["operating_h"] == two_days["operating_h"]
    assert after["operating_h"] == 28 * 16
    assert after["connected_pct"] == round(100 * 2 * (16 * 3600 - 5) / (28 * 16 * 3600), 2) == 7.14


def test_bundle_reproduces_the_report_and_fails_after_any_changed_byte(live, tmp_path):
    page = api_report(live, MONTH)
    bundle = tmp_path / "qn.zip"
    run = subprocess.run([sys.executable, "-m", "manager", "export-evidence", "--db", str(live.db_path), "--province",
                          sc.PROVINCE, "--catalogue", sc.CATALOGUE, "--period", "2026-03", "--out", str(bundle)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    # verify-evidence: no database, no web stack, only the bundle.
    check = subprocess.run([sys.executable, "-c", (
        "import sys; from manager.__main__ import main; rc = main(['verify-evidence', sys.argv[1]]); "
        "assert not {'sqlite_utils', 'sqlite3', 'fastapi'} & set(sys.modules), 'verify-evidence imported the manager'; "
        "sys.exit(rc)"), str(bundle)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "OK: every file matches its SHA-256" in check.stdout
    # The bundle's figures are the page's, to the rounding the page shows.
    with zipfile.ZipFile(bundle) as z:
        stated = json.loads(z.read("report.json"))["figures"]
        assert set(z.namelist()) == {"manifest.json", *evidence_verify.DATA_FILES}
        assert json.loads(z.read("software.json"))["name"] == "bangtin"
        assert json.loads(z.read("checkpoints.json")), "the sealed days' checkpoints travel with their digests"
    assert [(x["id"], x["numerator"], x["denominator"], None if x["value_pct"] is None else round(x["value_pct"], 2))
            for x in stated["indicators"]] == [(x["id"], x["numerator"], x["denominator"], x["value_pct"]) for x in page["indicators"]]
    shown = {r["key"]: r for r in page["tables"]["boards"]["rows"]}
    assert {b["key"] for b in stated["boards"]} == set(shown)
    for b in stated["boards"]:
        assert (b["board_class"], b["unit_code"]) == (shown[b["key"]]["board_class"], shown[b["key"]]["unit_code"])
        assert (round(b["on_screen_pct"], 2), round(b["connected_pct"], 2)) == (
            shown[b["key"]]["on_screen_pct"], shown[b["key"]]["connected_pct"])
    assert evidence_verify.verify(bundle).figures_checked > 100
    # Any byte of any file changed: the bundle no longer verifies.
    with zipfile.ZipFile(bundle) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    for name, body in files.items():
        for at in (0, len(body) // 3, len(body) // 2, len(body) - 2):
            changed = bytearray(body)
            changed[at] ^= 0x01
            path = tmp_path / "changed.zip"
            with zipfile.ZipFile(path, "w") as z:
                for other, content in files.items():
                    z.writestr(other, bytes(changed) if other == name else content)
            assert not evidence_verify.verify(path).ok, (name, at)
    raw = bundle.read_bytes()
    for at in (len(raw) // 4, len(raw) // 2, len(raw) - 10):  # compressed data, and the archive's directory
        damaged = bytearray(raw)
        damaged[at] ^= 0xFF
        (tmp_path / "damaged.zip").write_bytes(bytes(damaged))
        assert not evidence_verify.verify(tmp_path / "damaged.zip").ok, at


def test_a_bundle_whose_figures_were_rewritten_with_a_fresh_manifest_fails(live, tmp_path):
    """Changing a figure and recomputing the manifest is not enough: the figures are recomputed from the data."""
    r = live.admin.get("/api/v1/reports/evidence", params={"catalogue": sc.CATALOGUE, "province": sc.PROVINCE, **MONTH})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    (tmp_path / "b.zip").write_bytes(r.content)
    assert evidence_verify.verify(tmp_path / "b.zip").ok
    files = evidence_verify.read(tmp_path / "b.zip")
    report = json.loads(files["report.json"])
    report["figures"]["indicators"][0]["numerator"] += 1
    files["report.json"] = json.dumps(report).encode()
    intervals = json.loads(files["intervals.json"])
    b1 = live.ids["B1"]
    intervals[b1] = [[s, e, "on" if st == "error" else st, c] for s, e, st, c in intervals[b1]]
    original = evidence_verify.read(tmp_path / "b.zip")
    inputs = json.loads(original["inputs.json"])
    inputs["monitored_from"][live.ids["A1"]] += 3 * 3600  # "it started later": its first hours would not count
    for variant in ({**files, "report.json": files["report.json"]},
                    {**original, "intervals.json": json.dumps(intervals).encode()},
                    {**original, "inputs.json": json.dumps(inputs).encode()}):
        data = {k: v for k, v in variant.items() if k != "manifest.json"}
        path = tmp_path / "forged.zip"
        with zipfile.ZipFile(path, "w") as z:
            for name, body in {**data, "manifest.json": evidence_verify.manifest_of(data)}.items():
                z.writestr(name, body)
        result = evidence_verify.verify(path)
        assert not result.ok and result.problems


def test_changing_facts_today_leaves_past_figures_unchanged(live):
    ids = live.ids
    before = {k: figures_of(api_report(live, p)) for k, p in (("past", PAST), ("month", MONTH))}
    live.admin.patch(f"/api/v1/boards/{ids['L1']}", json={"board_class": "commune"}).raise_for_status()
    live.admin.patch(f"/api/v1/boards/{ids['T']}", json={"is_test": False}).raise_for_status()
    live.admin.patch(f"/api/v1/boards/{ids['A2']}", json={"is_test": True}).raise_for_status()
    # A board moved to another commune (the code that moves a board records its facts, as the settings route does).
    with sqlite3.connect(live.db_path) as raw:
        raw.execute("UPDATE boards SET unit_code = '90202' WHERE id = ?", [ids["B1"]])
    db = connect(live.db_path)
    with db.atomic():
        assert board_facts.record(db, ids["B1"], APRIL_2)
    db.close()
    after = {k: figures_of(api_report(live, p)) for k, p in (("past", PAST), ("month", MONTH))}
    assert after == before
    # This month, each set of facts holds from its change on (2 April, 00:00): the old ones before it.
    now: dict[str, list] = {}
    for r in api_report(live, {"period": "2026-04"})["tables"]["boards"]["rows"]:
        now.setdefault(r["id"], []).append((r["board_class"], r["unit_code"], r["in_force"]))
    change, end = "2026-04-02 00:00", "2026-05-01 00:00"
    assert now[ids["L1"]] == [("large", "901", f"2026-04-01 00:00 → {change}"), ("commune", "901", f"{change} → {end}")]
    assert now[ids["T"]] == [("commune", "90202", f"{change} → {end}")], "counted from when it stopped being a test board"
    assert now[ids["A2"]] == [("commune", "90102", f"2026-04-01 00:00 → {change}")], "left out from when it became one"
    assert now[ids["B1"]] == [("commune", "90201", f"2026-04-01 00:00 → {change}"), ("commune", "90202", f"{change} → {end}")]
    assert api_report(live, PAST)["verification"]["failures"] == []


def test_tampering_shows_on_the_report_pages_and_exports(live):
    b1 = live.ids["B1"]
    # B1's error Monday lies in sealed time: turned into "on", its uptime would rise from 0 % to 100 %.
    with sqlite3.connect(live.db_path) as raw:
        raw.execute("UPDATE board_intervals SET state = 'on' WHERE board_id = ? AND state = 'error'", [b1])
    page = live.admin.get(f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}", params=PAST)
    assert 'data-state="failed"' in page.text and "KHÔNG xác minh được" in page.text
    assert f"Không khớp: bảng tin {b1}" in page.text
    csv_body = live.admin.get(f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}/export/indicators.csv", params=PAST)
    lines = [r[0] for r in csv.reader(io.StringIO(csv_body.content.decode("utf-8-sig"))) if r]
    assert any(line.startswith("Xác minh số liệu với chuỗi: KHÔNG xác minh được") for line in lines)
    assert any(line.startswith(f"Không khớp: bảng tin {b1}") for line in lines)
    board = live.admin.get(f"/reports/board/{b1}", params=PAST)
    assert 'data-ok="false"' in board.text and "khác với mã băm niêm phong trong điểm niêm phong" in board.text
    run = subprocess.run([sys.executable, "-m", "manager", "verify-chain", "--db", str(live.db_path), "--board", b1],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and f"{b1}: BROKEN at seq" in run.stdout and "digest" in run.stdout
    rows = {r["id"]: r for r in api_report(live, PAST)["tables"]["boards"]["rows"]}
    assert rows[b1]["full_check"].startswith("KHÔNG khớp (kiểm tra đầy đủ lúc") and rows[b1]["verified"] == "KHÔNG xác minh được"
    # The reasons speak the page's language: none of the English wording on the Vietnamese pages and exports.
    english = {i18n.text("en", k) for k in i18n.MESSAGES if k.startswith("reason.") and k != "reason.legacy"}
    english |= {"broken at seq", "full check of", "Does not match", "differ from", "does not match", "do not link"}
    board = live.admin.get(f"/reports/board/{b1}", params=PAST)
    page = live.admin.get(f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}", params=PAST)
    xlsx = live.admin.get(f"/reports/province/{sc.CATALOGUE}/{sc.PROVINCE}/export/boards.xlsx", params=PAST)
    cells = [str(c) for ws in openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets for r in ws.iter_rows(values_only=True)
             for c in r if c is not None]
    assert any(c.startswith(f"Không khớp: bảng tin {b1}: bị phá vỡ tại seq") for c in cells), cells[-6:]
    for where, body in (("board page", board.text), ("province page", page.text), ("csv", "\n".join(lines)),
                        ("xlsx", "\n".join(cells))):
        assert "các khoảng trạng thái đã lưu khác với" in body, where
        assert not [e for e in english if e in body], where
    en = Client(live.base_url, live.admin_token).get(f"/reports/board/{b1}", params={**PAST, "lang": "en"})
    assert "stored intervals differ from the digest sealed in the checkpoint" in en.text
    assert "khác với mã băm" not in en.text
    failure = api_report(live, PAST)["verification"]["failures"][0]
    assert failure["board"] == b1 and "mã băm" in failure["reason"] and "digest" in failure["reason_en"]
