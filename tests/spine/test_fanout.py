"""Fleet delivery: an alert reaches every long-polling board of its area, and only those.

One manager of this module's own, with a few hundred boards made straight in
its database before it starts (pairing each over HTTP would test pairing).
The boards long-poll over raw asyncio sockets, one connection each, as real
boards do. The big numbers (1,000 to 10,000 boards) are in bench/fleet.py.
"""
import asyncio
import json
import threading
from datetime import timedelta

import pytest

from manager import alerts, boards, manifest, manifest_service, targets
from manager.clock import Clock
from manager.db import Store, connect
from manager.manifest_batch import Batch, BoardParts
from manager.notify import ChangeFeed
from protocol.manifest import Manifest
from protocol.timebase import iso, utcnow
from tests import event_loops
from tests.live_manager import LiveManager

FLEET = 300  # boards in commune A, all of which the alert must reach
NEIGHBOURS = 20  # boards in commune B of the same province, which it must not wake


def _two_communes(db) -> tuple[str, str, str]:
    province, a, b = db.execute(
        "SELECT u.province_code, MIN(u.code), MAX(u.code) FROM units u WHERE u.catalogue = 'vn-2025' AND u.level = 3 "
        "GROUP BY u.province_code HAVING COUNT(*) > 1 ORDER BY u.province_code DESC LIMIT 1").fetchone()
    return province, a, b


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    live = LiveManager(tmp_path_factory.mktemp("fleet"))
    db = connect(live.db_path)
    province, commune_a, commune_b = _two_communes(db)
    made = {"a": [], "b": []}
    with db.atomic():
        for n in range(FLEET + NEIGHBOURS):
            side = "a" if n < FLEET else "b"
            board = boards.create(db, name=f"Bảng {side}{n}", unit_code=commune_a if side == "a" else commune_b)
            made[side].append((board["id"], boards.issue_token(db, board["id"])))
        # A group and a board of its own make a few boards' schedules differ from their commune's.
        group = boards.create_group(db, "Nhóm chợ", [b for b, _ in made["a"][:10]])
    db.close()
    live.start()
    yield live, made, (province, commune_a, commune_b, group)
    live.stop()


async def _poll(port: int, board_id: str, token: str, etag: str | None, wait: float) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        query = f"?wait={wait}" if wait else ""
        headers = f"If-None-Match: {etag}\r\n" if etag else ""
        writer.write(f"GET /api/v1/boards/{board_id}/manifest{query} HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer {token}\r\n"
                     f"{headers}\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        status = int(head.split(" ", 2)[1])
        length = next((int(line.split(":", 1)[1]) for line in head.split("\r\n") if line.lower().startswith("content-length:")), 0)
        body = await reader.readexactly(length) if length else b""
        return status, body
    finally:
        writer.close()


async def _etags(port: int, fleet_boards: list[tuple[str, str]]) -> list[str]:
    answers = await asyncio.gather(*(_poll(port, b, t, None, 0) for b, t in fleet_boards))
    return [f'"{json.loads(body)["version"]}"' for _, body in answers]


def test_alert_reaches_every_board_of_its_commune_and_no_other(fleet):
    live, made, (_, commune_a, commune_b, _) = fleet

    async def run():
        everyone = made["a"] + made["b"]
        etags = await _etags(live.port, everyone)
        polls = [asyncio.ensure_future(_poll(live.port, b, t, e, 20 if i < FLEET else 3))
                 for i, ((b, t), e) in enumerate(zip(everyone, etags))]
        await asyncio.sleep(1.0)  # every poll is held by now
        assert not any(p.done() for p in polls), "nothing changed, so nobody may be answered"
        alert = await asyncio.to_thread(live.emergency, 5, "Sơ tán khẩn cấp", units=[commune_a])
        return alert, await asyncio.gather(*polls)

    alert, answers = event_loops.run(run)
    for status, body in answers[:FLEET]:
        assert status == 200
        assert [a["id"] for a in json.loads(body)["alerts"]] == [alert["id"]]
    assert {status for status, _ in answers[FLEET:]} == {304}, "the other commune's boards waited out their poll"
    live.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()


def test_batch_builds_what_one_board_at_a_time_builds(fleet):
    """The shared parts join into the very bytes a whole Manifest serialises to, for every kind of target."""
    live, made, (province, commune_a, _, group) = fleet
    own_board = made["a"][0][0]
    live.publish([{"zone": "ticker", "kind": "ticker", "text": "Tin toàn tỉnh"}], target={"kind": "unit", "id": province})
    live.publish([{"zone": "ticker", "kind": "ticker", "text": "Tin của xã"}], target={"kind": "unit", "id": commune_a},
                 priority="priority")
    live.publish([{"zone": "ticker", "kind": "ticker", "text": "Tin của nhóm"}], target={"kind": "group", "id": str(group)})
    live.publish([{"zone": "ticker", "kind": "ticker", "text": "Tin riêng"}], target={"kind": "board", "id": own_board},
                 is_default=True)
    # It ends within the manifest's horizon, so any rule tied to alert ends must hold in both builds.
    alert = live.emergency(3, "Mưa lớn", boards=[own_board, made["b"][0][0]], ends_at=iso(utcnow() + timedelta(hours=3)))
    db = connect(live.db_path)
    try:
        now = utcnow()
        sample = [b for b, _ in made["a"][:12] + made["a"][-3:] + made["b"][:3]]
        batch = Batch(db, now, 7, BoardParts())
        built = {b.board_id: b for b in batch.build(sample)}
        for board_id in sample:
            one = manifest.build(db, board_id, now, 7)
            assert built[board_id].body == one.model_copy(update={"version": built[board_id].version}).model_dump_json().encode()
        assert len(batch._schedule_parts) == 4, "own board, group, plain commune A, commune B: one part each"
        assert alert["id"] in [a.id for a in Manifest.model_validate_json(built[own_board].body).alerts]
        again = {b.board_id: b.version for b in Batch(db, now + timedelta(seconds=5), 7, BoardParts()).build(sample)}
        assert again == {b: built[b].version for b in sample}, "the build time does not change the version"
        assert len({built[b].version for b in sample}) == len(sample), "each board's own part makes its version its own"
    finally:
        db.close()
        live.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()


def test_a_change_for_one_commune_wakes_no_board_of_another(fleet):
    """On the manager's own objects: the targets of the alert, then the change feed with real waiters."""
    live, made, (_, commune_a, commune_b, _) = fleet
    db = connect(live.db_path)
    try:
        with db.atomic():
            alert = alerts.create(db, level=4, headline="Lốc xoáy", body="", area={"units": [{"catalogue": "vn-2025", "code": commune_b}]},
                                  starts_at=utcnow(), ends_at=utcnow() + timedelta(minutes=5), source="test")
        reached = targets.for_alert(db, alert["id"])
        db.execute("UPDATE alerts SET withdrawn_at = updated_at WHERE id = ?", [alert["id"]])
        db.conn.commit()
    finally:
        db.close()
    assert reached == {b for b, _ in made["b"]}

    async def run():
        feed = ChangeFeed()
        waiting = {b: asyncio.ensure_future(feed.wait_beyond(feed.generation_of(b), 1.0, b)) for b, _ in made["a"] + made["b"]}
        follower = asyncio.ensure_future(feed.wait_beyond(feed.generation, 1.0))  # a pairing poll follows every change
        await asyncio.sleep(0)
        feed.bump(reached)
        return {b: await w for b, w in waiting.items()}, await follower, feed.woken

    woke, follower_woke, woken = event_loops.run(run)
    assert {b for b, w in woke.items() if w} == reached
    assert follower_woke and woken == len(reached) + 1


def test_a_change_without_targets_still_wakes_every_board():
    async def run():
        feed = ChangeFeed()
        waiting = [asyncio.ensure_future(feed.wait_beyond(0, 1.0, f"b-{n}")) for n in range(5)]
        await asyncio.sleep(0)
        feed.bump()
        woke = await asyncio.gather(*waiting)
        return woke, feed.generation_of("b-3"), feed.generation_of("b-unknown")

    woke, generation, unknown = event_loops.run(run)
    assert all(woke) and generation == unknown == 1


def test_generations_of_many_boards_are_each_board_s_own():
    feed = ChangeFeed()
    feed.bump(["b-1"])
    feed.bump()
    feed.bump(["b-2", "b-3"])
    feed.bump(["b-3"])
    boards = ["b-1", "b-2", "b-3", "b-unknown"]
    assert feed.generations_of(boards) == {b: feed.generation_of(b) for b in boards} == {"b-1": 2, "b-2": 3, "b-3": 4, "b-unknown": 2}


def test_the_first_answers_go_at_once_and_the_rest_together(fleet, monkeypatch):
    """The builder wakes the first few boards as soon as their answers are built, the others once the whole
    batch is; meanwhile `delivering()` tells the heartbeat side to hold its writes back."""
    live, made, _ = fleet
    boards_a = [b for b, _ in made["a"][:manifest_service.FIRST_ANSWERS + 10]]
    gate, held = threading.Event(), threading.Event()

    class GatedBatch(Batch):
        def build(self, board_ids):
            for n, built in enumerate(super().build(board_ids)):
                if n == manifest_service.FIRST_ANSWERS + 5:
                    held.set()
                    assert gate.wait(10), "the test never opened the gate"
                yield built

    monkeypatch.setattr(manifest_service, "Batch", GatedBatch)
    feed = ChangeFeed()
    service = manifest_service.ManifestService(Store(live.db_path), Clock(), feed, 7)

    async def run():
        waiting = {b: asyncio.ensure_future(feed.wait_beyond(feed.generation_of(b), 10.0, b)) for b in boards_a}
        await asyncio.sleep(0)
        assert not service.delivering()
        feed.bump(boards_a)
        assert service.delivering(), "from the change on, before anything is built"
        assert await asyncio.to_thread(held.wait, 10)
        await asyncio.sleep(0.2)  # whatever was handed over has reached this loop by now
        woken_early = {b for b, w in waiting.items() if w.done()}
        still_delivering = service.delivering()
        gate.set()
        await asyncio.gather(*waiting.values())
        for _ in range(100):  # the builder counts its batch done just after the last wake
            if not service.delivering():
                break
            await asyncio.sleep(0.01)
        return woken_early, still_delivering, service.delivering()

    woken_early, still_delivering, delivering_after = event_loops.run(run)
    assert woken_early == set(boards_a[:manifest_service.FIRST_ANSWERS])
    assert still_delivering and not delivering_after


def test_the_long_poll_checks_its_wait_as_before(fleet):
    """The manifest route takes the shortcut past FastAPI's routing: a bad `wait` is still a 422 in the usual
    shape, checked before the token, and the OpenAPI schema still lists the parameter."""
    live, made, _ = fleet
    board_id, token = made["b"][0]

    async def run():
        return [await _poll(live.port, board_id, t, None, wait) for t, wait in
                ((token, -1), (token, 61), ("not-a-token", "soon"), (token, 0.5), ("not-a-token", 0.5))]

    (below, refused), (above, _), (word, _), (fine, _), (stranger, _) = [(s, json.loads(b) if b else None) for s, b in event_loops.run(run)]
    assert (below, above, word, fine, stranger) == (422, 422, 422, 200, 401)
    assert refused["error"] == "invalid" and refused["detail"][0]["loc"] == ["query", "wait"]
    parameters = live.admin.get("/openapi.json").json()["paths"]["/api/v1/boards/{board_id}/manifest"]["get"]["parameters"]
    assert {"name": "wait", "in": "query", "required": False,
            "schema": {"type": "number", "maximum": 60, "minimum": 0, "default": 0, "title": "Wait"}} in parameters
