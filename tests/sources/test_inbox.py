"""The inbox's rules on a real SQLite file, without a server: dedupe, modes, Update/Cancel, expiry on accept."""
import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from manager import cap, content
from manager.domain import content as dcontent
from manager.auth import Principal
from manager.db import Store
from manager.migrations import migrate
from manager.sources import inbox, store
from manager.sources.base import InboundItem, SourceConfig
from manager.sources.cap_adapter import item_from_xml
from manager.sources.poller import Poller

T_SENT = datetime.fromisoformat("2025-09-05T08:00:00+07:00")
ADMIN = Principal(1, "admin", "admin", None, None)


class FixedClock:
    def __init__(self, now):
        self.value = now

    def now(self):
        return self.value


@pytest.fixture
def db(tmp_path):
    s = Store(tmp_path / "inbox.db")
    migrate(s.db())
    return s.db()


def source(db, mode="auto", **extra) -> dict:
    row, _ = store.create(db, ADMIN, store.SourceIn(name=f"nguồn {mode} {len(store.list_all(db))}", adapter="cap", mode=mode, **extra))
    return row


def live_alerts(db) -> list[dict]:
    return list(db.query("SELECT * FROM alerts WHERE withdrawn_at IS NULL"))


def test_auto_publish_dedupe_update_cancel(db, capdoc):
    src = source(db)
    now = T_SENT + timedelta(hours=13)
    row, changed = inbox.receive(db, src, item_from_xml(capdoc("cap_vi_typhoon.xml")), now)
    assert changed and row["status"] == "published" and row["level"] == 4
    again, changed = inbox.receive(db, src, item_from_xml(capdoc("cap_vi_typhoon.xml")), now)
    assert not changed and again["id"] == row["id"]
    (alert,) = live_alerts(db)
    assert alert["external_id"] == "pctt@quangninh.gov.vn,QN-PCTT-2025-0903-001"
    assert json.loads(alert["area"])["units"] == [{"catalogue": "vn-2025", "code": "22"}, {"catalogue": "vn-2025", "code": "31"}]

    up, _ = inbox.receive(db, src, item_from_xml(capdoc("cap_vi_typhoon_update.xml")), now)
    assert up["status"] == "published" and up["alert_id"] == alert["id"]
    (updated,) = live_alerts(db)
    assert updated["level"] == 5 and updated["headline"].startswith("Bão số 3 rất mạnh")

    cancel, changed = inbox.receive(db, src, item_from_xml(capdoc("cap_vi_typhoon_cancel.xml")), now)
    assert changed and cancel["status"] == "published" and live_alerts(db) == []
    # A second Cancel for the same alert has nothing left to do.
    other = capdoc("cap_vi_typhoon_cancel.xml").replace(b"0903-003", b"0903-004")
    assert inbox.receive(db, src, item_from_xml(other), now)[0]["status"] == "skipped"


def test_update_without_area_keeps_the_boards(db, capdoc):
    src = source(db)
    now = T_SENT + timedelta(hours=7)
    inbox.receive(db, src, item_from_xml(capdoc("cap_vi_typhoon.xml")), now)
    import re

    no_area = re.sub(rb"\s*<area>.*?</area>", b"", capdoc("cap_vi_typhoon_update.xml"), flags=re.S)
    row, _ = inbox.receive(db, src, item_from_xml(no_area), now)
    assert row["status"] == "published"
    (alert,) = live_alerts(db)
    assert json.loads(alert["area"])["units"] and alert["level"] == 5
    # An Update that references nothing we have, and has no area, is skipped, not an error.
    orphan = no_area.replace(b"QN-PCTT-2025-0903-001", b"UNKNOWN-1").replace(b"0903-002", b"0903-ORPHAN")
    assert inbox.receive(db, src, item_from_xml(orphan), now)[0]["status"] == "skipped"


def test_approval_mode_supersede_and_expiry_on_accept(db, capdoc):
    src = source(db, mode="approval")
    now = T_SENT + timedelta(hours=7)
    first, changed = inbox.receive(db, src, item_from_xml(capdoc("cap_vi_typhoon.xml")), now)
    assert not changed and first["status"] == "pending" and live_alerts(db) == []
    update, _ = inbox.receive(db, src, item_from_xml(capdoc("cap_vi_typhoon_update.xml")), now)
    assert inbox.get(db, first["id"])["status"] == "superseded"
    # Accepted after its expiry: refused, nothing published.
    late = datetime(2025, 9, 8, tzinfo=timezone.utc)
    row, changed = inbox.accept(db, ADMIN, update["id"], inbox.AcceptIn(), late)
    assert not changed and row["status"] == "refused" and row["payload"]["error"] == "cap_expired"
    assert live_alerts(db) == []


def test_refused_items_are_kept_with_reasons(db, capdoc):
    src = source(db)
    for name, code in [("bad_entity_bomb.xml", "cap_unsafe_xml"), ("bad_no_area.xml", "cap_no_area"),
                       ("cap_spec_thunderstorm.xml", "cap_expired")]:
        row, changed = inbox.receive(db, src, item_from_xml(capdoc(name)), datetime.now(timezone.utc))
        assert not changed and row["status"] == "refused" and row["payload"]["error"] == code and row["reason"]


def test_news_auto_rule_fills_the_playlist(db):
    playlist = dcontent.create_playlist(db, ADMIN, content.PlaylistIn(name="Tin nguồn", layout="landscape-16x9"))
    row, _ = store.create(db, ADMIN, store.SourceIn(name="RSS tỉnh", adapter="rss", mode="auto", config={"playlist_id": playlist["id"]}))
    item = InboundItem(external_id="tin-1", kind="news", title="Lịch cắt điện", body="Chủ nhật 12/10, 7h-11h.")
    got, changed = inbox.receive(db, row, item, datetime.now(timezone.utc))
    assert changed and got["status"] == "accepted"
    items = dcontent.get_playlist(db, ADMIN, playlist["id"])["items"]
    assert [(i["kind"], i["title"], i["body"]) for i in items] == [("bulletin", "Lịch cắt điện", "Chủ nhật 12/10, 7h-11h.")]


class BrokenAdapter:
    name = "broken"

    def fetch(self, http, config: SourceConfig):
        raise ZeroDivisionError("bug in a province's adapter")


def test_poller_records_adapter_bugs_and_unknown_adapters(tmp_path, monkeypatch, caplog):
    s = Store(tmp_path / "poll.db")
    migrate(s.db())
    with s.write() as db:
        src = source(db, url="http://127.0.0.1:9/never", poll_interval_s=60)
        db["sources"].update(src["id"], {"adapter": "broken"})
    from manager.sources import registry

    monkeypatch.setattr(registry, "BUILTIN", [*registry.BUILTIN, BrokenAdapter])
    poller = Poller(s, FixedClock(datetime.now(timezone.utc)), on_change=lambda: None)
    assert poller.poll_due(wait=True) == 1
    with s.read() as db:
        got = store.get(db, src["id"])
    assert "ZeroDivisionError" in got["last_error"]
    assert "adapter broken failed" in caplog.text
    monkeypatch.setattr(registry, "BUILTIN", [b for b in registry.BUILTIN if b is not BrokenAdapter])
    with s.write() as db:
        db["sources"].update(src["id"], {"last_polled_at": None})
    poller.poll_due(wait=True)
    with s.read() as db:
        assert "no adapter" in store.events(db, src["id"])[0]["message_en"]
    poller.stop()


def test_expires_before_start_is_invalid(capdoc):
    doc = capdoc("cap_vi_test.xml").replace(b"<expires>2025-09-01T10:00:00+07:00</expires>",
                                             b"<effective>2025-09-01T11:00:00+07:00</effective><expires>2025-09-01T10:00:00+07:00</expires>")
    with pytest.raises(cap.CapError) as err:
        cap.map_alert(cap.parse_cap(doc), datetime(2025, 9, 1, tzinfo=timezone.utc))
    assert err.value.reason == "invalid"


def test_a_skipped_shape_is_published_and_noted_for_the_source(db, capdoc):
    src = source(db)
    doc = capdoc("cap_vi_typhoon.xml").replace(b"</areaDesc>", b"</areaDesc><polygon>21.0,107.0 21.1</polygon>")
    row, changed = inbox.receive(db, src, item_from_xml(doc), T_SENT + timedelta(hours=13))
    assert changed and row["status"] == "published"
    (event,) = [e for e in store.events(db, src["id"]) if e["level"] == "warning"]
    assert "<polygon>" in event["message_en"] and "Bỏ qua" in event["message"]


def test_settled_items_are_pruned_and_refused_payloads_kept_small(db, capdoc):
    src = source(db)
    long_ago, now = T_SENT, T_SENT + timedelta(days=200)
    # A CAP message refused (no <scope>) and large: kept, but only in part.
    huge = capdoc("cap_vi_typhoon.xml").replace(b"<scope>Public</scope>", b"").replace(b"<description>", b"<description>" + b"x" * 300_000)
    old_refused, _ = inbox.receive(db, src, item_from_xml(huge), long_ago)
    assert old_refused["status"] == "refused" and old_refused["payload"]["element"] == "scope"
    assert len(old_refused["payload"]["cap_xml"]) < 70_000, "a refused document is kept only in part"
    old_published, _ = inbox.receive(db, src, item_from_xml(capdoc("cap_vi_typhoon.xml")), long_ago + timedelta(hours=13))
    assert old_published["status"] == "published"
    recent_refused, _ = inbox.receive(db, src, item_from_xml(b"<khong-phai-cap/>"), now - timedelta(days=1))
    db["source_events"].insert(dict(source_id=src["id"], at=long_ago.isoformat(), level="error", message="cũ", message_en="old"))

    assert inbox.prune(db, now - timedelta(days=180)) == 1
    left = {r["id"] for r in db.query("SELECT id FROM inbox")}
    assert left == {old_published["id"], recent_refused["id"]}, "published items and recent ones stay"
    assert not [e for e in store.events(db, src["id"]) if e["message_en"] == "old"]


def test_running_poller_prunes_once_a_day(tmp_path):
    s = Store(tmp_path / "prune.db")
    migrate(s.db())
    now = T_SENT + timedelta(days=400)
    with s.write() as db:
        src = source(db)
        inbox.receive(db, src, item_from_xml(b"<khong-phai-cap/>"), T_SENT)
    poller = Poller(s, FixedClock(now), on_change=lambda: None, tick_s=0.05, keep_days=180)
    poller.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and s.db().execute("SELECT count(*) FROM inbox").fetchone()[0]:
            time.sleep(0.05)
    finally:
        poller.stop()
    assert s.db().execute("SELECT count(*) FROM inbox").fetchone()[0] == 0
