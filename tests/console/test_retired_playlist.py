"""A deleted playlist is retired, not erased (issue 14): what a board played under it stays nameable in the
proof of play and the audit log, while every page, list and rule treats it as gone. Over plain HTTP."""
import hashlib
import html
import io
from datetime import datetime

from PIL import Image

from protocol.timebase import VN_TZ
from tests.console.board import BoardClient
from tests.console.conftest import HOME

DAY = datetime(2026, 7, 20, 9, 0, tzinfo=VN_TZ)  # a day of its own: no other test plays anything then
NAME = "Tuyên truyền phòng cháy rừng"


def _picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 90, 20)).save(out, "PNG")
    return out.getvalue()


def test_a_deleted_playlist_stays_nameable_in_proof_of_play_and_is_gone_elsewhere(manager, as_user):
    admin, editor, auditor = manager.admin, as_user("c_editor"), as_user("c_auditor")
    picture_png = _picture()
    sha = hashlib.sha256(picture_png).hexdigest()
    editor.post("/library/upload", files=[("files", ("cam-lua-rung.png", picture_png, "image/png"))],
                data={"csrf_token": editor.csrf}).raise_for_status()  # the editor's unit's file, in their library
    playlist = admin.post("/api/v1/playlists", json={"name": NAME, "unit_code": HOME, "items": [
        {"zone": "bulletin", "kind": "bulletin", "title": "Cấm đốt nương mùa khô"},
        {"zone": "main", "kind": "image", "asset": sha}]}).json()
    pid = playlist["id"]
    bulletin, picture = (i["id"] for i in playlist["items"])
    board_id, _ = manager.pair_board(unit_code=HOME, name="Bảng tin đồi chè")
    schedule = admin.post("/api/v1/schedules", json={"playlist_id": pid, "target": {"kind": "board", "id": board_id}}).json()
    board = BoardClient(manager, HOME, "Bảng tin bản Sín Chải")
    board.played(bulletin, pid, DAY, 20, kind="bulletin", zone="bulletin", times=3)
    board.played(picture, pid, DAY, 10, kind="image", zone="main", times=2)
    assert f"/playlists/{pid}" in editor.get("/library").text  # where the file is used, before

    admin.post(f"/api/v1/schedules/{schedule['id']}/submit").raise_for_status()
    admin.post(f"/api/v1/schedules/{schedule['id']}/withdraw").raise_for_status()
    assert admin.delete(f"/api/v1/playlists/{pid}").status_code == 204

    # Gone wherever playlists are shown or acted on.
    assert admin.get(f"/api/v1/playlists/{pid}").status_code == 404
    assert editor.get(f"/playlists/{pid}").status_code == 404
    assert pid not in [p["id"] for p in admin.get("/api/v1/playlists").json()]
    assert f"/playlists/{pid}" not in editor.get("/playlists").text
    assert admin.post(f"/api/v1/playlists/{pid}/duplicate").status_code == 404
    assert admin.post("/api/v1/schedules", json={"playlist_id": pid, "target": {"kind": "board", "id": board_id}}).status_code == 404
    assert admin.get(f"/api/v1/schedules/{schedule['id']}").status_code == 404  # the withdrawn schedule went with it
    assert f"/playlists/{pid}" not in editor.get("/library").text
    # Its revisions can no longer play, so they do not hold the file: it may leave the library.
    assert admin.delete(f"/api/v1/assets/{sha}").status_code == 204

    # What was played keeps its name and its items' labels, the file's too (from the audit log).
    page = html.unescape(auditor.get("/proof-of-play", params={"period": "2026-07-20..2026-07-20"}).text)
    assert f'{NAME} (đã xoá) <span class="period-head">— 5 lượt' in page
    assert f'<option value="{pid}">{NAME} (đã xoá)</option>' in page
    assert f'data-item="{bulletin}"><td data-label="Mục"><strong>Cấm đốt nương mùa khô</strong>' in page
    assert f'data-item="{picture}"><td data-label="Mục"><strong>cam-lua-rung.png</strong>' in page
    csv = auditor.get("/proof-of-play/export.csv", params={"period": "2026-07-20..2026-07-20"}).content.decode("utf-8-sig")
    assert f"{NAME} (đã xoá),cam-lua-rung.png" in csv
    audit = html.unescape(auditor.get("/audit").text)
    assert f"<strong>{NAME}</strong> (đã xoá)" in audit
