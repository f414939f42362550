"""Pairing: a new board shows a short code; an editor claims it for a unit.

The code is short enough to type, so it alone proves nothing: the board also
holds a long secret from the same answer, and only the holder of that secret
receives the board's token, once.
"""
import secrets
from datetime import datetime, timezone

from sqlite_utils import Database

from manager import boards
from manager.auth import hash_token
from manager.errors import Conflict, Forbidden, NotFound
from protocol.manifest import DEFAULT_HEARTBEAT_INTERVAL_S
from protocol.pairing import PairingClaim, PairingCode, PairingRequest, PairingState, PairingStatus

CODE_DIGITS = 6


def start(db: Database, request: PairingRequest, now: float, ttl_s: int) -> PairingCode:
    db.execute("DELETE FROM pairings WHERE expires_at < ? AND board_id IS NULL", [now - 86400])
    for _ in range(20):
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        if not db.execute("SELECT 1 FROM pairings WHERE code = ? AND expires_at > ?", [code, now]).fetchone():
            break
    else:
        raise Conflict("Không cấp được mã ghép nối, hãy thử lại", "could not allocate a pairing code, try again")
    secret = secrets.token_urlsafe(24)
    db.execute("DELETE FROM pairings WHERE code = ?", [code])
    db["pairings"].insert(dict(code=code, secret_hash=hash_token(secret), created_at=now, expires_at=now + ttl_s,
                               width=request.width, height=request.height, software_version=request.software_version))
    return PairingCode(code=code, secret=secret, expires_at=datetime.fromtimestamp(now + ttl_s, timezone.utc))


def _pairing(db: Database, code: str) -> dict:
    rows = list(db.query("SELECT * FROM pairings WHERE code = ?", [code]))
    if not rows:
        raise NotFound(f"Không có mã ghép nối {code}", f"no pairing code {code}")
    return rows[0]


def status(db: Database, code: str, secret: str, now: float) -> PairingStatus:
    pairing = _pairing(db, code)
    if not secrets.compare_digest(pairing["secret_hash"], hash_token(secret)):
        raise Forbidden("Mã bí mật ghép nối không đúng", "wrong pairing secret")
    if pairing["board_id"] is None:
        state = PairingState.expired if pairing["expires_at"] < now else PairingState.pending
        return PairingStatus(state=state)
    if pairing["token_delivered"]:
        # The token went out once already; a second copy would be a leak.
        return PairingStatus(state=PairingState.claimed, board_id=pairing["board_id"])
    token = boards.issue_token(db, pairing["board_id"])
    db.execute("UPDATE pairings SET token_delivered = 1 WHERE code = ?", [code])
    return PairingStatus(state=PairingState.claimed, board_id=pairing["board_id"], token=token)


def claim(db: Database, code: str, claim: PairingClaim, now: float, heartbeat_interval_s: int = DEFAULT_HEARTBEAT_INTERVAL_S) -> dict:
    pairing = _pairing(db, code)
    if pairing["board_id"] is not None:
        raise Conflict("Mã này đã được ghép với một bảng tin", "this code is already claimed")
    if pairing["expires_at"] < now:
        raise Conflict("Mã ghép nối đã hết hạn; hãy khởi động lại bảng tin để lấy mã mới", "pairing code expired")
    width = claim.width or pairing["width"] or 1920
    height = claim.height or pairing["height"] or 1080
    board = boards.create(db, name=claim.name, unit_code=claim.unit_code, unit_catalogue=claim.unit_catalogue,
                          board_class=claim.board_class, width=width, height=height, orientation=claim.orientation,
                          lat=claim.lat, lon=claim.lon, is_test=claim.is_test, heartbeat_interval_s=heartbeat_interval_s)
    db.execute("UPDATE pairings SET board_id = ? WHERE code = ?", [board["id"], code])
    return board
