import re
from datetime import datetime, timedelta, timezone

import pytest

from manager import cap, cap_feed
from manager.api.http_errors import status_of
from manager.errors import Invalid

T0 = datetime(2025, 9, 5, 1, 0, tzinfo=timezone.utc)  # the typhoon warning's <sent>


def test_spec_thunderstorm(capdoc):
    alert = cap.parse_cap(capdoc("cap_spec_thunderstorm.xml"))
    assert (alert.identifier, alert.sender, alert.status, alert.msg_type, alert.scope) == (
        "KSTO1055887203", "KSTO@NWS.NOAA.GOV", "Actual", "Alert", "Public")
    assert alert.sent == datetime(2003, 6, 17, 21, 57, tzinfo=timezone.utc)
    info = cap.choose_info(alert)
    assert (info.event, info.urgency, info.severity, info.certainty) == ("SEVERE THUNDERSTORM", "Immediate", "Severe", "Observed")
    assert info.expires == datetime(2003, 6, 17, 23, 0, tzinfo=timezone.utc)
    (area,) = info.areas
    assert area.polygons[0][0] == (38.47, -120.14)
    assert ("SAME", "006109") in area.geocodes
    mapped = cap.map_alert(alert, now=alert.sent)
    assert mapped.action == "publish"
    assert mapped.fields["level"] == 3
    assert mapped.fields["headline"] == "SEVERE THUNDERSTORM WARNING"
    assert mapped.fields["body"].endswith("TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.")
    assert mapped.fields["area"]["units"] == []  # SAME codes are not ours
    assert len(mapped.fields["area"]["polygons"]) == 1


def test_spec_thunderstorm_is_expired_today(capdoc):
    alert = cap.parse_cap(capdoc("cap_spec_thunderstorm.xml"))
    with pytest.raises(cap.CapError) as err:
        cap.map_alert(alert, now=datetime.now(timezone.utc))
    assert err.value.reason == "expired"
    assert "hết hạn" in err.value.message_vi and "expired" in err.value.message_en


def test_spec_earthquake_update_with_circle(capdoc):
    alert = cap.parse_cap(capdoc("cap_spec_earthquake.xml"))
    assert alert.msg_type == "Update"
    assert alert.references == [cap.Reference("trinet@caltech.edu", "TRI13970876.1", "2003-06-11T20:30:00-07:00")]
    info = cap.choose_info(alert)
    assert info.areas[0].circles == [{"lat": 32.9525, "lon": -115.5527, "radius_km": 0.0}]
    assert ("Magnitude", "3.4 Ml") in info.parameters
    mapped = cap.map_alert(alert, now=alert.sent)
    assert mapped.action == "update" and mapped.fields["level"] == 1  # Minor, Past


def test_spec_homeland_security_area_is_only_a_name(capdoc):
    """Only <areaDesc>: not refused but handed on as a name to match to units (the inbox holds what
    matches none, see test_area_names.py)."""
    alert = cap.parse_cap(capdoc("cap_spec_homeland_security.xml"))
    info = cap.choose_info(alert)
    assert info.headline == "Homeland Security Sets Code ORANGE"
    assert info.areas[0].description == "U.S. nationwide and interests worldwide"
    mapped = cap.map_alert(alert, now=alert.sent)
    assert mapped.area_names == ["U.S. nationwide and interests worldwide"]
    assert cap.area_is_empty(mapped.fields["area"])


def test_spec_multilingual_takes_first_without_vietnamese(capdoc):
    alert = cap.parse_cap(capdoc("cap_spec_amber_multilingual.xml"))
    assert [i.language for i in alert.infos] == ["en-US", "es-US"]
    assert cap.choose_info(alert).headline == "Amber Alert in Los Angeles County"
    assert alert.infos[1].event == "Abducción de Niño"


def test_vietnamese_typhoon_picks_vietnamese_info_and_units(capdoc):
    alert = cap.parse_cap(capdoc("cap_vi_typhoon.xml"))
    info = cap.choose_info(alert)
    assert info.language == "vi-VN"
    mapped = cap.map_alert(alert, now=T0)
    f = mapped.fields
    assert f["headline"] == "Cảnh báo bão số 3 - rủi ro thiên tai cấp độ 4"
    assert f["level"] == 4  # declared by VN-RISK-LEVEL
    assert f["source"].startswith("Ban Chỉ huy Phòng, chống thiên tai")
    assert f["area"]["units"] == [{"catalogue": "vn-2025", "code": "22"}, {"catalogue": "vn-2025", "code": "31"}]
    assert f["starts_at"] == T0 and f["ends_at"] == T0 + timedelta(days=2)
    assert f["test"] is False
    assert "tuyệt đối không ra biển" in f["body"]


def test_vietnamese_update_and_cancel(capdoc):
    update = cap.map_alert(cap.parse_cap(capdoc("cap_vi_typhoon_update.xml")), now=T0)
    assert update.action == "update"
    assert update.references[0].identifier == "QN-PCTT-2025-0903-001"
    assert update.fields["level"] == 5  # Extreme, Immediate, Observed
    cancel = cap.map_alert(cap.parse_cap(capdoc("cap_vi_typhoon_cancel.xml")), now=T0)
    assert cancel.action == "cancel"
    assert [r.identifier for r in cancel.references] == ["QN-PCTT-2025-0903-001", "QN-PCTT-2025-0903-002"]


def test_test_status_is_marked_test(capdoc):
    alert = cap.parse_cap(capdoc("cap_vi_test.xml"))
    assert cap.map_alert(alert, now=alert.sent).fields["test"] is True


def test_shifted_fixture_is_current(now, capdoc_at):
    alert = cap.parse_cap(capdoc_at("cap_vi_typhoon.xml", now))
    assert alert.sent == now
    assert cap.map_alert(alert, now=now).fields["ends_at"] == now + timedelta(days=2)


@pytest.mark.parametrize("name, reason", [
    ("bad_entity_bomb.xml", "unsafe_xml"),
    ("bad_external_entity.xml", "unsafe_xml"),
    ("bad_malformed.xml", "malformed"),
    ("bad_namespace.xml", "namespace"),
])
def test_bad_documents_refused(name, reason, capdoc):
    with pytest.raises(cap.CapError) as err:
        cap.parse_cap(capdoc(name))
    assert err.value.reason == reason
    assert isinstance(err.value, Invalid) and status_of(err.value) == 422
    assert err.value.message_vi and err.value.message_en


def test_no_area_refused(capdoc):
    alert = cap.parse_cap(capdoc("bad_no_area.xml"))
    with pytest.raises(cap.CapError) as err:
        cap.map_alert(alert, now=alert.sent)
    assert err.value.reason == "no_area"


def test_other_refusals(capdoc):
    base = capdoc("cap_vi_test.xml")
    for old, new, reason in [
        (b"<status>Test</status>", b"<status>Draft</status>", "status"),
        (b"<scope>Public</scope>", b"<scope>Restricted</scope>", "scope"),
        (b"<msgType>Alert</msgType>", b"<msgType>Ack</msgType>", "msg_type"),
    ]:
        alert = cap.parse_cap(base.replace(old, new))
        with pytest.raises(cap.CapError) as err:
            cap.map_alert(alert, now=alert.sent)
        assert err.value.reason == reason, (new, err.value.reason)
    for old, new in [(b"<sent>2025-09-01T09:00:00+07:00</sent>", b"<sent>2025-09-01T09:00:00</sent>"),
                     (b"<identifier>QN-PCTT-2025-TEST-017</identifier>", b""),
                     (b"<msgType>Alert</msgType>", b"<msgType>Cancel</msgType>")]:  # Cancel without references
        with pytest.raises(cap.CapError) as err:
            cap.parse_cap(base.replace(old, new))
        assert err.value.reason == "invalid"


def test_a_bad_shape_is_skipped_not_the_warning(capdoc):
    base = capdoc("cap_vi_test.xml")
    # Beside a good geocode, an unreadable polygon is noted and the unit still gets the warning.
    alert = cap.parse_cap(base.replace(b"<value>22</value>", b"<value>22</value></geocode><polygon>1,1 2,2</polygon><geocode>"))
    mapped = cap.map_alert(alert, now=alert.sent)
    assert mapped.fields["area"]["units"] and not mapped.fields["area"]["polygons"]
    assert len(mapped.problems) == 1 and "<polygon>" in mapped.problems[0][1]
    # With nothing else to target, the bad shape is the reason given for refusing it.
    only_shape = re.sub(rb"<geocode>.*?</geocode>", b"", base, flags=re.S).replace(b"</areaDesc>", b"</areaDesc><circle>16.0,108.2</circle>")
    with pytest.raises(cap.CapError) as err:
        cap.map_alert(cap.parse_cap(only_shape), now=alert.sent)
    assert err.value.reason == "invalid" and "<circle>" in err.value.message_en


def test_atom_feed_embeds_and_links(capdoc):
    entries = cap_feed.parse_cap_feed(capdoc("atom_cap_feed.xml"))
    assert [e.id for e in entries] == ["QN-PCTT-2025-0903-001", "QN-PCTT-2025-TEST-017"]
    assert entries[0].alert.identifier == "QN-PCTT-2025-0903-001" and entries[0].link is None
    assert entries[1].alert is None and entries[1].link == "cap_vi_test.xml"


def test_rss_feed_links(capdoc):
    entries = cap_feed.parse_cap_feed(capdoc("rss_cap_feed.xml"))
    assert [e.id for e in entries] == ["pctt@quangninh.gov.vn,QN-PCTT-2025-0903-001", "pctt@quangninh.gov.vn,QN-PCTT-2025-TEST-017"]
    assert entries[0].link == "typhoon.xml", "the CAP enclosure, not the web page"
    assert entries[1].link == "cap_vi_test.xml" and entries[1].alert is None and entries[1].error is None
    no_link = capdoc("rss_cap_feed.xml").replace(b"<link>cap_vi_test.xml</link>", b"")
    assert cap_feed.parse_cap_feed(no_link)[1].error.reason == "no_alert"


def test_atom_feed_refusals(capdoc):
    with pytest.raises(cap.CapError) as err:
        cap_feed.parse_cap_feed(capdoc("cap_vi_test.xml"))
    assert err.value.reason == "namespace"
    bad_entry = capdoc("atom_cap_feed.xml").replace(b"urn:oasis:names:tc:emergency:cap:1.2", b"urn:oasis:names:tc:emergency:cap:0.9")
    entries = cap_feed.parse_cap_feed(bad_entry)
    assert entries[0].error.reason == "namespace"  # one bad entry does not spoil the feed
    assert entries[1].link == "cap_vi_test.xml"


@pytest.mark.parametrize("severity, urgency, certainty, level", [
    ("Extreme", "Immediate", "Observed", 5),
    ("Extreme", "Immediate", "Likely", 5),
    ("Extreme", "Immediate", "Possible", 4),
    ("Extreme", "Expected", "Likely", 4),
    ("Severe", "Immediate", "Observed", 3),
    ("Severe", "Future", "Unlikely", 2),
    ("Moderate", "Expected", "Likely", 2),
    ("Minor", "Immediate", "Observed", 1),
    ("Unknown", "Unknown", "Unknown", 1),
    ("Extreme", "Past", "Observed", 1),
    ("Minor", "Expected", "Unlikely", 1),
])
def test_risk_level_table(severity, urgency, certainty, level):
    assert cap.risk_level(severity, urgency, certainty) == level


def test_size_limit_leaves_room_for_an_embedded_map(capdoc):
    doc = capdoc("cap_vi_test.xml")
    map_png = ("<resource><resourceDesc>Bản đồ vùng ảnh hưởng</resourceDesc><mimeType>image/png</mimeType><derefUri>"
               + "A" * 3_000_000 + "</derefUri></resource>").encode()
    with_map = doc.replace(b"<area>", map_png + b"<area>", 1)
    assert cap.parse_cap(with_map).identifier == "QN-PCTT-2025-TEST-017"
    with pytest.raises(cap.CapError) as err:
        cap.parse_cap(doc + b" " * cap.MAX_DOCUMENT_BYTES)
    assert err.value.reason == "too_large"


def test_signed_source_refuses_embedded_messages_it_cannot_check(capdoc):
    from manager.sources.base import SourceConfig
    from manager.sources.cap_adapter import CapAdapter
    from tests.sources.signing import Sender

    class OneFeed:
        def fetch(self, url, timeout_s, headers=None, deadline=None):
            from manager.sources.base import Fetched
            body = capdoc("atom_cap_feed.xml").replace(b'href="cap_vi_test.xml"', b'href="http://x.invalid/none.xml"')
            return Fetched(body, "application/atom+xml", url)

    source = SourceConfig(id=1, name="ký số", adapter="cap", url="http://x.invalid/feed.xml",
                          config={"signing_certificate": Sender().certificate},
                          seen_links=frozenset({"http://x.invalid/none.xml"}))
    (embedded,) = CapAdapter().fetch(OneFeed(), source)
    assert embedded.error.reason == "signature" and "liên kết" in embedded.error.message_vi
    assert embedded.external_id == "pctt@quangninh.gov.vn,QN-PCTT-2025-0903-001"
