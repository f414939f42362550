"""Central mode: a manager pulls two provincial managers' indicator reports (authenticated) and adds them up."""
import json
import sqlite3

from manager.auth import create_api_token, create_user
from manager.db import connect
from tests.live_manager import Client, free_port
from tests.uptime import scenario as sc
from tests.uptime.uptime_helpers import Chain, payloads

SMALL_CSV = """code,name,kind,parent_code
91,Tỉnh Nhỏ,province,
911,Huyện Nhỏ,district,91
91101,Xã Nhỏ Một,commune,911
91102,Xã Nhỏ Hai,commune,911
"""


def auditor_token(live, province: str, catalogue: str = sc.CATALOGUE, name: str = "trunguong") -> str:
    db = connect(live.db_path)
    with db.atomic():
        token = create_api_token(db, create_user(db, f"{name}{province}", None, "auditor", catalogue, province), "central")
    db.close()
    return token


def test_national_roll_up_by_province(province, manager_factory, tmp_path):
    big, _ = province
    small = manager_factory(fake_clock=sc.T0 - 600)  # paired before the period: its heartbeats cannot predate pairing
    small.admin.post("/api/v1/units/import-csv", params={"catalogue": sc.CATALOGUE, "name": "Thử", "version": "1"},
                     data=SMALL_CSV.encode()).raise_for_status()
    board, token = small.pair_board(unit_code="91101", name="Bảng nhỏ", unit_catalogue=sc.CATALOGUE)
    small.set_clock(sc.END + 3600)
    chain = Chain(600)
    backlog = [chain.beat(t, offline=True) for t in sc.every(sc.T0, sc.END - 600, 600)]
    small.board_client(token).post(f"/api/v1/boards/{board}/heartbeats", json=payloads(backlog)).raise_for_status()

    sources = tmp_path / "sources.json"
    sources.write_text(json.dumps([
        {"name": "Tỉnh Thử Nghiệm", "url": big.base_url, "token": auditor_token(big, "90"), "catalogue": sc.CATALOGUE, "province": "90"},
        {"name": "Tỉnh Nhỏ", "url": small.base_url, "token": auditor_token(small, "91"), "catalogue": sc.CATALOGUE, "province": "91"},
        {"name": "Tỉnh Sai Mã", "url": small.base_url, "token": "bt_wrong-token", "catalogue": sc.CATALOGUE, "province": "91"},
        {"name": "Tỉnh Mất Mạng", "url": f"http://127.0.0.1:{free_port()}", "token": "bt_whatever", "province": "92"},
    ], ensure_ascii=False))
    central = manager_factory(fake_clock=sc.END + 3600, extra_args=["--central-sources", str(sources)])

    national = central.admin.get("/api/v1/reports/national", params={"period": sc.PERIOD}).json()
    rows = {p["name"]: p for p in national["provinces"]}
    assert rows["Tỉnh Thử Nghiệm"]["ok"] and rows["Tỉnh Nhỏ"]["ok"]
    assert not rows["Tỉnh Sai Mã"]["ok"] and "401" in rows["Tỉnh Sai Mã"]["error"]
    assert not rows["Tỉnh Mất Mạng"]["ok"]
    small_values = {x["id"]: (x["numerator"], x["denominator"], x["value_pct"]) for x in rows["Tỉnh Nhỏ"]["indicators"]}
    assert small_values == {"1.5": (0, 0, None), "1.6": (1, 2, 50.0), "2.2": (0, 1, 0.0)}
    totals = {t["id"]: (t["numerator"], t["denominator"], t["value_pct"], t["provinces"]) for t in national["totals"]}
    assert totals == {"1.5": (1, 2, 50.0, 1), "1.6": (2, 5, 40.0, 2), "2.2": (1, 3, 33.33, 2)}

    page = central.admin.get("/reports/national", params={"period": sc.PERIOD})
    assert page.status_code == 200 and "Tỉnh Nhỏ" in page.text and ">40<" in page.text and ">33,33<" in page.text
    csv_body = central.admin.get("/reports/national/export/totals.csv", params={"period": sc.PERIOD}).content.decode("utf-8-sig")
    assert "40.0" in csv_body and "33.33" in csv_body
    # Each province's verification status travels with the national figures, on the page and in the exports.
    assert "Xác minh số liệu với chuỗi, theo từng tỉnh: Tỉnh Thử Nghiệm: " in page.text
    assert "Tỉnh Nhỏ: mới kiểm tra nhanh" in csv_body and "Kiểm tra nhanh:" in csv_body
    english = Client(central.base_url, central.admin_token).get("/reports/national", params={"period": sc.PERIOD, "lang": "en"})
    assert "<h1>National roll-up <span" in english.text and "Share of communes with a public electronic bulletin board" in english.text
    assert "By province" in english.text and "Tổng hợp toàn quốc" not in english.text and ">33.33<" in english.text
    # A provincial manager is not in central mode.
    assert small.admin.get("/api/v1/reports/national").status_code == 422


def test_central_fetches_and_keeps_each_province_bundle_of_a_closed_period(province, manager_factory, tmp_path, capsys):
    from manager import central

    big, ids = province
    small = manager_factory(fake_clock=sc.T0 - 600)  # paired before the period: its heartbeats cannot predate pairing
    small.admin.post("/api/v1/units/import-csv", params={"catalogue": sc.CATALOGUE, "name": "Thử", "version": "1"},
                     data=SMALL_CSV.encode()).raise_for_status()
    board, token = small.pair_board(unit_code="91101", name="Bảng nhỏ", unit_catalogue=sc.CATALOGUE)
    small.set_clock(sc.END + 3600)
    beats = [Chain(600).beat(t, offline=True) for t in sc.every(sc.T0, sc.T0 + 3000, 600)]
    small.board_client(token).post(f"/api/v1/boards/{board}/heartbeats", json=payloads(beats)).raise_for_status()
    sources = tmp_path / "sources.json"
    sources.write_text(json.dumps([
        {"name": "Tỉnh Thử Nghiệm", "url": big.base_url, "token": auditor_token(big, "90", name="chungcu"),
         "catalogue": sc.CATALOGUE, "province": "90"},
        {"name": "Tỉnh Nhỏ", "url": small.base_url, "token": auditor_token(small, "91"), "catalogue": sc.CATALOGUE, "province": "91"},
        {"name": "Tỉnh Sai Mã", "url": small.base_url, "token": "bt_wrong-token", "catalogue": sc.CATALOGUE, "province": "93"},
    ], ensure_ascii=False))
    kept = tmp_path / "kept"
    assert central.fetch_evidence_command(sources, sc.PERIOD, kept) == 1  # the wrong token fails; the others are kept
    out = capsys.readouterr().out
    assert "90 Tỉnh Thử Nghiệm: OK: kept" in out and "91 Tỉnh Nhỏ: OK: kept" in out and "93 Tỉnh Sai Mã: FAILED: HTTP 401" in out
    assert (kept / "90" / f"{sc.PERIOD}.zip").is_file() and (kept / "91" / f"{sc.PERIOD}.zip").is_file()
    central.fetch_evidence_command(sources, sc.PERIOD, kept)
    assert "91 Tỉnh Nhỏ: OK: unchanged since kept" in capsys.readouterr().out
    # The province rewrites its record of the closed period afterwards: the centre's copy shows it.
    with sqlite3.connect(small.db_path) as raw:
        raw.execute("UPDATE board_intervals SET end_at = end_at - 60 WHERE board_id = ?", [board])
    assert central.fetch_evidence_command(sources, sc.PERIOD, kept) == 1
    assert "91 Tỉnh Nhỏ: FAILED: CHANGED since the copy kept" in capsys.readouterr().out
    assert len(list((kept / "91").glob("*.zip"))) == 2
    try:
        central.fetch_evidence_command(sources, "2999-01", kept)
    except SystemExit as exc:
        assert "has not ended yet" in str(exc)
    else:
        raise AssertionError("an open period is refused")
