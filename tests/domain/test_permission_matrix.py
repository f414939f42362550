"""Every route of the app against the policy declared beside it (`manager.api.access`), on a live manager.

For each route: anonymous, a board's token, a source's push token, an
administrator, and editors, approvers and auditors inside and outside the
scope of the object the route reaches (and of its targets), a province-level
auditor and the source system's account. Each answer is compared with what
the declaration says: allowed (anything but 401/403/404), 401, 403, or 404
for another unit's object. A route without a declaration fails the test.
"""
import io
import itertools
import re
import uuid
from datetime import datetime, timezone

import pytest
import requests
from PIL import Image

from manager.api.access import declared, route_table
from manager.app import create_app
from manager.auth import create_api_token, create_user
from manager.db import connect
from manager.settings import Settings
from protocol.heartbeat import GENESIS_HASH, Heartbeat
from tests.live_manager import Client, LiveManager
from tests.sources.conftest import shifted

HOME, PROVINCE, OUT = "04465", "15", "00070"
PEOPLE = {  # name: (role, unit)
    "in_editor": ("editor", HOME), "in_approver": ("approver", HOME), "in_auditor": ("auditor", HOME),
    "out_editor": ("editor", OUT), "out_approver": ("approver", OUT), "out_auditor": ("auditor", OUT),
    "p_auditor": ("auditor", PROVINCE), "s_source": ("source", PROVINCE),
}
IDENTITIES = ["anonymous", "board", "source_push", "admin", *PEOPLE]
_n = itertools.count()


def _png(shade: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, shade)).save(out, "PNG")
    return out.getvalue()


class World:
    """The objects every route reaches, all in commune HOME (province 15), and factories for routes that use one up."""

    def __init__(self, m: LiveManager):
        self.m = m
        db = connect(m.db_path)
        self.tokens = {"admin": m.admin_token}
        with db.atomic():
            for name, (role, unit) in PEOPLE.items():
                self.tokens[name] = create_api_token(db, create_user(db, name, "matkhau-kiem-thu", role, None, unit), "matrix")
            self.spare_user = create_user(db, "nguoi-du-phong", "matkhau-kiem-thu", "editor", None, HOME)
        db.close()
        self.as_ = {name: Client(m.base_url, token) for name, token in self.tokens.items()}
        self.board, self.board_token = m.pair_board(unit_code=HOME, name="Bảng ma trận")
        editor, approver = self.as_["in_editor"], self.as_["in_approver"]
        self.sha = editor.post("/api/v1/assets", params={"filename": "anh.png"}, data=_png()).json()["sha256"]
        self.playlist = editor.post("/api/v1/playlists", json={"name": "Ma trận", "items": [
            {"zone": "bulletin", "kind": "bulletin", "title": "Ma trận"}]}).json()["id"]
        self.schedule = editor.post("/api/v1/schedules", json={"playlist_id": self.playlist, "target": {"kind": "board", "id": self.board}}).json()["id"]
        # A picture on the board's screen (approved by someone else than its editor): what a board may download.
        on_air = editor.post("/api/v1/playlists", json={"name": "Đang phát", "items": [
            {"zone": "main", "kind": "image", "asset": self.sha, "duration_s": 10}]}).json()["id"]
        on_air_schedule = editor.post("/api/v1/schedules", json={"playlist_id": on_air, "target": {"kind": "board", "id": self.board}}).json()["id"]
        editor.post(f"/api/v1/schedules/{on_air_schedule}/submit").raise_for_status()
        approver.post(f"/api/v1/schedules/{on_air_schedule}/approve", json={}).raise_for_status()
        self.group = self.new_group()
        self.alert = self.new_alert()
        source = m.admin.post("/api/v1/sources", json={"name": "Nguồn ma trận", "adapter": "cap", "mode": "approval", "poll_interval_s": 0}).json()
        self.source, self.push_token = source["id"], source["push_token"]
        self.inbox = self.new_warning()
        self.other_source = m.admin.post("/api/v1/sources", json={"name": "Nguồn xoay mã", "adapter": "cap", "poll_interval_s": 0}).json()["id"]

    def new_group(self) -> int:
        r = self.as_["in_editor"].post("/api/v1/groups", json={"name": f"Nhóm {next(_n)}", "boards": [self.board]})
        r.raise_for_status()
        return r.json()["id"]

    def new_alert(self) -> str:
        r = self.as_["in_approver"].post("/api/v1/alerts", json={"level": 2, "headline": "Thử", "authority": "UBND xã",
                                                                        "units": [{"code": HOME}]})
        r.raise_for_status()
        return r.json()["id"]

    def new_warning(self) -> int:
        doc = shifted("cap_vi_test.xml", datetime.now(timezone.utc).replace(microsecond=0)).decode()
        doc = doc.replace("<value>22</value>", f"<value>{HOME}</value>")
        doc = re.sub(r"<identifier>[^<]+</identifier>", f"<identifier>MT-{uuid.uuid4().hex}</identifier>", doc, count=1)
        r = requests.post(f"{self.m.base_url}/api/v1/sources/{self.source}/cap", data=doc.encode(),
                          headers={"Authorization": f"Bearer {self.push_token}", "Content-Type": "application/cap+xml"}, timeout=10)
        r.raise_for_status()
        assert r.json()["status"] == "pending", r.text
        return r.json()["id"]

    def new_playlist(self) -> tuple[str, str]:
        """(playlist, its one item): a playlist no schedule uses, to edit or delete."""
        r = self.as_["in_editor"].post("/api/v1/playlists", json={"name": f"Danh sách {next(_n)}", "items": [
            {"zone": "bulletin", "kind": "bulletin", "title": "Tin"}]})
        r.raise_for_status()
        return r.json()["id"], r.json()["items"][0]["id"]

    def new_asset(self) -> str:
        """A file no playlist uses, to delete."""
        r = self.as_["in_editor"].post("/api/v1/assets", params={"filename": "mot.png"}, data=_png(next(_n) % 256))
        r.raise_for_status()
        return r.json()["sha256"]

    def new_board(self) -> str:
        return self.m.pair_board(unit_code=HOME, name=f"Bảng dự phòng {next(_n)}")[0]

    def new_code(self) -> dict:
        return requests.post(self.m.base_url + "/api/v1/pair", json={"software_version": "ma-tran"}, timeout=10).json()

    def heartbeat(self) -> dict:
        hb = Heartbeat(seq=next(_n) + 1000, board_time=datetime.now(timezone.utc), manifest_version=None, display_state="on",
                       interval_s=30, prev_hash=GENESIS_HASH, software_version="ma-tran").sealed()
        return {"heartbeats": [hb.model_dump(mode="json")]}


def samples(w: World) -> dict:
    """(method, path) -> a callable giving (path params, request kwargs, unit of the object reached)."""
    csv = "code,name,kind,parent_code\n99,Tỉnh thử,province,\n".encode()
    return {
        ("POST", "/api/v1/pair"): lambda: ({}, {"json": {"software_version": "ma-tran"}}, None),
        ("GET", "/api/v1/pair/{code}"): lambda: (lambda c: ({"code": c["code"]}, {"params": {"secret": c["secret"]}}, None))(w.new_code()),
        ("GET", "/api/v1/boards/{board_id}/manifest"): lambda: ({"board_id": w.board}, {}, HOME),
        ("POST", "/api/v1/boards/{board_id}/heartbeats"): lambda: ({"board_id": w.board}, {"json": w.heartbeat()}, HOME),
        ("POST", "/api/v1/boards/{board_id}/playlog"): lambda: ({"board_id": w.board}, {"json": {"records": [{
            "seq": next(_n) + 1000, "item": "i-x", "zone": "bulletin", "kind": "bulletin", "started_at": "2026-01-01T00:00:00Z",
            "duration_s": 1}]}}, HOME),
        ("PUT", "/api/v1/boards/{board_id}/screenshot"): lambda: ({"board_id": w.board}, {"data": _png(), "headers": {"Content-Type": "image/png"}}, HOME),
        ("GET", "/assets/{sha256}"): lambda: ({"sha256": w.sha}, {}, None),
        ("POST", "/login"): lambda: ({}, {"data": {"username": "x", "password": "y"}}, None),
        ("GET", "/boards"): lambda: ({}, {"params": {"unit": HOME}}, HOME),
        ("POST", "/boards/pair"): lambda: ({}, {"data": {"code": w.new_code()["code"], "name": "Bảng ghép", "unit": HOME}}, HOME),
        ("POST", "/boards/{board_id}/settings"): lambda: ({"board_id": w.board}, {"data": {"name": "Bảng ma trận", "heartbeat_interval_s": "30",
                                                                                         "board_class": "commune"}}, HOME),
        ("POST", "/boards/{board_id}/revoke"): lambda: ({"board_id": w.new_board()}, {}, HOME),
        ("POST", "/api/v1/boards/{board_id}/revoke"): lambda: ({"board_id": w.new_board()}, {}, HOME),
        ("PATCH", "/api/v1/boards/{board_id}"): lambda: ({"board_id": w.board}, {"json": {"name": "Bảng ma trận"}}, HOME),
        ("POST", "/groups"): lambda: ({}, {"data": {"name": f"Nhóm {next(_n)}", "boards": w.board}}, HOME),
        ("POST", "/groups/{group_id}"): lambda: ({"group_id": w.group}, {"data": {"name": f"Nhóm {next(_n)}", "boards": w.board}}, HOME),
        ("POST", "/groups/{group_id}/delete"): lambda: ({"group_id": w.new_group()}, {}, HOME),
        ("POST", "/api/v1/groups"): lambda: ({}, {"json": {"name": f"Nhóm {next(_n)}", "boards": [w.board]}}, HOME),
        ("PUT", "/api/v1/groups/{group_id}"): lambda: ({"group_id": w.group}, {"json": {"name": f"Nhóm {next(_n)}", "boards": [w.board]}}, HOME),
        ("DELETE", "/api/v1/groups/{group_id}"): lambda: ({"group_id": w.new_group()}, {}, HOME),
        ("POST", "/bulletins/new"): lambda: ({}, {"data": {"name": "Bản tin", "title": "Tin"}}, None),
        ("POST", "/playlists/{playlist_id}/items"): lambda: ({"playlist_id": w.playlist}, {"data": {"asset": w.sha}}, HOME),
        ("POST", "/playlists"): lambda: ({}, {"data": {"name": f"Danh sách {next(_n)}"}}, None),
        ("POST", "/playlists/{playlist_id}/rename"): lambda: ({"playlist_id": w.playlist}, {"data": {"name": "Ma trận"}}, HOME),
        ("POST", "/playlists/{playlist_id}/bulletins"): lambda: ({"playlist_id": w.playlist}, {"data": {"title": "Tin thứ hai"}}, HOME),
        ("POST", "/playlists/{playlist_id}/items/{item_id}"): lambda: (
            (lambda p, i: ({"playlist_id": p, "item_id": i}, {"data": {"title": "Tin đã sửa", "duration_s": "15"}}, HOME))(*w.new_playlist())),
        ("GET", "/playlists/{playlist_id}/delete"): lambda: ({"playlist_id": w.new_playlist()[0]}, {}, HOME),
        ("POST", "/playlists/{playlist_id}/delete"): lambda: ({"playlist_id": w.new_playlist()[0]}, {}, HOME),
        ("POST", "/library/upload"): lambda: ({}, {"files": {"files": ("anh.png", _png(next(_n) % 256))}}, None),
        ("GET", "/library/{sha256}/delete"): lambda: ({"sha256": w.new_asset()}, {}, HOME),
        ("POST", "/library/{sha256}/delete"): lambda: ({"sha256": w.new_asset()}, {}, HOME),
        ("DELETE", "/api/v1/assets/{sha256}"): lambda: ({"sha256": w.new_asset()}, {}, HOME),
        ("DELETE", "/api/v1/playlists/{playlist_id}"): lambda: ({"playlist_id": w.new_playlist()[0]}, {}, HOME),
        ("PATCH", "/api/v1/playlists/{playlist_id}"): lambda: ({"playlist_id": w.playlist}, {"json": {"name": "Ma trận"}}, HOME),
        ("POST", "/api/v1/playlists/{playlist_id}/items"): lambda: ({"playlist_id": w.playlist}, {"json": {
            "zone": "ticker", "kind": "ticker", "text": "Chữ chạy"}}, HOME),
        ("PATCH", "/api/v1/playlists/{playlist_id}/items/{item_id}"): lambda: (
            (lambda p, i: ({"playlist_id": p, "item_id": i}, {"json": {"duration_s": 12}}, HOME))(*w.new_playlist())),
        ("POST", "/schedules"): lambda: ({}, {"data": {"playlist_id": w.playlist, "target_kind": "board", "target_board": w.board,
                                                        "weekdays": "1"}}, HOME),
        ("POST", "/schedules/{schedule_id}/{action}"): lambda: ({"schedule_id": w.schedule, "action": "submit"}, {}, HOME),
        ("GET", "/week"): lambda: ({}, {"params": {"board": w.board}}, HOME),
        ("POST", "/emergency"): lambda: ({}, {"data": {"level": "2", "headline": "Thử", "authority": "UBND xã",
                                                                          "units": HOME, "confirmed": "yes"}}, HOME),
        ("POST", "/emergency/{alert_id}/withdraw"): lambda: ({"alert_id": w.new_alert()}, {}, HOME),
        ("POST", "/users"): lambda: ({}, {"data": {"username": f"nguoi-{next(_n)}", "password": "matkhau-kiem-thu", "role": "editor",
                                                   "unit": HOME}}, None),
        ("POST", "/users/{user_id}/role"): lambda: ({"user_id": w.spare_user}, {"data": {"role": "editor", "unit": HOME}}, None),
        ("POST", "/users/{user_id}/{action}"): lambda: ({"user_id": w.spare_user, "action": "enable"}, {}, None),
        ("POST", "/sources"): lambda: ({}, {"data": {"name": f"Nguồn {next(_n)}", "adapter": "cap", "poll_interval_s": "0"}}, None),
        ("POST", "/sources/{source_id}"): lambda: ({"source_id": w.source}, {"data": {"poll_interval_s": "0", "mode": "approval",
                                                                                      "enabled": "1"}}, None),
        ("POST", "/sources/{source_id}/token"): lambda: ({"source_id": w.other_source}, {}, None),
        ("POST", "/api/v1/sources/{source_id}/token"): lambda: ({"source_id": w.other_source}, {}, None),
        ("POST", "/inbox/{inbox_id}/accept"): lambda: ({"inbox_id": w.new_warning()}, {}, HOME),
        ("POST", "/inbox/{inbox_id}/reject"): lambda: ({"inbox_id": w.new_warning()}, {"data": {"reason": "thử"}}, HOME),
        ("POST", "/api/v1/inbox/{inbox_id}/accept"): lambda: ({"inbox_id": w.new_warning()}, {}, HOME),
        ("POST", "/api/v1/inbox/{inbox_id}/reject"): lambda: ({"inbox_id": w.new_warning()}, {"json": {"reason": "thử"}}, HOME),
        ("POST", "/api/v1/units/import-csv"): lambda: ({}, {"params": {"catalogue": "thu-nghiem", "name": "Thử", "version": "1"}, "data": csv}, None),
        ("POST", "/api/v1/pairings/{code}/claim"): lambda: ({"code": w.new_code()["code"]}, {"json": {"name": "Bảng", "unit_code": HOME}}, HOME),
        ("POST", "/api/v1/assets"): lambda: ({}, {"params": {"filename": "anh.png"}, "data": _png()}, None),
        ("POST", "/api/v1/playlists"): lambda: ({}, {"json": {"name": "Mới", "items": []}}, None),
        ("PUT", "/api/v1/playlists/{playlist_id}"): lambda: ({"playlist_id": w.playlist}, {"json": {"name": "Ma trận", "items": [
            {"zone": "bulletin", "kind": "bulletin", "title": "Ma trận"}]}}, HOME),
        ("POST", "/api/v1/schedules"): lambda: ({}, {"json": {"playlist_id": w.playlist, "target": {"kind": "board", "id": w.board}}}, HOME),
        ("POST", "/api/v1/schedules/{schedule_id}/{action}"): lambda: ({"schedule_id": w.schedule, "action": "submit"}, {}, HOME),
        ("POST", "/api/v1/alerts"): lambda: ({}, {"json": {"level": 2, "headline": "Thử", "authority": "UBND xã", "units": [{"code": HOME}]}}, HOME),
        ("POST", "/api/v1/alerts/{alert_id}/withdraw"): lambda: ({"alert_id": w.new_alert()}, {}, HOME),
        ("GET", "/api/v1/reports/indicators"): lambda: ({}, {"params": {"catalogue": "vn-2025", "province": PROVINCE}}, PROVINCE),
        ("GET", "/api/v1/reports/evidence"): lambda: ({}, {"params": {"catalogue": "vn-2025", "province": PROVINCE}}, PROVINCE),
        ("GET", "/api/v1/reports/units/{unit_code}"): lambda: ({"unit_code": HOME}, {"params": {"catalogue": "vn-2025", "province": PROVINCE}}, HOME),
        ("PUT", "/api/v1/reports/groupings/{grouping}"): lambda: ({"grouping": "thu"}, {"json": {"catalogue": "vn-2025", "province": PROVINCE,
                                                                   "groups": [{"code": "g1", "name": "Nhóm", "units": [HOME]}]}}, None),
        ("POST", "/api/v1/sources"): lambda: ({}, {"json": {"name": f"Nguồn {next(_n)}", "adapter": "cap"}}, None),
        ("PATCH", "/api/v1/sources/{source_id}"): lambda: ({"source_id": w.source}, {"json": {"mode": "approval"}}, None),
        ("POST", "/api/v1/sources/{source_id}/cap"): lambda: ({"source_id": w.source}, {"data": b"<alert/>", "headers": {
            "Content-Type": "application/cap+xml"}}, None),
        ("GET", "/reports/province/{catalogue}/{province}"): lambda: ({"catalogue": "vn-2025", "province": PROVINCE}, {}, PROVINCE),
        ("GET", "/reports/province/{catalogue}/{province}/units/{unit_code}"): lambda: (
            {"catalogue": "vn-2025", "province": PROVINCE, "unit_code": HOME}, {}, HOME),
        ("GET", "/reports/province/{catalogue}/{province}/export/{table}.{fmt}"): lambda: (
            {"catalogue": "vn-2025", "province": PROVINCE, "table": "units", "fmt": "csv"}, {}, PROVINCE),
        ("GET", "/reports/province/{catalogue}/{province}/workbook.xlsx"): lambda: (
            {"catalogue": "vn-2025", "province": PROVINCE}, {}, PROVINCE),
        ("GET", "/reports/board/{board_id}/export/{table}.{fmt}"): lambda: ({"board_id": w.board, "table": "daily", "fmt": "csv"}, {}, HOME),
        ("GET", "/reports/national/export/{table}.{fmt}"): lambda: ({"table": "provinces", "fmt": "csv"}, {}, None),
        # A stream with no end of its own: the answer's status is all that is read.
        ("GET", "/live/events"): lambda: ({}, {"stream": True}, None),
        ("GET", "/proof-of-play/export.{fmt}"): lambda: ({"fmt": "xlsx"}, {}, None),
    }


DEFAULT_PARAMS = {"board_id": "board", "playlist_id": "playlist", "schedule_id": "schedule", "group_id": "group", "alert_id": "alert",
                  "inbox_id": "inbox", "source_id": "source", "sha256": "sha", "user_id": "spare_user"}


def _request(w: World, method: str, path: str, identity: str, sample):
    params, kwargs, unit = sample()
    url = path
    for name in re.findall(r"{(\w+)}", path):
        value = params[name] if name in params else getattr(w, DEFAULT_PARAMS[name])
        url = url.replace("{" + name + "}", str(value))
    headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
    token = {"anonymous": None, "board": w.board_token, "source_push": w.push_token}.get(identity, w.tokens.get(identity))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    r = requests.request(method, w.m.base_url + url, headers=headers, allow_redirects=False, timeout=60, **kwargs)
    return r.status_code, unit


def _province_level(unit: str | None) -> bool:
    return unit is not None and len(unit) == 2


def _within(person_unit: str, object_unit: str) -> bool:
    """Commune codes of province 15 start at 04; the test's units: HOME is in 15, OUT is in 01."""
    return person_unit == object_unit or (person_unit == PROVINCE and object_unit == HOME)


def expected(access, identity: str, unit: str | None):
    if access.who == "public":
        return "public"
    if identity == "anonymous":
        return 401
    if access.who == "credential":  # the samples use a file the board's manifest lists
        return 401 if identity == "source_push" else "allowed"
    if access.who == "board":
        return "allowed" if identity == "board" else 401
    if access.who == "source":
        return "allowed" if identity == "source_push" else 401
    if identity in ("board", "source_push"):
        return 401
    if identity == "admin":
        return "allowed"
    role, person_unit = PEOPLE[identity]
    if role not in access.roles:
        return 403
    if access.scope == "province" and not _province_level(person_unit):
        return 403
    if access.scope == "object" and unit is not None and not _within(person_unit, unit):
        return 404
    return "allowed"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    m = LiveManager(tmp_path_factory.mktemp("matrix")).start()
    try:
        yield World(m)
    finally:
        m.stop()


def test_every_route_declares_who_may_call_it(tmp_path):
    app = create_app(Settings(db=tmp_path / "m.db", asset_dir=tmp_path / "assets"))
    missing = [f"{m} {p}" for m, p, endpoint in route_table(app) if declared(endpoint) is None]
    assert not missing, f"routes without an @access declaration: {missing}"


def test_the_permission_matrix(world, tmp_path):
    app = create_app(Settings(db=tmp_path / "m.db", asset_dir=tmp_path / "assets"))
    table = samples(world)
    wrong = []
    for method, path, endpoint in route_table(app):
        access = declared(endpoint)
        sample = table.get((method, path), lambda: ({}, {}, HOME))
        answers = {}
        # Denials first, then the people allowed (whose calls may use an object up: factories give each its own).
        unit = sample()[2]
        order = sorted(IDENTITIES, key=lambda i: expected(access, i, unit) == "allowed")
        for identity in order:
            status, unit = _request(world, method, path, identity, sample)
            answers[identity] = status
            want = expected(access, identity, unit)
            if want == "public":
                continue
            ok = (status not in (401, 403, 404) and status < 500) if want == "allowed" else status == want
            if not ok:
                wrong.append(f"{method} {path} as {identity}: {status}, declared {want}")
        if access.who == "public":
            if len(set(answers.values())) != 1 or 401 in answers.values():
                wrong.append(f"{method} {path} (public): answers differ by who asks: {answers}")
    assert not wrong, "\n".join(wrong)
