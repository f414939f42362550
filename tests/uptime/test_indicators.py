"""The indicators file: the decision's numbers, validation, and the pure computation."""
import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from manager import indicators as ind
from manager.uptime import Availability

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_file_holds_decision_184():
    by_id = {i.id: i for i in ind.load()}
    assert set(by_id) == {"1.5", "1.5-2t", "1.6", "1.6-2t", "2.2", "2.2-group"}
    assert by_id["1.5"].baselines == {2022: 29.0, 2023: 31.8} and by_id["1.5"].targets == {2024: 70, 2025: 100}
    assert by_id["1.6"].baselines == {2022: 7.1, 2023: 11.7} and by_id["1.6"].targets == {2024: 45, 2025: 70}
    assert by_id["2.2"].baselines == {2022: None, 2023: 4.0} and by_id["2.2"].targets == {2024: 50, 2025: 100}
    assert by_id["1.5"].units.kinds == ["ward", "township"] and by_id["1.5-2t"].units.kinds == ["ward"]
    assert by_id["1.6-2t"].units.kinds == ["commune", "special_zone"]
    assert by_id["2.2"].measure == "connected" and by_id["2.2"].board_class.value == "large"
    assert all(i.source == "Quyết định 184/QĐ-BTTTT" for i in by_id.values())
    # The wording is the decision's own.
    decision = (ROOT.parent / "shared" / "brief" / "decision-184-QD-BTTTT-2024.txt")
    if decision.exists():
        text = re.sub(r"\s+", " ", decision.read_text(encoding="utf-8"))
        for key in ("1.5", "1.6", "2.2"):
            assert by_id[key].title_vi in text


def test_documented_example_is_valid_and_bad_files_are_refused(tmp_path):
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1).replace('"…"', '"x"'))
    assert ind.Indicator.model_validate(example).threshold_pct == 95
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": 1, "indicators": [{**example, "measure": "uptime"}]}))
    with pytest.raises(ValidationError):
        ind.load(bad)
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps({"schema": 1, "indicators": [example, example]}))
    with pytest.raises(ValidationError):
        ind.load(twice)


def _avail(on_pct: float | None, connected_pct: float = 0.0):
    if on_pct is None:
        return None
    return Availability((0, 100), 100.0, on_pct, connected_pct, [])


def test_compute_counts_units_with_one_good_board_and_says_no_data_honestly():
    i = {x.id: x for x in ind.load()}["1.6"]
    units = [ind.UnitInput("a", "A", "commune", ["b1", "b2"]), ind.UnitInput("b", "B", "commune", ["b3"]),
             ind.UnitInput("c", "C", "commune", [])]
    r = ind.compute(i, units, {"b1": _avail(50), "b2": _avail(80), "b3": _avail(79.99)}, 2025)
    assert (r.numerator, r.denominator, round(r.value_pct, 2), r.target_pct, r.meets_target) == (1, 3, 33.33, 70, False)
    assert r.rows[0].best_board == "b2" and r.rows[0].available
    nothing = ind.compute(i, units, {"b1": None, "b2": None, "b3": None}, 2025)
    assert nothing.value_pct is None and nothing.meets_target is None
    assert ind.compute(i, [], {"b1": _avail(100)}).value_pct is None
    connected = {x.id: x for x in ind.load()}["2.2"]
    r = ind.compute(connected, [ind.UnitInput("d", "D", "district", ["b1"])], {"b1": _avail(100, 10)})
    assert r.numerator == 0, "2.2 counts connected time, not on-screen time"
