"""Pairing: a new board shows a short code; an editor claims it for a unit.

The code is short enough to type, so it alone proves nothing: the board also
holds a long secret from the same answer, and only the holder of that secret
receives the board's token, once.

Pairing is the one thing a stranger may do, so it is bounded: requests per
address, the number of codes waiting at once, and a short life for each code
(deleted as soon as it expires). Claims are throttled per person and per code,
in the database so that a restart does not reset them, and a code that is
wrong, expired, already claimed or never existed gets the same answer, so
guessing tells nothing.
"""
import secrets
from datetime import datetime, timezone

from sqlite_utils import Database

from manager import boards
from manager.auth import hash_token
from manager.errors import Conflict, NotFound, TooManyRequests
from manager.rate_limits import SlidingWindow, StoredWindow
from protocol.manifest import DEFAULT_HEARTBEAT_INTERVAL_S
from protocol.pairing import PairingClaim, PairingCode, PairingRequest, PairingState, PairingStatus

CODE_DIGITS = 6
MAX_PENDING = 200  # codes waiting to be claimed at once, across the whole manager
REQUEST_WINDOW_S = 600
CLAIM_FAILURES_PER_USER = 10  # wrong codes per person per window: 10^6 codes would take decades
CLAIMS_PER_CODE = 5  # attempts on one code per window, whoever makes them
CLAIM_WINDOW_S = 900
CLAIM_FAILURES = StoredWindow("pairing-claim-failures-by-user", CLAIM_FAILURES_PER_USER, CLAIM_WINDOW_S)
CLAIMS = StoredWindow("pairing-claims-by-code", CLAIMS_PER_CODE, CLAIM_WINDOW_S)


def no_such_code(code: str) -> NotFound:
    return NotFound(f"Không có mã ghép nối {code} đang chờ: mã sai, đã hết hạn hoặc đã được ghép. Hãy xem lại mã trên bảng tin.",
                    f"no pairing code {code} is waiting: wrong, expired or already claimed; check the code on the board",
                    code="no_such_pairing")


class Throttle:
    """Pairing requests per address (one per app, in memory: see manager.rate_limits)."""

    def __init__(self, requests_per_address: int):
        self.requests_by_address = SlidingWindow(requests_per_address, REQUEST_WINDOW_S)

    def admit_request(self, address: str, now: float) -> None:
        """Before anything is stored for an unauthenticated pairing request."""
        if not self.requests_by_address.hit(address, now):
            raise TooManyRequests("Địa chỉ này đã xin quá nhiều mã ghép nối; hãy thử lại sau vài phút",
                                  "too many pairing codes requested from this address; try again in a few minutes")



def start(db: Database, request: PairingRequest, now: float, ttl_s: int) -> PairingCode:
    # An unclaimed code is useless once expired: nothing to keep it for.
    db.execute("DELETE FROM pairings WHERE expires_at < ? AND board_id IS NULL", [now])
    pending = db.execute("SELECT count(*) FROM pairings WHERE board_id IS NULL").fetchone()[0]
    if pending >= MAX_PENDING:
        raise TooManyRequests("Đang có quá nhiều bảng tin chờ ghép nối; hãy thử lại sau vài phút",
                              "too many boards are waiting to be paired; try again in a few minutes")
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


def _pairing(db: Database, code: str) -> dict | None:
    rows = list(db.query("SELECT * FROM pairings WHERE code = ?", [code]))
    return rows[0] if rows else None


def status(db: Database, code: str, secret: str, now: float) -> PairingStatus:
    pairing = _pairing(db, code)
    # A wrong secret answers like a missing code: the status route must not tell strangers which codes are live.
    if pairing is None or not secrets.compare_digest(pairing["secret_hash"], hash_token(secret)):
        raise no_such_code(code)
    if pairing["board_id"] is None:
        state = PairingState.expired if pairing["expires_at"] < now else PairingState.pending
        return PairingStatus(state=state)
    if pairing["token_delivered"]:
        # The token went out once already; a second copy would be a leak.
        return PairingStatus(state=PairingState.claimed, board_id=pairing["board_id"])
    token = boards.issue_token(db, pairing["board_id"])
    db.execute("UPDATE pairings SET token_delivered = 1 WHERE code = ?", [code])
    return PairingStatus(state=PairingState.claimed, board_id=pairing["board_id"], token=token)


def claim(db: Database, code: str, claim: PairingClaim, now: float, heartbeat_interval_s: int = DEFAULT_HEARTBEAT_INTERVAL_S,
          user_id: int = 0) -> dict | None:
    """The new board; None for a code that is not waiting (`no_such_code`), counted against the person: the
    caller must commit that count before refusing, or a refusal would undo it."""
    if CLAIM_FAILURES.exceeded(db, str(user_id), now) or not CLAIMS.hit(db, code, now):
        raise TooManyRequests(f"Đã thử ghép nối quá nhiều lần; hãy đợi {CLAIM_WINDOW_S // 60} phút rồi thử lại",
                              f"too many pairing attempts; wait {CLAIM_WINDOW_S // 60} minutes and try again")
    pairing = _pairing(db, code)
    if pairing is None or pairing["board_id"] is not None or pairing["expires_at"] < now:
        CLAIM_FAILURES.hit(db, str(user_id), now)
        return None
    width = claim.width or pairing["width"] or 1920
    height = claim.height or pairing["height"] or 1080
    board = boards.create(db, name=claim.name, unit_code=claim.unit_code, unit_catalogue=claim.unit_catalogue,
                          board_class=claim.board_class, width=width, height=height, orientation=claim.orientation,
                          lat=claim.lat, lon=claim.lon, is_test=claim.is_test, heartbeat_interval_s=heartbeat_interval_s)
    db.execute("UPDATE pairings SET board_id = ? WHERE code = ?", [board["id"], code])
    return board
