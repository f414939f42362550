"""Issue 13 checked from outside (pure parts): what real senders do that the first tests did not.

A server that trickles its answer a byte at a time, a message in ISO-8859-1 accepted later by an
approver, an identifier with a space (which nobody could ever cancel), a message naming one area
beside another that has a shape."""
import json
import socket
import threading
import time

import pytest

from manager import cap, cap_text
from manager.sources import push, targeting
from manager.sources.base import Fetcher, SourceError
from manager.sources.cap_adapter import item_from_xml
from manager.sources.guard import Guard


@pytest.fixture
def trickler():
    """A loopback server that answers one byte a second, forever: in its headers or in its body."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    starts = {"/headers": b"HTTP/1.1 200 OK\r\nX-Slow: ", "/body": b"HTTP/1.1 200 OK\r\nContent-Type: application/cap+xml\r\nContent-Length: 100000\r\n\r\n<"}

    def answer(conn):
        with conn:
            path = conn.recv(4096).split(b" ")[1].decode()
            try:
                conn.sendall(starts[path])
                while not stop.wait(0.3):
                    conn.sendall(b"a")
            except OSError:
                pass  # the client hung up: what the deadline is for

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    server.join()
    listener.close()


@pytest.mark.parametrize("path", ["/headers", "/body"])
def test_a_trickling_server_cannot_outlast_the_polls_deadline(trickler, path):
    """Each byte comes before the read timeout, so only the poll's deadline can end the answer; before,
    the poll (and an admin's "poll now") waited for 100,000 bytes at one a second."""
    fetcher = Fetcher(guard=Guard("127.0.0.1"))
    outcome = {}

    def fetch():
        started = time.monotonic()
        try:
            fetcher.fetch(trickler + path, timeout_s=0.5, deadline=time.monotonic() + 1.0)
        except SourceError as exc:
            outcome["error"] = exc
        outcome["took"] = time.monotonic() - started

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    thread.join(15)
    assert not thread.is_alive(), "the fetch outlived its deadline by far"
    assert "error" in outcome and outcome["error"].message_vi.startswith("Không kết nối được")
    assert outcome["took"] < 1.0 + 0.5 + 1.0  # the deadline, one read's timeout, scheduling


def latin1_message(capdoc) -> bytes:
    """The CAP 1.1 Canadian warning as ISO-8859-1, as some senders still write French."""
    text = capdoc("cap11_storm_fr_en.xml").decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    return text.replace("–", "-").replace("biển", "bien").encode("latin-1")


def test_a_message_in_iso_8859_1_reads_the_same_when_mapped_again(capdoc):
    """Kept as text and mapped again when an approver accepts it: the accents must survive."""
    item = item_from_xml(latin1_message(capdoc))
    assert item.error is None and "Montréal" in item.cap_xml
    again = cap.parse_cap(item.cap_xml)
    assert [i.event for i in again.infos] == [i.event for i in item.cap.infos]
    assert "Les conditions sont propices au développement d'orages violents." in [i.description for i in again.infos]


def test_a_batch_of_texts_declaring_another_encoding_is_read_as_text(capdoc):
    texts = [latin1_message(capdoc).decode("latin-1")]  # JSON carries text: the declaration no longer describes bytes
    (item,) = push.items_of(json.dumps(texts).encode(), "application/json", None)
    assert item.error is None and item.cap.infos[0].description == "Les conditions sont propices au développement d'orages violents."
    assert cap_text.utf8_document(texts[0]).startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


@pytest.mark.parametrize("element, bad", [
    ("identifier", "LC-PCTT 2025-0812-021"),  # a space: a <references> entry would split in two
    ("identifier", "LC-PCTT,021"),  # a comma: sender,identifier,sent could not be read back
    ("sender", "PCTT Lao Cai"),
    ("identifier", "LC&amp;021"),
])
def test_a_name_that_could_never_be_referenced_is_refused(capdoc, element, bad):
    """CAP 1.2 §3.2.1: no spaces, commas or restricted characters. Accepted, the warning could never
    be updated, cancelled or cleared by its sender."""
    original = {"identifier": b"LC-PCTT-2025-0812-021", "sender": b"pctt@laocai.gov.vn"}[element]
    doc = capdoc("cap_vi_flash_flood_by_name.xml").replace(b">" + original + b"<", b">" + bad.encode() + b"<")
    with pytest.raises(cap.CapError) as refused:
        cap.parse_cap(doc)
    assert refused.value.element == element and f"<{element}>" in refused.value.message_vi


def two_areas(capdoc, second: str) -> cap.Mapped:
    """The Lào Cai warning with a circle round Sa Pa beside an area that is only a name."""
    doc = capdoc("cap_vi_flash_flood_by_name.xml").replace(
        "<areaDesc>xã Bát Xát, tỉnh Lào Cai</areaDesc>".encode(),
        f"<areaDesc>Sa Pa</areaDesc><circle>22.34,103.84 5</circle></area><area><areaDesc>{second}</areaDesc>".encode())
    alert = cap.parse_cap(doc)
    return cap.map_alert(alert, now=alert.sent)


def test_an_area_that_is_only_a_name_counts_beside_one_with_a_shape(capdoc, catalogue):
    """Before, a name counted only when no <area> had a shape: Bát Xát was silently left out."""
    mapped = two_areas(capdoc, "xã Bát Xát, tỉnh Lào Cai")
    assert mapped.area_names == ["xã Bát Xát, tỉnh Lào Cai"] and mapped.fields["area"]["circles"]
    targeting.settle(catalogue, mapped, has_live_targets=False)
    assert mapped.fields["area"]["units"] == [{"catalogue": "vn-2025", "code": "02683"}]
    assert not mapped.holds and any("Bát Xát" in vi for vi, _ in mapped.problems)


def test_an_unsure_name_beside_a_shape_does_not_hold_the_warning_back(capdoc, catalogue):
    mapped = two_areas(capdoc, "Xã Bình Minh")  # five communes of that name
    matches = targeting.settle(catalogue, mapped, has_live_targets=False)
    assert not mapped.holds and mapped.fields["area"]["units"] == [] and mapped.fields["area"]["circles"]
    assert matches[0]["name"] == "Xã Bình Minh" and len(matches[0]["candidates"]) > 1
    assert any("Xã Bình Minh" in vi and "không được nhắm" in vi for vi, _ in mapped.problems)


def test_a_second_block_in_the_same_language_adds_its_area_and_its_level(capdoc):
    """CAP 1.2 §3.2.2: later <info> blocks of one language may expand the first. Before, a second
    Vietnamese block (another province, a worse hazard) was read as if it were not there."""
    doc = capdoc("cap_vi_flash_flood_by_name.xml").decode()
    first_vi = doc[doc.index("<info>"):doc.index("</info>") + len("</info>")]
    second_vi = (first_vi.replace("xã Bát Xát, tỉnh Lào Cai", "Phường Hoàn Kiếm, Hà Nội").replace("<severity>Severe", "<severity>Extreme")
                 .replace("<area>", "<parameter><valueName>VN-RISK-LEVEL</valueName><value>4</value></parameter>\n    <area>"))
    alert = cap.parse_cap(doc.replace(first_vi, first_vi + second_vi).encode())
    mapped = cap.map_alert(alert, now=alert.sent)
    assert mapped.area_names == ["xã Bát Xát, tỉnh Lào Cai", "Phường Hoàn Kiếm, Hà Nội"]
    assert mapped.fields["level"] == 4 and mapped.fields["headline"] == alert.infos[0].headline



def test_a_linked_message_is_asked_for_as_cap(capdoc):
    """Like api.weather.gov, a server may answer one address as GeoJSON unless CAP is asked for by the
    Accept header; before, the manager asked for nothing and refused the GeoJSON it got."""
    import http.server

    from manager.sources.base import SourceConfig
    from manager.sources.cap_adapter import CapAdapter

    message = capdoc("cap_spec_thunderstorm.xml")

    class Negotiating(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/alerts/active.atom":
                body, kind = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:nws</id><title>alerts</title><updated>2003-06-17T14:57:00-07:00</updated>'
                              b'<entry><id>urn:oid:1</id><title>SEVERE THUNDERSTORM WARNING</title><updated>2003-06-17T14:57:00-07:00</updated>'
                              b'<link rel="alternate" href="/alerts/urn:oid:1"/></entry></feed>'), "application/atom+xml"
            elif "application/cap+xml" in self.headers.get("Accept", ""):
                body, kind = message, "application/cap+xml"
            else:
                body, kind = b'{"type": "Feature", "properties": {"event": "Severe Thunderstorm Warning"}}', "application/geo+json"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Negotiating)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = SourceConfig(id=1, name="NWS", adapter="cap", url=f"http://127.0.0.1:{server.server_address[1]}/alerts/active.atom", timeout_s=5)
        (item,) = CapAdapter().fetch(Fetcher(guard=Guard("127.0.0.1")), source)
    finally:
        server.shutdown()
        server.server_close()
    assert item.error is None and item.cap.identifier == "KSTO1055887203"


@pytest.mark.parametrize("description, code", [
    ("P. Hoàn Kiếm, TP. Hà Nội", "00070"),  # abbreviated kind words, as in addresses
    ("X. Bát Xát, T. Lào Cai", "02683"),
    ("Xã Bát Xát – tỉnh Lào Cai", "02683"),  # an en dash between the names, as Vietnamese text sets it
    ("Phường Hoàn Kiếm — Hà Nội", "00070"),
])
def test_names_as_vietnamese_senders_write_them(catalogue, description, code):
    from manager.sources import area_names

    assert area_names.resolve(catalogue, "vn-2025", [description]).units == [{"catalogue": "vn-2025", "code": code}]


@pytest.mark.parametrize("wrap", [
    lambda xml: xml.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),  # escaped text
    lambda xml: f"<![CDATA[{xml}]]>",
])
def test_a_feed_that_embeds_its_message_as_text_is_read(capdoc, wrap):
    """Some feed generators put the CAP document in <content> as text, escaped or in CDATA; before,
    the entry was refused as neither embedding nor linking a message."""
    from manager import cap_feed

    message = capdoc("cap_vi_flash_flood_by_name.xml").decode().split("?>", 1)[1].strip()
    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:lc</id><title>PCTT Lào Cai</title><updated>2025-08-12T14:30:00+07:00</updated>'
            f'<entry><id>urn:lc:21</id><title>Lũ quét</title><updated>2025-08-12T14:30:00+07:00</updated><content type="text">{wrap(message)}</content></entry></feed>')
    (entry,) = cap_feed.parse_cap_feed(feed.encode())
    assert entry.error is None and entry.alert.identifier == "LC-PCTT-2025-0812-021"
    assert cap.parse_cap(entry.xml).identifier == "LC-PCTT-2025-0812-021"


def test_an_html_summary_beside_a_cap_link_is_not_taken_for_the_message():
    from manager import cap_feed

    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>t</title><updated>2025-08-12T14:30:00+07:00</updated>'
            '<entry><id>urn:x:1</id><title>Lũ quét</title><updated>2025-08-12T14:30:00+07:00</updated>'
            '<content type="html">&lt;p&gt;Flood alert for Bát Xát&lt;/p&gt;</content>'
            '<link rel="alternate" type="application/cap+xml" href="/cap/21.xml"/></entry></feed>')
    (entry,) = cap_feed.parse_cap_feed(feed.encode())
    assert entry.error is None and entry.alert is None and entry.link == "/cap/21.xml"
