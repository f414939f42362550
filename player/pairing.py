"""Pairing: ask the manager for a code, show it, wait until an editor claims it."""
import requests

from player import __version__, net
from protocol import api
from protocol.pairing import PairingCode, PairingRequest, PairingStatus


class PairingError(Exception):
    pass


def request_code(session: requests.Session, manager: str, size: tuple[int, int] | None) -> PairingCode:
    body = PairingRequest(software_version=__version__,
                          width=size[0] if size else None, height=size[1] if size else None)
    with net.deadline(30):
        resp = session.post(manager + api.PAIR, json=body.model_dump(mode="json"), timeout=(net.CONNECT_S, 15))
    if resp.status_code not in (200, 201):
        raise PairingError(f"pairing request refused: HTTP {resp.status_code}")
    return PairingCode.model_validate_json(resp.content)


def poll(session: requests.Session, manager: str, code: PairingCode, wait_s: int) -> PairingStatus:
    url = manager + api.PAIR_STATUS.format(code=code.code)
    with net.deadline(wait_s + 20):
        resp = session.get(url, params={"secret": code.secret, "wait": wait_s}, timeout=(net.CONNECT_S, wait_s + 15))
    if resp.status_code == 404:
        return PairingStatus(state="expired")
    if resp.status_code != 200:
        raise PairingError(f"pairing status: HTTP {resp.status_code}")
    return PairingStatus.model_validate_json(resp.content)
