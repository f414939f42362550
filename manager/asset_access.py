"""Who may download an asset, and whether a shared cache may keep it.

Assets keep their immutable, content-addressed URLs (`/assets/{sha256}`);
access rides on the credential the client already has, not on the URL:

* a signed-in person (console session or API token) may fetch any asset, to
  preview drafts;
* a board (its bearer token, not revoked) may fetch approved assets and any
  asset its own current manifest lists;
* anyone else gets 401, a revoked board included.

An asset is *approved* once a schedule is on air with an approved revision of
a playlist that uses it (`schedules.live_revision_id`, the revision boards
play): an item added to the playlist's working copy or to a later draft
revision does not count until that revision is approved.
Approved assets are answered `public, immutable` so a caching reverse proxy
keeps one copy for all boards; the proxy asks `GET /api/v1/asset-access/{sha256}`
(204 or 401/403, no body) with the client's credential before serving its
copy (nginx `auth_request`, see docs/manager.md). Everything else is answered
`private, no-store`: no shared cache keeps a draft.
"""
import json

from sqlite_utils import Database

from manager import revisions
from manager.auth import Principal, hash_token
from manager.errors import Forbidden, Unauthorized

PUBLIC = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"


# The live revisions are few (one per schedule on air); `instr` skips the JSON of every revision that
# cannot name the file before json_each parses the rest. Live: as manager.manifest.LIVE_SCHEDULES reads it.
_APPROVED = f"""
SELECT 1 FROM playlist_revisions r
WHERE r.id IN ({revisions.APPROVED})
  AND instr(r.items, ?) > 0
  AND EXISTS (SELECT 1 FROM json_each(r.items) j WHERE json_extract(j.value, '$.asset_sha256') = ?)
LIMIT 1"""


def is_approved(db: Database, sha256: str) -> bool:
    return db.execute(_APPROVED, [sha256, sha256]).fetchone() is not None


def board_by_token(db: Database, token: str) -> dict | None:
    rows = list(db.query("SELECT * FROM boards WHERE token_hash = ? AND revoked_at IS NULL", [hash_token(token)]))
    return rows[0] if rows else None


def listed_in(manifest_body: bytes, sha256: str) -> bool:
    return sha256 in json.loads(manifest_body).get("assets", {})


def decide(db: Database, sha256: str, principal: Principal | None, board: dict | None, manifest_body) -> str:
    """The Cache-Control to serve the asset with; raises when the caller may not have it.

    `manifest_body(board_id)` returns the board's current manifest (only called when needed).
    """
    approved = is_approved(db, sha256)
    cache = PUBLIC if approved else PRIVATE
    if principal is not None:
        return cache
    if board is None:
        raise Unauthorized("Cần đăng nhập hoặc mã truy cập của bảng tin để tải tệp này",
                           "sign in, or use a board token, to download this file")
    if approved or listed_in(manifest_body(board["id"]), sha256):
        return cache
    raise Forbidden("Tệp này chưa được duyệt và không có trong lịch phát của bảng tin này",
                    "this file is not approved and not in this board's manifest")
