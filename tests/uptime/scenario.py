"""A small three-tier province over two simulated days, sent over HTTP to a live manager with a fake clock.

Times are Vietnam local; T0 is Monday 2 March 2026, 00:00. Each board's
heartbeats are listed here so the tests can compute the expected figures by
hand from the same list.
"""
from datetime import datetime

from protocol.timebase import VN_TZ
from tests.uptime.uptime_helpers import Chain, payloads

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=VN_TZ).timestamp()
H = 3600
DAY = 86400
END = T0 + 2 * DAY  # the report period: 2026-03-02..2026-03-03
PERIOD = "2026-03-02..2026-03-03"
CATALOGUE = "vn-test-2024"
PROVINCE = "90"
HOURS_6_22 = [{"start": "06:00", "end": "22:00"}]

UNITS_CSV = """code,name,kind,parent_code
90,Tỉnh Thử Nghiệm,province,
901,Huyện An,district,90
902,Thị xã Bình,town,90
90101,Xã An Một,commune,901
90102,Xã An Hai,commune,901
90103,Thị trấn An Ba,township,901
90201,Phường Bình Một,ward,902
90202,Xã Bình Hai,commune,902
"""


def every(start: float, end: float, step: float) -> list[float]:
    out, t = [], start
    while t <= end:
        out.append(t)
        t += step
    return out


def day(k: int, hhmmss: str) -> float:
    h, m, s = (int(x) for x in hhmmss.split(":"))
    return T0 + k * DAY + h * H + m * 60 + s


# Board A1 (Xã An Một, 06:00-22:00, every 10 min): an outage on Monday morning, scheduled off in the evening.
A1_ON = (every(day(0, "06:00:05"), day(0, "10:00:05"), 600) + every(day(0, "11:30:12"), day(0, "21:50:12"), 600)
         + every(day(1, "06:00:05"), day(1, "21:50:05"), 600))
A1_OFF = every(day(0, "22:00:12"), day(0, "22:50:12"), 600)
# Board A2 (Xã An Hai, around the clock): reports Monday morning only.
A2_ON = every(day(0, "06:00:05"), day(0, "12:00:05"), 600)
# Board A3 (Thị trấn An Ba, 06:00-22:00): showed content both days but only uploaded it afterwards.
A3_BACKFILL = every(day(0, "06:00:05"), day(0, "21:50:05"), 600) + every(day(1, "06:00:05"), day(1, "21:50:05"), 600)
# Board B1 (Phường Bình Một, around the clock): an error on screen all Monday; its clock 2 h fast on Tuesday.
B1_ERR = every(day(0, "00:00:05"), day(0, "23:50:05"), 600)
B1_ON = every(day(1, "00:00:05"), day(1, "23:50:05"), 600)
# Large board L1 at Huyện An (every 30 min), live throughout.
L1_ON = every(day(0, "00:00:05"), day(1, "23:30:05"), 1800)
# A test board at Xã Bình Hai: on throughout, but test boards never count.
T_ON = every(day(0, "00:00:05"), day(1, "23:00:05"), 3600)


def setup_units(live) -> None:
    r = live.admin.post("/api/v1/units/import-csv", params={"catalogue": CATALOGUE, "name": "Thử 3 cấp", "version": "2024-12-31"},
                        data=UNITS_CSV.encode())
    r.raise_for_status()


def pair(live, name, unit, **claim) -> tuple[str, object]:
    board_id, token = live.pair_board(unit_code=unit, name=name, unit_catalogue=CATALOGUE, **claim)
    return board_id, live.board_client(token)


def run(live) -> dict[str, str]:
    """Pairs the boards and sends every heartbeat at its own (simulated) time; returns name -> board id."""
    return run_keeping(live)[0]


def run_keeping(live) -> tuple[dict[str, str], dict, dict]:
    """`run`, also returning each board's HTTP client and heartbeat chain, to go on sending."""
    live.set_clock(T0 - 600)
    setup_units(live)
    ids, clients, chains = {}, {}, {}
    for name, unit, claim, hours, interval in (
        ("A1", "90101", {}, HOURS_6_22, 600), ("A2", "90102", {}, [], 600), ("A3", "90103", {}, HOURS_6_22, 600),
        ("B1", "90201", {}, [], 600), ("L1", "901", {"board_class": "large"}, [], 1800),
        ("T", "90202", {"is_test": True}, [], 3600),
    ):
        ids[name], clients[name] = pair(live, f"Bảng {name}", unit, **claim)
        live.admin.patch(f"/api/v1/boards/{ids[name]}", json={"operating_hours": hours, "heartbeat_interval_s": interval}).raise_for_status()
        chains[name] = Chain(interval)
    events = []  # (received_at, board, [heartbeats]) built in seq order per board
    a1 = sorted([(t, "on") for t in A1_ON] + [(t, "scheduled_off") for t in A1_OFF])
    for t, state in a1:
        events.append((t, "A1", [chains["A1"].beat(t, state=state)]))
    for t in A2_ON:
        events.append((t, "A2", [chains["A2"].beat(t)]))
    for t in B1_ERR:
        events.append((t, "B1", [chains["B1"].beat(t, state="error")]))
    for t in B1_ON:
        events.append((t, "B1", [chains["B1"].beat(t, board_offset=2 * H)]))
    for t in L1_ON:
        events.append((t, "L1", [chains["L1"].beat(t)]))
    for t in T_ON:
        events.append((t, "T", [chains["T"].beat(t)]))
    backlog = [chains["A3"].beat(t, offline=True) for t in A3_BACKFILL]
    events.append((END + 60, "A3", backlog[:100]))
    events.append((END + 61, "A3", backlog[100:]))
    events.sort(key=lambda e: e[0])
    for received, name, hbs in events:
        live.set_clock(received)
        r = clients[name].post(f"/api/v1/boards/{ids[name]}/heartbeats", json=payloads(hbs))
        r.raise_for_status()
        assert r.json()["accepted"] == len(hbs)
    live.set_clock(END + 3600)
    return ids, clients, chains
