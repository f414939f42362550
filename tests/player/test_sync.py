"""Sync and cache against a local HTTP server: resume, verify, refuse corrupt bytes, switch only when complete."""
import json
import threading
import time

import requests

from player.cache import AssetCache, AssetCorrupt
from player.state import Identity, StateStore
from player.sync import SyncEvents, SyncWorker
from tests.player.conftest import wait_for
from tests.player.media import asset_ref, jpeg_bytes, manifest


def ranged(data: bytes):
    """A route serving `data` with Range support, like the manager's /assets."""
    def route(handler):
        rng = handler.headers.get("Range")
        if rng:
            start = int(rng.split("=")[1].rstrip("-"))
            if start >= len(data):
                return 416, {}, b""
            return 206, {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}, data[start:]
        return 200, {}, data
    return route


def test_download_resumes_with_range(tmp_path, http_server):
    data = jpeg_bytes((10, 20, 30), size=(800, 600))
    ref = asset_ref(data)
    http_server.routes[ref.url] = ranged(data)
    cache = AssetCache(tmp_path / "cache")
    cache.partial.mkdir(parents=True)
    (cache.partial / f"{ref.sha256}.part").write_bytes(data[:1000])  # an interrupted download
    with requests.Session() as session:
        path = cache.fetch(session, http_server.base_url + ref.url, ref)
    assert path.read_bytes() == data
    assert http_server.requests[-1][1].get("Range") == "bytes=1000-"
    assert not (cache.partial / f"{ref.sha256}.part").exists()


def test_corrupt_download_is_refused(tmp_path, http_server):
    data = jpeg_bytes((10, 20, 30))
    ref = asset_ref(data)
    http_server.routes[ref.url] = (200, {}, data[:-10] + b"0123456789")
    cache = AssetCache(tmp_path / "cache")
    with requests.Session() as session:
        try:
            cache.fetch(session, http_server.base_url + ref.url, ref)
            raise AssertionError("corrupt bytes were accepted")
        except AssetCorrupt:
            pass
    assert not cache.has(ref.sha256)
    assert not list(cache.partial.iterdir()), "the bad partial file is discarded, not resumed"


def test_manifest_switches_only_when_assets_verified(tmp_path, http_server):
    good = jpeg_bytes((200, 10, 10))
    m = manifest([good])
    ref = next(iter(m.assets.values()))
    store = StateStore(tmp_path)
    store.save_identity(Identity("b1", "tok", http_server.base_url))
    served = {"asset": 0}
    fixed = threading.Event()

    def asset(handler):
        served["asset"] += 1
        if not fixed.is_set():
            return 200, {}, good[:-4] + b"XXXX"  # corrupt
        return ranged(good)(handler)

    def manifest_route(handler):
        assert handler.headers["Authorization"] == "Bearer tok"
        if handler.headers.get("If-None-Match") == f'"{m.version}"':
            time.sleep(0.3)
            return 304, {}, b""
        return 200, {"ETag": f'"{m.version}"', "Content-Type": "application/json"}, m.model_dump_json().encode()

    http_server.routes["/api/v1/boards/b1/manifest"] = manifest_route
    http_server.routes[ref.url] = asset
    switched = []
    cache = AssetCache(tmp_path / "cache")
    stale = cache.path("ab" * 32)
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an asset no manifest needs")
    worker = SyncWorker(http_server.base_url, store, cache,
                        SyncEvents(manifest=switched.append), long_poll_s=1, retry_max_s=1)
    worker.start()
    try:
        wait_for(lambda: served["asset"] >= 2, 10, message="the corrupt asset to be fetched again")
        assert switched == [] and store.load_manifest() is None, "switched before the asset verified"
        assert stale.exists()
        fixed.set()
        wait_for(lambda: switched, 10, message="the manifest to switch")
    finally:
        worker.stop()
        worker.join(5)
    assert switched[0].version == m.version
    assert store.load_manifest().version == m.version
    assert cache.path(ref.sha256).read_bytes() == good
    assert not stale.exists(), "assets no manifest needs are removed"


def test_malformed_manifest_keeps_what_plays(tmp_path, http_server):
    """Cut JSON or a manifest of another shape is refused; the board keeps its programme and asks again."""
    old, new = manifest([jpeg_bytes((10, 200, 10))]), manifest([jpeg_bytes((10, 10, 200))])
    store = StateStore(tmp_path)
    store.save_identity(Identity("b1", "tok", http_server.base_url))
    store.save_manifest(old)
    wrong_shape = old.model_dump(mode="json") | {"items": "không phải danh sách", "version": "v-bad"}
    bad = [new.model_dump_json().encode()[:150], json.dumps(wrong_shape).encode()]
    served = []
    fixed = threading.Event()

    def manifest_route(handler):
        if handler.headers.get("If-None-Match") == f'"{new.version}"':
            time.sleep(0.3)
            return 304, {}, b""
        body = new.model_dump_json().encode() if fixed.is_set() else bad[len(served) % 2]
        served.append(body)
        return 200, {"Content-Type": "application/json"}, body

    http_server.routes["/api/v1/boards/b1/manifest"] = manifest_route
    http_server.routes[next(iter(new.assets.values())).url] = ranged(jpeg_bytes((10, 10, 200)))
    switched = []
    worker = SyncWorker(http_server.base_url, store, AssetCache(tmp_path / "cache"),
                        SyncEvents(manifest=switched.append), long_poll_s=1, retry_max_s=0.2, current=old)
    worker.start()
    try:
        wait_for(lambda: len(served) >= 2, 10, message="the two bad answers")
        assert switched == [] and store.load_manifest().version == old.version, "a bad manifest replaced a good one"
        fixed.set()
        wait_for(lambda: switched, 10, message="the good manifest after the bad ones")
    finally:
        worker.stop()
        worker.join(5)
    assert switched[-1].version == new.version == store.load_manifest().version


def test_full_disk_does_not_stop_the_downloads(tmp_path, http_server):
    """No space for the new video this time: the old programme plays on, and the download is tried again."""
    import errno

    data = jpeg_bytes((120, 40, 200))
    m = manifest([data])
    ref = next(iter(m.assets.values()))
    http_server.routes[ref.url] = ranged(data)
    http_server.routes["/api/v1/boards/b1/manifest"] = lambda h: (
        (304, {}, b"") if h.headers.get("If-None-Match") == f'"{m.version}"' else (200, {}, m.model_dump_json().encode()))
    store = StateStore(tmp_path)
    store.save_identity(Identity("b1", "tok", http_server.base_url))

    class FullDisk(AssetCache):
        failures = 2

        def fetch(self, *args, **kwargs):
            if FullDisk.failures:
                FullDisk.failures -= 1
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().fetch(*args, **kwargs)

    switched = []
    worker = SyncWorker(http_server.base_url, store, FullDisk(tmp_path / "cache"),
                        SyncEvents(manifest=switched.append), long_poll_s=1, retry_max_s=0.5)
    worker.start()
    try:
        wait_for(lambda: switched, 15, message="the manifest once the disk had room")
    finally:
        worker.stop()
        worker.join(5)
    assert FullDisk.failures == 0 and switched[0].version == m.version


def test_revoked_token_goes_back_to_pairing(tmp_path, http_server):
    store = StateStore(tmp_path)
    store.save_identity(Identity("b1", "tok", http_server.base_url))
    http_server.routes["/api/v1/boards/b1/manifest"] = (401, {}, b'{"message": "revoked"}')
    http_server.routes["/api/v1/pair"] = (404, {}, b"")
    unpaired = threading.Event()
    worker = SyncWorker(http_server.base_url, store, AssetCache(tmp_path / "cache"),
                        SyncEvents(unpaired=unpaired.set), retry_max_s=1)
    worker.start()
    try:
        assert unpaired.wait(10)
        assert store.load_identity(http_server.base_url) is None, "the token is wiped"
    finally:
        worker.stop()
        worker.join(5)


def test_alert_arrives_during_a_long_download(tmp_path, http_server):
    """The long-poll keeps running while assets download: a warning is not stuck behind a video."""
    from datetime import timedelta

    from protocol.manifest import Alert
    from protocol.timebase import utcnow

    big = jpeg_bytes((5, 5, 5), size=(1600, 1600))
    m1 = manifest([big])
    alert = Alert(id="storm", level=4, headline="Bão mạnh", starts_at=utcnow() - timedelta(minutes=1))
    m2 = m1.model_copy(update={"alerts": [alert]}).with_version()
    ref = next(iter(m1.assets.values()))
    store = StateStore(tmp_path)
    store.save_identity(Identity("b1", "tok", http_server.base_url))
    hold = threading.Event()
    published = threading.Event()

    def slow_asset(handler):
        def chunks():
            yield big[:1000]
            hold.wait(20)
            yield big[1000:]
        return 200, {"Content-Length": str(len(big))}, chunks()

    def manifest_route(handler):
        seen = handler.headers.get("If-None-Match")
        latest = m2 if published.is_set() else m1
        if seen == f'"{latest.version}"':
            time.sleep(0.2)
            return 304, {}, b""
        return 200, {"ETag": f'"{latest.version}"'}, latest.model_dump_json().encode()

    http_server.routes["/api/v1/boards/b1/manifest"] = manifest_route
    http_server.routes[ref.url] = slow_asset
    alerts, switched = [], []
    worker = SyncWorker(http_server.base_url, store, AssetCache(tmp_path / "cache"),
                        SyncEvents(manifest=switched.append, alerts=alerts.append), long_poll_s=1, retry_max_s=1)
    worker.start()
    try:
        wait_for(lambda: any(path == ref.url for path, _ in http_server.requests), 10, message="the download to start")
        published.set()
        t0 = time.monotonic()
        wait_for(lambda: any(m.alerts for m in alerts), 5, interval=0.02, message="the alert during the download")
        assert time.monotonic() - t0 < 2 and switched == []
        hold.set()
        wait_for(lambda: switched, 10, message="the switch once the download completes")
        assert switched[-1].version == m2.version and switched[-1].alerts[0].id == "storm"
    finally:
        hold.set()
        worker.stop()
        worker.join(5)
