"""An honest report trail: heartbeats leave the board only on a proven acknowledgement, are never
held up by a trickling server, and are never lost to a full disk.

Player under Xvfb, real manager on loopback; faults from tests/player/faults.py.
"""
import os

import pytest

from player.state import Identity, StateStore
from tests.player.conftest import wait_for
from tests.player.faults import Impostor, SmallDisk, chain, last_seq, outbox, stored


def _paired(live, data, name) -> str:
    board_id, token = live.pair_board(name=name)
    StateStore(data).save_identity(Identity(board_id, token, live.base_url))
    return board_id


def _all_arrived(live, board_id, data) -> list[dict]:
    """Every heartbeat the board recorded is at the manager, once, seq 0..n, and the chain verifies."""
    beats = stored(live, board_id)
    assert [hb["seq"] for hb in beats] == list(range(last_seq(data) + 1))[:len(beats)]
    status = chain(live, board_id)
    assert status["ok"], status
    return beats


def test_junk_200s_delete_nothing_from_the_queue(manager_factory, run_player, tmp_path):
    live = manager_factory()
    data = tmp_path / "board"
    board_id = _paired(live, data, "Bảng trả lời rác")
    run_player(data, "--manager", live.base_url, "--heartbeat-s", "1", "--retry-max-s", "1")
    wait_for(lambda: len(stored(live, board_id)) >= 2, 20, message="heartbeats at the manager")

    live.stop()
    impostor = Impostor(live.port, "junk")  # 200 {"ok": true, "accepted": 30} to everything
    try:
        held_by_manager = max(hb["seq"] for hb in stored(live, board_id))
        wait_for(lambda: len(outbox(data)) >= 6, 20, message="heartbeats while the wrong server answers 200")
        queued = [hb["seq"] for hb in outbox(data)]
        assert queued == list(range(held_by_manager + 1, queued[-1] + 1)), "a 200 that proves nothing deleted some"
        assert all(hb["recorded_offline"] for hb in outbox(data)[2:])
    finally:
        impostor.stop()

    live.start()
    wait_for(lambda: not outbox(data), 30, message="the queue delivered to the real manager")
    beats = _all_arrived(live, board_id, data)
    assert len(beats) >= len(queued) + 2
    # Held back by the wrong server, then delivered seconds late: recorded offline, whatever the board guessed.
    late = {hb["seq"]: hb["late"] for hb in beats}
    assert all(late[seq] for seq in queued), late


def test_trickling_server_does_not_stop_heartbeats(manager_factory, run_player, tmp_path):
    """A server sends a byte every 3 s and never a whole answer: every request is cut at its deadline,
    heartbeats go on being recorded, and all reach the manager once it is back."""
    live = manager_factory()
    data = tmp_path / "board"
    board_id = _paired(live, data, "Bảng máy chủ nhỏ giọt")
    player = run_player(data, "--manager", live.base_url, "--heartbeat-s", "1", "--retry-max-s", "1",
                        "--request-deadline-s", "4", "--long-poll-s", "2")
    wait_for(lambda: len(stored(live, board_id)) >= 2, 20, message="heartbeats at the manager")

    live.stop()
    impostor = Impostor(live.port, "trickle")
    try:
        before = last_seq(data)
        wait_for(lambda: "no complete answer within 4 s" in player.log(), 15, message="an upload cut at its deadline")
        wait_for(lambda: "no complete answer within 6 s" in player.log(), 15, message="a long-poll (2 s + 4 s) cut at its deadline")
        wait_for(lambda: last_seq(data) >= before + 5, 15, message="heartbeats recorded through the trickle")
    finally:
        impostor.stop()
    live.start()
    # Neither the upload nor the sync is still held by a trickling request.
    wait_for(lambda: not outbox(data), 20, message="the queue delivered once the manager is back")
    _all_arrived(live, board_id, data)
    assert player.alive()


def test_full_disk_loses_no_heartbeat(manager_factory, run_player, tmp_path):
    """The data disk fills up: the partial download goes first, then the queue lives on its reserve,
    every heartbeat still arrives, and they say `disk_low` until there is room again."""
    data = tmp_path / "board"
    disk = SmallDisk(data, 24)
    if not disk.mounted:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    try:
        live = manager_factory()
        board_id = _paired(live, data, "Bảng đầy đĩa")
        player = run_player(data, "--manager", live.base_url, "--heartbeat-s", "1", "--retry-max-s", "1")
        wait_for(lambda: len(stored(live, board_id)) >= 2, 20, message="heartbeats at the manager")
        partial = data / "cache" / "partial" / ("ab" * 32 + ".part")
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(os.urandom(1024 * 1024))  # a download cut short

        disk.fill()
        wait_for(lambda: "dropped" in player.log() and not partial.exists(), 15, message="the partial download dropped")
        disk.fill()  # something else takes that space too: only the reserve is left
        low = wait_for(lambda: [hb for hb in stored(live, board_id) if hb.get("disk_low")], 20,
                       message="heartbeats saying the disk is low")
        wait_for(lambda: len([hb for hb in stored(live, board_id) if hb.get("disk_low")]) >= 8, 20,
                 message="heartbeats going on from the reserve")
        disk.unfill()
        wait_for(lambda: not stored(live, board_id)[-1].get("disk_low"), 20, message="disk_low cleared")
        wait_for(lambda: not outbox(data), 20, message="the queue drained")
        beats = _all_arrived(live, board_id, data)
        assert low and len(beats) == last_seq(data) + 1
    finally:
        disk.unmount()
