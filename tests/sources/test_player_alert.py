"""A CAP warning pushed by the provincial system reaches a real player under Xvfb within 2 s; Update and Cancel follow."""
import re
import time
from datetime import datetime, timedelta, timezone

import pytest

from player.state import StateStore
from tests.live_manager import Client, LiveManager
from tests.player.conftest import close, grab, run_player, wait_for, xdisplay  # noqa: F401 (fixtures)

RED = (219, 20, 20)  # level 4
PURPLE = (115, 25, 153)  # level 5
T_SENT = datetime.fromisoformat("2025-09-05T08:00:00+07:00")


@pytest.fixture
def live(tmp_path):
    manager = LiveManager(tmp_path / "manager").start()
    yield manager
    manager.stop()


def test_cap_alert_on_a_real_player(live, run_player, xdisplay, tmp_path, capdoc_at):  # noqa: F811
    data = tmp_path / "board"
    player = run_player(data, "--manager", live.base_url, "--heartbeat-s", "2")
    code = wait_for(lambda: re.search(r"pairing code (\d{6})", player.log()), 20, message="a pairing code").group(1)
    r = live.admin.post(f"/api/v1/pairings/{code}/claim", json={"name": "Bảng An Sinh (player)", "unit_code": "07090"})
    assert r.status_code == 201, r.text
    board_id = r.json()["id"]
    wait_for(lambda: StateStore(data).load_identity(live.base_url), 15, message="the token to be saved")
    wait_for(lambda: live.admin.get(f"/api/v1/boards/{board_id}").json().get("last_seen_at"), 20, message="a first heartbeat")
    time.sleep(1)  # the player is now waiting on its manifest long-poll

    source = live.admin.post("/api/v1/sources", json={"name": "PCTT Quảng Ninh", "adapter": "cap", "mode": "auto"}).json()
    pusher = Client(live.base_url, source["push_token"])

    def push(name, sent):
        r = pusher.post(f"/api/v1/sources/{source['id']}/cap", data=capdoc_at(name, sent, base=T_SENT),
                        headers={"Content-Type": "application/cap+xml"})
        assert r.status_code == 200, r.text
        return r.json()

    # The three messages keep their real spacing (08:00, 14:00, 20:00); the last one is sent now.
    now = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=12)
    pushed = time.monotonic()
    push("cap_vi_typhoon.xml", now)
    wait_for(lambda: close(grab(xdisplay).getpixel((320, 10)), RED, 40), 5, interval=0.05, message="the red (level 4) warning")
    assert time.monotonic() - pushed < 2.0

    push("cap_vi_typhoon_update.xml", now)
    wait_for(lambda: close(grab(xdisplay).getpixel((320, 10)), PURPLE, 40), 5, interval=0.05, message="the purple (level 5) update")

    push("cap_vi_typhoon_cancel.xml", now)
    wait_for(lambda: not close(grab(xdisplay).getpixel((320, 10)), PURPLE, 60) and not close(grab(xdisplay).getpixel((320, 10)), RED, 60),
             5, interval=0.05, message="the warning to go after Cancel")
    assert player.alive()
