"""The inbox page lets an approver choose the units of a warning that only names its area (issue 13)."""
import re
from datetime import datetime, timezone

from tests.console.conftest import ConsoleSession
from tests.live_manager import ADMIN_PASSWORD, Client
from tests.sources.conftest import FeedServer, shifted


def test_an_approver_ticks_the_units_for_an_ambiguous_name(manager):
    r = manager.admin.post("/api/v1/sources", json={"name": "PCTT (chọn đơn vị)", "adapter": "cap", "url": "", "mode": "auto", "poll_interval_s": 0})
    source = r.json()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    doc = shifted("cap_vi_flash_flood_by_name.xml", now).replace("xã Bát Xát, tỉnh Lào Cai".encode(), "Xã Bình Minh".encode())
    item = Client(manager.base_url, source["push_token"]).post(f"/api/v1/sources/{source['id']}/cap", data=doc,
                                                               headers={"Content-Type": "application/cap+xml"}).json()
    assert item["status"] == "pending"

    admin = ConsoleSession(manager, "admin", ADMIN_PASSWORD)
    page = admin.get("/inbox").text
    offered = re.findall(r'name="unit" value="(vn-2025:\d+)"', page)
    assert len(offered) == 5 and "Xã Bình Minh" in page and "chọn đơn vị" in page
    r = admin.post(f"/inbox/{item['id']}/accept", data={"csrf_token": admin.csrf, "unit": offered[2]})
    assert r.status_code == 303
    done = manager.admin.get(f"/api/v1/inbox/{item['id']}").json()
    assert done["status"] == "published"
    alert = manager.admin.get(f"/api/v1/alerts/{done['alert_id']}").json()
    assert alert["area"]["units"] == [{"catalogue": "vn-2025", "code": offered[2].split(":")[1]}]
    manager.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()


def test_sources_page_does_not_call_a_source_with_failing_links_normal(manager):
    feed = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>t</title><updated>2025-09-05T01:00:00Z</updated>'
            b'<entry><id>e-1</id><title>1</title><updated>2025-09-05T01:00:00Z</updated>'
            b'<link type="application/cap+xml" href="/missing.xml"/></entry></feed>')
    server = FeedServer()
    try:
        url = server.serve("/atom.xml", feed, "application/atom+xml")
        r = manager.admin.post("/api/v1/sources", json={"name": "Atom (liên kết hỏng, trang)", "adapter": "cap", "url": url, "poll_interval_s": 3600})
        source_id = r.json()["id"]
        assert manager.admin.post(f"/api/v1/sources/{source_id}/poll").json()["health"] == "degraded"
    finally:
        server.close()
    page = ConsoleSession(manager, "admin", ADMIN_PASSWORD).get("/sources").text
    row = re.search(rf'<tr data-source="{source_id}".*?</tr>', page, re.S).group(0)
    assert "1 bản tin liên kết không tải được" in row and "Bình thường" not in row, row
    assert "Lần thành công gần nhất" in row
