"""Issue 13: outbound fetches that cannot reach inside (hanging sources: test_alert_senders.py).

A canary HTTP server on loopback stands for an internal service (an admin page
with a password): it must receive no request at all. The manager here
allow-lists only its feed server's port, as an admin would allow one feed on
the LAN.
"""
import pytest

from manager.sources.base import Fetcher, SourceError
from manager.sources.guard import Blocked, Guard
from tests.sources.conftest import FeedServer
from tests.sources.test_source_link import make_source

SECRET = b"<html><body>admin password: hunter2-noi-bo</body></html>"


@pytest.fixture(scope="module")
def servers():
    feeds, canary = FeedServer(), FeedServer()
    canary.serve("/admin", SECRET, "text/html")
    feeds.serve("/internal/admin", SECRET, "text/html")  # an allow-listed host's page that is not an alert
    yield feeds, canary
    feeds.close()
    canary.close()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, servers):
    from tests.live_manager import LiveManager

    feeds, _ = servers
    port = feeds.base_url.rsplit(":", 1)[1]
    live = LiveManager(tmp_path_factory.mktemp("guarded"), extra_args=["--source-allow-hosts", f"127.0.0.1:{port}"]).start()
    yield live
    live.stop()


def atom_linking(*hrefs: str) -> bytes:
    entries = "".join(f'<entry><id>e-{n}</id><title>Bản tin {n}</title><updated>2025-09-05T01:00:00Z</updated>'
                      f'<link type="application/cap+xml" href="{href}"/></entry>' for n, href in enumerate(hrefs))
    return (f'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>Nguồn</title>'
            f'<updated>2025-09-05T01:00:00Z</updated>{entries}</feed>').encode()


def test_a_source_on_an_internal_address_is_refused_and_never_contacted(guarded, servers):
    _, canary = servers
    for n, url in enumerate([canary.base_url + "/admin", canary.base_url.replace("127.0.0.1", "localhost") + "/admin"]):
        source_id, _ = make_source(guarded, f"Nguồn nội bộ {n}", url=url, poll_interval_s=3600)
        source = guarded.admin.post(f"/api/v1/sources/{source_id}/poll").json()
        assert source["last_error"].startswith(f"Không kết nối được {url}") and source["health"] == "failing"
        assert "refused" not in source["last_error"].lower() and "errno" not in source["last_error"].lower()
    assert canary.gets == []


def test_a_feed_cannot_link_or_redirect_inside(guarded, servers):
    feeds, canary = servers
    feeds.redirects["/redirect-inside.xml"] = canary.base_url + "/admin"
    feed = atom_linking(canary.base_url + "/admin", "/redirect-inside.xml")
    source_id, _ = make_source(guarded, "Atom trỏ vào trong", url=feeds.serve("/inside/atom.xml", feed), poll_interval_s=3600)
    source = guarded.admin.post(f"/api/v1/sources/{source_id}/poll").json()
    assert source["linked_failures"] == 2 and source["health"] == "degraded"
    assert canary.gets == [], "neither the link nor the redirect reached the internal service"
    assert "/redirect-inside.xml" in feeds.gets  # the allowed host was asked; where it pointed was not
    events = guarded.admin.get("/api/v1/source-events", params={"source_id": source_id}).json()
    assert all("Không kết nối được" in e["message"] and "hunter2" not in e["message"] for e in events)


def test_a_body_that_is_no_alert_is_never_stored_or_shown(guarded, servers):
    feeds, _ = servers
    source_id, _ = make_source(guarded, "Atom trỏ tới trang quản trị", url=feeds.serve("/page/atom.xml", atom_linking("/internal/admin")),
                               poll_interval_s=3600)
    guarded.admin.post(f"/api/v1/sources/{source_id}/poll").raise_for_status()
    (listed,) = guarded.admin.get("/api/v1/inbox", params={"source_id": source_id}).json()
    item = guarded.admin.get(f"/api/v1/inbox/{listed['id']}")
    assert listed["status"] == "refused"
    for text in (guarded.admin.get("/api/v1/inbox", params={"limit": 2000}).text, item.text):
        assert "hunter2" not in text
    import hashlib

    assert item.json()["payload"]["document"] == {"type": "text/html", "size": len(SECRET), "sha256": hashlib.sha256(SECRET).hexdigest()}


def test_the_connection_itself_refuses_an_internal_address(servers):
    """DNS rebinding: the name looked public when checked, and resolves inside when connecting. The
    check inside the connection is made on the address connected to, so nothing reaches the canary."""
    _, canary = servers
    fetcher = Fetcher(guard=Guard())
    fetcher.guard.check_url = lambda url: None  # the first answer, as a rebinding name would give it
    with pytest.raises(SourceError) as err:
        fetcher.get(canary.base_url.replace("127.0.0.1", "localhost") + "/admin", 2)
    assert err.value.message_vi.startswith("Không kết nối được")
    assert canary.gets == []


def test_the_manager_itself_needs_its_own_port_allow_listed():
    me = [("127.0.0.1", 8000)]
    loopback = Guard("127.0.0.1", me)
    assert loopback.why_refused("127.0.0.1", _ip("127.0.0.1"), 8080) is None  # the allowed host, another port
    assert loopback.why_refused("127.0.0.1", _ip("127.0.0.1"), 8000) == "the manager itself"
    assert Guard("127.0.0.1:8000", me).why_refused("127.0.0.1", _ip("127.0.0.1"), 8000) is None
    nobody = Guard("", me)
    for address in ("10.0.0.5", "192.168.1.1", "169.254.169.254", "224.0.0.1", "::1", "fe80::1", "::ffff:127.0.0.1", "0.0.0.0"):
        assert nobody.why_refused("h", _ip(address), 80) == "an internal address", address
    assert nobody.why_refused("h", _ip("203.113.131.1"), 80) is None
    with pytest.raises(Blocked):
        nobody.check_url("file:///etc/passwd")


def _ip(text):
    from manager.sources.guard import _ip as parse

    return parse(text)
