"""CAP 1.2 (OASIS Common Alerting Protocol): parse a message, map it to a board alert.

Pure: bytes in, dataclasses out; `now` is always passed in. Every refusal is
a `CapError` with a reason code and a message in Vietnamese and English, so
the push API answers 422 and the poller writes one clear inbox entry.

Conventions of this project (see docs/sources.md):
- unit codes travel as geocodes named `VN-UNIT:<catalogue>` (e.g.
  `VN-UNIT:vn-2025`, value `01` for Hà Nội, `00004` for a ward), because the
  same code meant different units before and after 1 July 2025;
- a parameter `VN-RISK-LEVEL` (1..5) states the risk level of Decision
  18/2021/QĐ-TTg outright; without it the level is mapped from
  severity/urgency/certainty by `risk_level`.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from manager import geo
from manager.errors import BadInput
from protocol.text import nfc

CAP_NAMESPACES = {
    "urn:oasis:names:tc:emergency:cap:1.2": "1.2",
    "urn:oasis:names:tc:emergency:cap:1.1": "1.1",  # same elements as far as we read them
}
UNIT_GEOCODE_PREFIX = "VN-UNIT:"
RISK_LEVEL_PARAMETER = "VN-RISK-LEVEL"
MAX_DOCUMENT_BYTES = 5_000_000  # real messages may embed a map or image (<resource><derefUri>)
DEFAULT_DURATION = timedelta(hours=24)


class CapError(BadInput):
    """A CAP message we refuse; `code` says why (cap_malformed, cap_expired, ...), `element` which
    element of the message, when one is to blame."""

    def __init__(self, reason: str, message_vi: str, message_en: str, element: str | None = None):
        super().__init__(message_vi, message_en, code=f"cap_{reason}")
        self.reason = reason
        self.element = element

    def body(self) -> dict:
        return {**super().body(), **({"element": self.element} if self.element else {})}


# The value lists of CAP 1.2 §3.2 (1.1 has the same, without AllClear and Avoid, and with the
# deprecated certainty "Very Likely", read as Likely).
STATUS = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other")
RESPONSE_TYPES = ("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")


def _missing(name: str, where: str = "alert") -> CapError:
    return CapError("invalid", f"Thiếu phần tử bắt buộc <{name}> (trong <{where}>)", f"required element <{name}> missing (in <{where}>)",
                    element=name)


def _enum(value: str, name: str, allowed: tuple[str, ...], where: str = "alert") -> str:
    if not value:
        raise _missing(name, where)
    if value not in allowed:
        raise CapError("invalid", f"Giá trị {value!r} của <{name}> không hợp lệ (cho phép: {', '.join(allowed)})",
                       f"<{name}> value {value!r} is not allowed (allowed: {', '.join(allowed)})", element=name)
    return value


@dataclass(frozen=True)
class Reference:
    sender: str
    identifier: str
    sent: str


@dataclass
class CapArea:
    description: str
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)
    circles: list[dict] = field(default_factory=list)
    geocodes: list[tuple[str, str]] = field(default_factory=list)  # (valueName, value)
    problems: list[tuple[str, str]] = field(default_factory=list)  # shapes skipped, (vi, en)


@dataclass
class CapInfo:
    language: str
    event: str
    urgency: str
    severity: str
    certainty: str
    categories: list[str] = field(default_factory=list)
    response_types: list[str] = field(default_factory=list)
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    parameters: list[tuple[str, str]] = field(default_factory=list)
    areas: list[CapArea] = field(default_factory=list)


@dataclass
class CapAlert:
    identifier: str
    sender: str
    sent: datetime
    status: str  # Actual | Exercise | System | Test | Draft
    msg_type: str  # Alert | Update | Cancel | Ack | Error
    scope: str
    version: str = "1.2"
    references: list[Reference] = field(default_factory=list)
    infos: list[CapInfo] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Identifier and sender together name a message (CAP 1.2 §3.2.1)."""
        return f"{self.sender},{self.identifier}"


# ---------------------------------------------------------------- parsing

def parse_xml(data: bytes | str) -> Element:
    """The document's root, parsed safely (size limit, no DTD, no entities); text (a message kept
    as `document_text`) is read as it is, whatever encoding its declaration names."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise CapError("too_large", f"Tài liệu quá lớn ({len(data)} byte)", f"document too large ({len(data)} bytes)")
    try:
        # CAP never needs a DTD; refusing one also refuses entity bombs and external entities.
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise CapError("unsafe_xml", f"XML bị từ chối vì không an toàn (DTD/thực thể): {exc}", f"unsafe XML refused (DTD/entities): {exc}") from exc
    except ParseError as exc:
        raise CapError("malformed", f"XML không hợp lệ: {exc}", f"malformed XML: {exc}") from exc


def split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def child_text(el: Element, ns: str, name: str, required: bool = False) -> str:
    child = el.find(f"{{{ns}}}{name}" if ns else name)
    value = nfc((child.text or "").strip()) if child is not None else ""
    if required and not value:
        raise _missing(name, split_tag(el.tag)[1])
    return value


def _texts(el: Element, ns: str, name: str) -> list[str]:
    return [nfc((c.text or "").strip()) for c in el.findall(f"{{{ns}}}{name}")]


def _time(value: str, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CapError("invalid", f"Thời gian <{name}> không hợp lệ: {value!r}", f"bad <{name}> time: {value!r}", element=name) from exc
    if parsed.tzinfo is None:
        raise CapError("invalid", f"Thời gian <{name}> thiếu múi giờ: {value!r}", f"<{name}> lacks a UTC offset: {value!r}", element=name)
    return parsed.astimezone(timezone.utc)


def _pairs(el: Element, ns: str, name: str) -> list[tuple[str, str]]:
    return [(child_text(p, ns, "valueName"), child_text(p, ns, "value")) for p in el.findall(f"{{{ns}}}{name}")]


def _area(el: Element, ns: str) -> CapArea:
    """One <area>. A shape that cannot be read is skipped and noted: the rest of the area still
    counts, since refusing the whole warning would reach no board at all."""
    area = CapArea(child_text(el, ns, "areaDesc", required=True), geocodes=_pairs(el, ns, "geocode"))
    for name, parse, into in (("polygon", geo.parse_polygon, area.polygons), ("circle", geo.parse_circle, area.circles)):
        for shape in el.findall(f"{{{ns}}}{name}"):
            try:
                into.append(parse(shape.text or ""))
            except geo.GeoError as exc:
                area.problems.append((f"Bỏ qua <{name}> không hợp lệ trong vùng {area.description!r}: {exc}",
                                      f"skipped a bad <{name}> in area {area.description!r}: {exc}"))
    return area


def _info(el: Element, ns: str) -> CapInfo:
    categories = _texts(el, ns, "category")
    if not categories:
        raise _missing("category", "info")
    for category in categories:
        _enum(category, "category", CATEGORIES, "info")
    certainty = child_text(el, ns, "certainty")
    return CapInfo(
        language=child_text(el, ns, "language") or "en-US",  # CAP's default
        event=child_text(el, ns, "event", required=True),
        urgency=_enum(child_text(el, ns, "urgency"), "urgency", URGENCIES, "info"),
        severity=_enum(child_text(el, ns, "severity"), "severity", SEVERITIES, "info"),
        certainty=_enum("Likely" if certainty == "Very Likely" else certainty, "certainty", CERTAINTIES, "info"),
        categories=categories,
        response_types=[_enum(r, "responseType", RESPONSE_TYPES, "info") for r in _texts(el, ns, "responseType")],
        headline=child_text(el, ns, "headline"),
        description=child_text(el, ns, "description"),
        instruction=child_text(el, ns, "instruction"),
        sender_name=child_text(el, ns, "senderName"),
        effective=_time(child_text(el, ns, "effective"), "effective"),
        onset=_time(child_text(el, ns, "onset"), "onset"),
        expires=_time(child_text(el, ns, "expires"), "expires"),
        parameters=_pairs(el, ns, "parameter"),
        areas=[_area(a, ns) for a in el.findall(f"{{{ns}}}area")],
    )


def _name(value: str, element: str) -> str:
    """An identifier or sender as CAP 1.2 §3.2.1 allows: no spaces, commas, < or &. Accepted, a
    message named "QN 12" could never be referenced (`<references>` entries are separated by
    spaces, their parts by commas): its sender could not update, cancel or clear it."""
    bad = next((c for c in value if c.isspace() or c in ",<&"), None)
    if bad is not None:
        shown = "dấu cách" if bad.isspace() else bad
        raise CapError("invalid", f"<{element}> không được chứa dấu cách, dấu phẩy, < hoặc & (có {shown!r}): {value!r}",
                       f"<{element}> may not contain spaces, commas, < or & (found {'a space' if bad.isspace() else repr(bad)}): {value!r}",
                       element=element)
    return value


def _references(text: str) -> list[Reference]:
    refs = []
    for triple in text.split():
        parts = triple.split(",")
        if len(parts) != 3 or not all(parts):
            raise CapError("invalid", f"<references> không đúng dạng 'sender,identifier,sent': {triple!r}",
                           f"<references> entry is not 'sender,identifier,sent': {triple!r}", element="references")
        refs.append(Reference(*parts))
    return refs


def alert_from_element(root: Element) -> CapAlert:
    ns, local = split_tag(root.tag)
    if local != "alert" or ns not in CAP_NAMESPACES:
        shown = f"{{{ns}}}{local}" if ns else local
        raise CapError("namespace", f"Không phải bản tin CAP 1.2: phần tử gốc {shown}", f"not a CAP 1.2 message: root element {shown}")
    # Required elements first, in the specification's order, so a refusal names the first one missing.
    identifier = _name(child_text(root, ns, "identifier", required=True), "identifier")
    sender = _name(child_text(root, ns, "sender", required=True), "sender")
    sent = _time(child_text(root, ns, "sent", required=True), "sent")
    status = _enum(child_text(root, ns, "status"), "status", STATUS)
    msg_type = _enum(child_text(root, ns, "msgType"), "msgType", MSG_TYPES)
    scope = _enum(child_text(root, ns, "scope"), "scope", SCOPES)
    has_references = root.find(f"{{{ns}}}references") is not None
    references = _references(child_text(root, ns, "references"))
    if (msg_type in ("Update", "Cancel") or has_references) and not references:
        raise CapError("invalid", f"Bản tin {msg_type} thiếu <references> (bản tin nó thay thế hoặc huỷ)",
                       f"{msg_type} message without <references> (the messages it replaces or cancels)", element="references")
    return CapAlert(
        identifier=identifier, sender=sender, sent=sent, status=status, msg_type=msg_type, scope=scope,
        version=CAP_NAMESPACES[ns], references=references,
        infos=[_info(i, ns) for i in root.findall(f"{{{ns}}}info")],
    )


def parse_cap(data: bytes | str) -> CapAlert:
    """One CAP message; raises CapError for anything we cannot read."""
    return alert_from_element(parse_xml(data))


# ---------------------------------------------------------------- mapping

_BASE_LEVEL = {"Extreme": 4, "Severe": 3, "Moderate": 2, "Minor": 1, "Unknown": 1}


def risk_level(severity: str, urgency: str, certainty: str) -> int:
    """Risk level 1..5 of Decision 18/2021/QĐ-TTg from CAP's three scales (table in docs/sources.md).

    Severity sets the level (Extreme 4, Severe 3, Moderate 2, Minor/Unknown 1);
    an Extreme hazard that is Immediate and Observed or Likely is level 5
    (the "catastrophe" level); Unlikely lowers one level; Past is level 1.
    """
    level = _BASE_LEVEL.get(severity, 1)
    if urgency == "Past":
        return 1
    if severity == "Extreme" and urgency == "Immediate" and certainty in ("Observed", "Likely"):
        level = 5
    if certainty == "Unlikely":
        level -= 1
    return max(1, min(5, level))


def choose_info(alert: CapAlert) -> CapInfo | None:
    """The Vietnamese <info> block when there is one, else the English one, else the first."""
    for prefix in ("vi", "en"):
        for info in alert.infos:
            if info.language.lower().split("-")[0] == prefix:
                return info
    return alert.infos[0] if alert.infos else None


def _unit_codes(area: CapArea) -> list[tuple[str, str]]:
    return [(name, value) for name, value in area.geocodes if name.startswith(UNIT_GEOCODE_PREFIX) and value]


def same_language(alert: CapAlert, info: CapInfo) -> list[CapInfo]:
    """`info` and every other block in its language: CAP 1.2 lets later blocks of one language expand
    (not override) the first, e.g. a second <info> in Vietnamese for another province's area."""
    primary = info.language.lower().split("-")[0]
    return [info] + [i for i in alert.infos if i is not info and i.language.lower().split("-")[0] == primary]


def target_area(areas: list[CapArea]) -> dict:
    """The manager's area JSON from the chosen <area>s; foreign geocodes are ignored."""
    units, polygons, circles = [], [], []
    for area in areas:
        for name, value in _unit_codes(area):
            unit = {"catalogue": name[len(UNIT_GEOCODE_PREFIX):], "code": value}
            if unit["catalogue"] and unit not in units:
                units.append(unit)
        polygons += [[list(p) for p in ring] for ring in area.polygons]
        circles += area.circles
    return {"units": units, "boards": [], "polygons": polygons, "circles": circles}


def area_is_empty(area: dict) -> bool:
    return not (area.get("units") or area.get("boards") or area.get("polygons") or area.get("circles"))


def _declared_level(info: CapInfo) -> int | None:
    for name, value in info.parameters:
        if name == RISK_LEVEL_PARAMETER:
            if value.strip() in {"1", "2", "3", "4", "5"}:
                return int(value)
            raise CapError("invalid", f"{RISK_LEVEL_PARAMETER} phải là 1..5, nhận {value!r}", f"{RISK_LEVEL_PARAMETER} must be 1..5, got {value!r}")
    return None


@dataclass
class Mapped:
    """What the manager does with a message: `action` is publish, update, cancel or allclear."""

    action: str
    fields: dict  # alert columns: level, headline, body, starts_at, ends_at, source, test, area
    references: list[Reference]
    problems: list[tuple[str, str]] = field(default_factory=list)  # what was skipped on the way, (vi, en)
    holds: list[tuple[str, str]] = field(default_factory=list)  # why a person must look before it is shown, (vi, en)
    area_names: list[str] = field(default_factory=list)  # <areaDesc>s to match to units, when nothing else targets


def ends_warnings(alert: CapAlert) -> bool:
    """An all-clear: the referenced warnings are over, whatever severity its own <info> states."""
    return any("AllClear" in info.response_types for info in alert.infos)


def map_alert(alert: CapAlert, now: datetime, default_duration: timedelta = DEFAULT_DURATION) -> Mapped:
    """Decide what a parsed message means for the boards; refuse what must not be shown."""
    if alert.status not in ("Actual", "Test", "Exercise"):
        raise CapError("status", f"Bản tin trạng thái {alert.status} không hiển thị trên bảng tin", f"status {alert.status} is not shown on boards",
                       element="status")
    if alert.scope != "Public":
        raise CapError("scope", f"Bản tin phạm vi {alert.scope} không được hiển thị công khai", f"scope {alert.scope} is not for public display",
                       element="scope")
    if alert.msg_type == "Cancel":
        return Mapped("cancel", {}, alert.references)
    if alert.msg_type not in ("Alert", "Update"):
        raise CapError("msg_type", f"Loại bản tin {alert.msg_type} không cần hiển thị", f"msgType {alert.msg_type} is not displayed",
                       element="msgType")
    if ends_warnings(alert):  # never shown itself: without references it ends nothing and is skipped
        return Mapped("allclear", {}, alert.references)
    info = choose_info(alert)
    if info is None:
        raise CapError("no_info", "Bản tin CAP không có khối <info>", "CAP message has no <info> block", element="info")
    blocks = same_language(alert, info)
    areas = [a for i in blocks for a in i.areas]
    area, holds = geo.unswapped(target_area(areas))
    problems = [p for a in areas for p in a.problems]
    # An <area> with nothing to target by (no shape, no unit code) is targeted by its name, whatever the other
    # <area>s have: "the coast (a polygon) and Phường Hoàn Kiếm" must not lose Hoàn Kiếm. A bad shape is the
    # reason given instead.
    names = [a.description for a in areas if not (a.polygons or a.circles or a.problems or _unit_codes(a))]
    if area_is_empty(area) and alert.msg_type == "Alert" and not names and problems:
        raise CapError("invalid", "; ".join(vi for vi, _ in problems), "; ".join(en for _, en in problems), element="area")
    if area_is_empty(area) and alert.msg_type == "Alert" and not names:
        raise CapError("no_area", "Bản tin CAP không có vùng nhắm được (mã đơn vị VN-UNIT, đa giác, hình tròn hoặc tên địa bàn)",
                       "CAP message has no targetable area (VN-UNIT geocode, polygon, circle or area name)", element="area")
    starts = info.effective or alert.sent
    ends = info.expires or starts + default_duration
    if ends <= starts:
        raise CapError("invalid", "Thời điểm hết hạn <expires> không sau thời điểm hiệu lực", "<expires> is not after the start", element="expires")
    if ends <= now:
        raise CapError("expired", f"Bản tin đã hết hạn lúc {ends.isoformat()}", f"message already expired at {ends.isoformat()}", element="expires")
    body = "\n\n".join(part for part in (info.description, info.instruction) if part)
    fields = {
        "level": max(_declared_level(i) or risk_level(i.severity, i.urgency, i.certainty) for i in blocks),
        "headline": info.headline or info.event or alert.identifier,
        "body": body,
        "starts_at": starts,
        "ends_at": ends,
        "source": info.sender_name or alert.sender,
        "test": alert.status != "Actual",
        "area": area,
    }
    return Mapped("update" if alert.msg_type == "Update" else "publish", fields, alert.references, problems, holds, names)
