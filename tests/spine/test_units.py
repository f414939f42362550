"""Administrative units: today's catalogue and older ones from CSV, codes kept with their catalogue."""
import pytest

from manager import units
from manager.db import connect
from manager.errors import BadInput
from manager.migrations import migrate

OLD_TIERS = """code,name,kind,parent_code
15,Tỉnh Yên Bái,province,
132,Thành phố Yên Bái,provincial_city,15
4246,Phường Yên Thịnh,ward,132
136,Huyện Lục Yên,district,15
4282,Thị trấn Yên Thế,township,136
4285,Xã Yên Thắng,commune,136
"""


@pytest.fixture
def db(tmp_path):
    database = connect(tmp_path / "units.db")
    migrate(database)
    return database


def test_current_catalogue_has_34_provinces_and_3321_communes(db):
    result = units.import_current(db)
    assert result["provinces"] == 34
    assert result["commune_level"] == 3321
    assert result["by_kind"]["special_zone"] == 13
    assert units.import_current(db)["commune_level"] == 3321, "importing again changes nothing"


def test_codes_reused_in_2025_stay_apart(db):
    units.import_current(db)
    units.import_csv(db, "vn-2024", "Ba cấp trước 01/07/2025", "2024-12-31", OLD_TIERS)
    assert units.get(db, "vn-2025", "15")["name"] == "Lào Cai"
    assert units.get(db, "vn-2024", "15")["name"] == "Tỉnh Yên Bái"
    township = units.get(db, "vn-2024", "4282")
    assert township["kind"] == "township" and township["level"] == 3 and township["province_code"] == "15"
    assert units.ancestors(db, "vn-2024", "4282") == ["4282", "136", "15"]
    assert units.is_within(db, "vn-2024", "4282", "15") and not units.is_within(db, "vn-2025", "4282", "15")


def test_bad_csv_refused_with_line(db):
    cases = [("code,name,kind,parent_code\n1,A,county,\n", "Dòng 2"), ("code,name\n1,A\n", "thiếu cột"),
             ("code,name,kind,parent_code\n1,A,commune,99\n", "cấp trên")]
    for text, message in cases:
        with pytest.raises(BadInput) as refused:
            units.import_csv(db, "x", "x", "1", text)
        assert message in refused.value.message_vi
    assert not db.execute("SELECT 1 FROM units WHERE catalogue = 'x'").fetchone()


def test_units_api(manager):
    provinces = manager.admin.get("/api/v1/units").json()
    assert len(provinces) == 34
    wards = manager.admin.get("/api/v1/units", params={"parent": "01"}).json()
    assert any(u["code"] == "00070" for u in wards)
