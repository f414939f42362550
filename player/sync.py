"""The sync threads: pairing and the manifest long-poll; asset downloads beside it.

A new manifest is handed to the screen only once every asset it names is in
the cache and verified; until then the previous one keeps playing. Its
alerts, though, need no asset: they are handed over at once (`alerts`), and
the long-poll keeps running during a long download, so a warning published
meanwhile still reaches the screen within a second or two. Callbacks run on
these threads: the app hands them to Kivy's main thread.

The playing manifest is checked too: an asset of it that went missing (the
cache removed a corrupt file, at the start or later) is fetched again at
once, with backoff, whatever the manager's manifest says (`repair`). Every
request has an overall deadline (`player.net`). The long-poll's answers are
never used to set the clock: a held request bounds the time only within a
minute (see `player.clock`).
"""
import logging
import random
import threading
from dataclasses import dataclass
from typing import Callable

import requests
from pydantic import ValidationError

from player import net, pairing
from player.cache import AssetCache, AssetError
from player.state import Identity, StateStore
from protocol import api
from protocol.manifest import Manifest
from protocol.pairing import PairingCode, PairingState

log = logging.getLogger(__name__)


@dataclass
class SyncEvents:
    """What the sync thread tells the screen; every callback is optional."""

    pairing_code: Callable[[PairingCode | None], None] = lambda code: None
    manifest: Callable[[Manifest], None] = lambda manifest: None
    progress: Callable[[float | None], None] = lambda fraction: None
    reached: Callable[[], None] = lambda: None  # the manager answered the board's token
    unpaired: Callable[[], None] = lambda: None
    # A newer manifest whose assets are still downloading: only its alerts apply yet.
    alerts: Callable[[Manifest], None] = lambda manifest: None


class Unauthorized(Exception):
    pass


class SyncWorker(threading.Thread):
    def __init__(self, manager: str, store: StateStore, cache: AssetCache,
                 events: SyncEvents, *, long_poll_s: int = 55, retry_max_s: float = 60,
                 screen_size: tuple[int, int] | None = None, current: Manifest | None = None,
                 deadline_s: float = 30):
        super().__init__(name="sync", daemon=True)
        self.manager = manager
        self.store = store
        self.cache = cache
        self.events = events
        self.long_poll_s = min(long_poll_s, api.MAX_WAIT_S)
        self.retry_max_s = retry_max_s
        self.deadline_s = deadline_s  # beyond the long-poll's own wait
        self.screen_size = screen_size
        self.current = current
        self.identity = store.load_identity(manager)
        self.stopping = threading.Event()
        self.session = net.session()
        self.seen_version = current.version if current is not None else None
        self.pending: Manifest | None = None  # the newest manifest, waiting for its assets
        self._pending_lock = threading.Lock()
        # Each manifest received gets a number; an older one never replaces a newer one
        # (the poll and the download thread may both switch).
        self._received = 0
        self._pending_number = 0
        self._switched = 0
        self._wake = threading.Event()
        self._downloader = threading.Thread(target=self._download_loop, name="download", daemon=True)

    def resume_from(self, manifest: Manifest | None) -> None:
        """The manifest that plays from the board's own disk at the start (before `start`)."""
        self.current = manifest
        self.seen_version = manifest.version if manifest is not None else None

    def start(self) -> None:
        super().start()
        self._downloader.start()

    def stop(self) -> None:
        self.stopping.set()
        self._wake.set()

    def repair(self, *args) -> None:
        """Fetch again whatever the playing manifest names and the cache lacks (unless a newer one
        is already pending, whose download comes first)."""
        with self._pending_lock:
            current = self.current
            if current is None or self.pending is not None or not self.cache.missing(list(current.assets.values())):
                return
            self._received += 1
            self.pending, self._pending_number = current, self._received
        self._wake.set()

    def run(self) -> None:
        self.repair()  # files removed by the check at the start are fetched before anything else
        delay = 1.0
        while not self.stopping.is_set():
            try:
                if self.identity is None:
                    self._pair()
                else:
                    self._poll_manifest()
                delay = 1.0
            except Unauthorized:
                log.warning("manager refused the board's token; pairing again")
                self.store.forget_identity()
                self.identity = None
                self.events.unpaired()
            except Exception as exc:  # a board left alone must never stop syncing
                if isinstance(exc, (requests.RequestException, pairing.PairingError, ValidationError, ValueError)):
                    log.info("sync: %s; retrying in %.0f s", exc, delay)
                else:
                    log.exception("sync failed unexpectedly; retrying in %.0f s", delay)
                self.events.progress(None)
                self.stopping.wait(delay * (0.8 + 0.4 * random.random()))
                delay = min(delay * 2, self.retry_max_s)

    def _pair(self) -> None:
        code = pairing.request_code(self.session, self.manager, self.screen_size)
        log.info("pairing code %s (expires %s)", code.code, code.expires_at.isoformat())
        self.events.pairing_code(code)
        while not self.stopping.is_set():
            status = pairing.poll(self.session, self.manager, code, wait_s=min(25, self.long_poll_s))
            if status.state == PairingState.claimed and status.token and status.board_id:
                identity = Identity(status.board_id, status.token, self.manager)
                self.store.save_identity(identity)  # the token comes once: keep it now
                self.identity = identity
                self.events.pairing_code(None)
                return
            if status.state != PairingState.pending:
                # Expired (the manager says so: the board's own clock may be anything), or claimed
                # without a token we can use: ask for a new code.
                return

    def _poll_manifest(self) -> None:
        ident = self.identity
        headers = {"Authorization": f"Bearer {ident.token}"}
        if self.seen_version:
            headers["If-None-Match"] = f'"{self.seen_version}"'
        url = self.manager + api.MANIFEST.format(board_id=ident.board_id)
        with net.deadline(self.long_poll_s + self.deadline_s):
            resp = self.session.get(url, params={"wait": self.long_poll_s}, headers=headers,
                                    timeout=(net.CONNECT_S, self.long_poll_s + 20))
            body = resp.content
        if resp.status_code == 401:
            raise Unauthorized()
        if resp.status_code == 304:
            self.events.reached()
            return
        if resp.status_code != 200:
            raise pairing.PairingError(f"manifest: HTTP {resp.status_code}")
        manifest = Manifest.model_validate_json(body)
        self.events.reached()
        self.seen_version = manifest.version or None
        with self._pending_lock:
            self._received += 1
            number = self._received
            if self.current is not None and manifest.version and manifest.version == self.current.version:
                self.pending = None  # back to what already plays
                return
            missing = self.cache.missing(list(manifest.assets.values()))
            self.pending = manifest if missing else None
            self._pending_number = number
        if missing:
            self.events.alerts(manifest)
            self._wake.set()
            return
        self._switch(manifest, number)

    def _switch(self, manifest: Manifest, number: int) -> None:
        with self._pending_lock:
            if number <= self._switched:
                return  # a newer manifest has already been switched in
            self._switched = number
            self.store.save_manifest(manifest)
            self.current = manifest
            pending = self.pending
        self.events.manifest(manifest)
        keep = set(manifest.assets) | (set(pending.assets) if pending is not None else set())
        removed = self.cache.collect_garbage(keep)
        if removed:
            log.info("removed %d cached files no manifest needs", removed)

    def _download_loop(self) -> None:
        """Fetch the pending manifest's assets; switch to it once all are verified."""
        session = net.session()
        delay = 1.0
        while not self.stopping.is_set():
            self._wake.wait()
            self._wake.clear()
            with self._pending_lock:
                manifest, number = self.pending, self._pending_number
            if manifest is None or self.stopping.is_set():
                continue
            try:
                self.fetch_assets(manifest, session)
                delay = 1.0
            except Exception as exc:  # this thread must outlive any one failure
                # The network, a corrupt file, a full disk or a bug: whatever it was, the old
                # programme keeps playing and the download is tried again later.
                if isinstance(exc, (requests.RequestException, AssetError)):
                    log.info("download: %s; retrying in %.0f s", exc, delay)
                elif isinstance(exc, OSError):
                    log.error("download: cannot write the cache (%s); retrying in %.0f s", exc, delay)
                else:
                    log.exception("download failed unexpectedly; retrying in %.0f s", delay)
                self.events.progress(None)
                self.stopping.wait(delay * (0.8 + 0.4 * random.random()))
                delay = min(delay * 2, self.retry_max_s)
                self._wake.set()
                continue
            with self._pending_lock:
                current = self.pending is manifest
                if current:
                    self.pending = None
            if current:
                self._switch(manifest, number)
            else:
                self._wake.set()  # a newer manifest arrived meanwhile: fetch what it needs
        session.close()

    def fetch_assets(self, manifest: Manifest, session: requests.Session | None = None) -> None:
        """Download every missing asset; raises (and nothing switches) if one fails."""
        session = session or self.session
        missing = self.cache.missing(list(manifest.assets.values()))
        if not missing:
            return
        total = sum(r.size for r in missing) or 1
        done = 0
        for ref in missing:
            url = ref.url if ref.url.startswith("http") else self.manager + "/" + ref.url.lstrip("/")
            base = done
            self.events.progress(done / total)
            self.cache.fetch(session, url, ref,
                             progress=lambda n, base=base: self.events.progress(min(1.0, (base + n) / total)))
            done += ref.size
        self.events.progress(None)
