"""Today's two tiers: 1.5 on phường, 1.6 on xã and đặc khu, 2.2 on a grouping the province defines."""
from manager.db import connect
from tests.uptime import scenario as sc
from tests.uptime.uptime_helpers import Chain, payloads

PROVINCE = "22"  # Quảng Ninh: phường, xã and two đặc khu


def test_two_tier_indicators_and_a_province_grouping(manager_factory):
    live = manager_factory(fake_clock=sc.T0)
    db = connect(live.db_path)
    units = {k: [r[0] for r in db.execute(
        "SELECT code FROM units WHERE catalogue = 'vn-2025' AND province_code = ? AND kind = ? ORDER BY code", [PROVINCE, k])]
        for k in ("ward", "commune", "special_zone")}
    db.close()
    wards, communes, zones = units["ward"], units["commune"], units["special_zone"]
    assert len(zones) == 2

    def board(unit, **claim):
        board_id, token = live.pair_board(unit_code=unit, name=f"Bảng {unit}", **claim)
        return board_id, live.board_client(token), Chain(1800)

    w_id, w, w_chain = board(wards[0])
    z_id, z, z_chain = board(zones[0])
    l_id, big, l_chain = board(wards[1], board_class="large")
    times = sc.every(sc.T0 + 5, sc.END - 1, 1800)
    for t in times:  # the large board reports live on the simulated clock
        live.set_clock(t)
        big.post(f"/api/v1/boards/{l_id}/heartbeats", json=payloads([l_chain.beat(t)])).raise_for_status()
    live.set_clock(sc.END + 60)
    for client, bid, chain in ((w, w_id, w_chain), (z, z_id, z_chain)):
        client.post(f"/api/v1/boards/{bid}/heartbeats",
                    json=payloads([chain.beat(t, offline=True) for t in times])).raise_for_status()

    def report():
        r = live.admin.get("/api/v1/reports/indicators", params={"catalogue": "vn-2025", "province": PROVINCE, "period": sc.PERIOD})
        r.raise_for_status()
        return {x["id"]: (x["numerator"], x["denominator"], x["value_pct"]) for x in r.json()["indicators"]}

    before = report()
    assert before["1.5-2t"] == (1, len(wards), round(100 / len(wards), 2))
    assert before["1.6-2t"] == (1, len(communes) + 2, round(100 / (len(communes) + 2), 2))
    assert before["2.2-group"] == (0, 0, None), "no grouping defined: nothing to measure"
    assert set(before) == {"1.5-2t", "1.6-2t", "2.2-group"}, "the three-tier forms need the old catalogue"

    groups = {"catalogue": "vn-2025", "province": PROVINCE, "groups": [
        {"code": "H1", "name": "Huyện cũ Một", "units": [wards[1], wards[2], communes[0]]},
        {"code": "H2", "name": "Huyện cũ Hai", "units": [wards[3], communes[1]]},
    ]}
    r = live.admin.put("/api/v1/reports/groupings/huyen-cu", json=groups)
    assert r.status_code == 200, r.text
    assert report()["2.2-group"] == (1, 2, 50.0)
    bad = {**groups, "groups": [{"code": "X", "name": "Sai", "units": ["00004"]}]}  # a Hà Nội ward
    assert live.admin.put("/api/v1/reports/groupings/huyen-cu", json=bad).status_code == 422
