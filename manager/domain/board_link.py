"""What a board itself may do: pair, report heartbeats, its play log and screenshots, and fetch files.

A board is identified by its own token (`manager.api.identity.require_board_token`)
and reaches only its own data; a file is fetched by its content hash.
"""
from manager import asset_access, assets, heartbeats, pairing, playlog, storage
from manager.auth import Principal, user_from_token
from manager.domain import db_of, quiet
from protocol.heartbeat import HeartbeatBatch
from protocol.pairing import PairingRequest


def start_pairing(x, body: PairingRequest) -> dict:
    quiet(x)  # a code nobody has claimed shows on no page
    return pairing.start(db_of(x), body, x.clock.time(), x.settings.pairing_ttl_s)


def pairing_status(x, code: str, secret: str):
    quiet(x)
    return pairing.status(db_of(x), code, secret, x.clock.time())


@storage.essential  # a board acknowledged keeps its uptime, even on a full disk
def heartbeats_in(x, board_id: str, batch: HeartbeatBatch):
    ack, _, seen = heartbeats.ingest(db_of(x), board_id, batch.heartbeats, x.clock.time(),
                                     x.settings.clock_tolerance_s, x.settings.backfill_max_days * 86400, batch.held_s)
    if not seen:
        quiet(x)  # most heartbeats: the same board, online, showing the same; pages need not look again
    return ack


def playlog_in(x, board_id: str, records: list):
    quiet(x)  # proof of play is a report, read when asked for, not a live page
    return playlog.ingest(db_of(x), board_id, records, x.clock.time())


def screenshot_in(x, board_id: str, mime: str, data: bytes) -> None:
    quiet(x)  # every few minutes per board: the wall shows the new one at its next look
    playlog.store_screenshot(db_of(x), board_id, mime, data, x.clock.time())


def asset_cache(x, sha256: str, token: str | None, session: Principal | None) -> str:
    """The Cache-Control to serve a file with, for whoever asks: a board by its token (approved files and
    its own manifest's), a person by an API token or the console session (any file, to preview drafts);
    raises Unauthorized or Forbidden otherwise (the rule: `manager.asset_access.decide`)."""
    db = db_of(x)
    board, principal = None, session
    if token:
        board = asset_access.board_by_token(db, token)
        principal = None if board else user_from_token(db, token)
    return asset_access.decide(db, sha256, principal, board, lambda board_id: x.manifests.current(board_id).body)


def asset_download(x, store: assets.AssetStore, sha256: str, token: str | None, session: Principal | None) -> tuple[str, str]:
    """(mime type, Cache-Control); a file that is not stored is missing (404) for everyone."""
    mime = assets.mime_of(db_of(x), store, sha256)
    return mime, asset_cache(x, sha256, token, session)
