"""What a board itself may do: pair, report heartbeats, its play log and screenshots, and fetch files.

A board is identified by its own token (`manager.api.identity.board_for_request`)
and reaches only its own data; a file is fetched by its content hash.
"""
from manager import assets, heartbeats, pairing, playlog
from manager.domain import db_of
from protocol.pairing import PairingRequest


def start_pairing(x, body: PairingRequest) -> dict:
    return pairing.start(db_of(x), body, x.clock.time(), x.settings.pairing_ttl_s)


def pairing_status(x, code: str, secret: str):
    return pairing.status(db_of(x), code, secret, x.clock.time())


def heartbeats_in(x, board: dict, beats: list):
    ack, _ = heartbeats.ingest(db_of(x), board, beats, x.clock.time(), x.settings.clock_tolerance_s)
    return ack


def playlog_in(x, board: dict, records: list):
    return playlog.ingest(db_of(x), board["id"], records, x.clock.time())


def screenshot_in(x, board: dict, mime: str, data: bytes) -> None:
    playlog.store_screenshot(db_of(x), board["id"], mime, data, x.clock.time())


def asset_mime(x, store: assets.AssetStore, sha256: str) -> str:
    return assets.mime_of(db_of(x), store, sha256)
