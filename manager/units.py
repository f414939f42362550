"""Administrative units, each code stored with the catalogue it comes from.

Codes were reused with new meanings on 1 July 2025 (province 15 was Yên Bái,
is now Lào Cai), so a unit is always (catalogue, code), never a bare code.
Today's catalogue comes from the `vietnam-provinces` package; older ones
(the three tiers with districts and thị trấn) are imported from CSV.
"""
import csv
import io
from importlib.metadata import version as package_version

from sqlite_utils import Database

from manager.errors import BadInput, NotFound
from protocol.text import nfc
from protocol.timebase import iso, utcnow

CURRENT_CATALOGUE = "vn-2025"

# kind -> tier: 1 province-level, 2 district-level (before July 2025), 3 commune-level.
KIND_LEVEL = {
    "province": 1, "central_city": 1,
    "district": 2, "urban_district": 2, "town": 2, "provincial_city": 2, "municipal_city": 2,
    "commune": 3, "ward": 3, "township": 3, "special_zone": 3,
}
KIND_NAMES_VI = {
    "province": "tỉnh", "central_city": "thành phố trực thuộc trung ương",
    "district": "huyện", "urban_district": "quận", "town": "thị xã",
    "provincial_city": "thành phố thuộc tỉnh", "municipal_city": "thành phố thuộc thành phố trung ương",
    "commune": "xã", "ward": "phường", "township": "thị trấn", "special_zone": "đặc khu",
}
_PACKAGE_KIND = {"tỉnh": "province", "thành phố trung ương": "central_city", "xã": "commune", "phường": "ward", "đặc khu": "special_zone"}


def import_current(db: Database) -> dict:
    """Load today's 34 provinces and 3,321 commune-level units; idempotent."""
    from vietnam_provinces import Province, Ward

    rows = []
    for p in Province.iter_all():
        code = f"{int(p.code):02d}"
        rows.append(dict(catalogue=CURRENT_CATALOGUE, code=code, name=nfc(p.name), kind=_PACKAGE_KIND[p.division_type.value], level=1, parent_code=None, province_code=code))
    for w in Ward.iter_all():
        province = f"{int(w.province_code):02d}"
        rows.append(dict(catalogue=CURRENT_CATALOGUE, code=f"{int(w.code):05d}", name=nfc(w.name), kind=_PACKAGE_KIND[w.division_type.value], level=3, parent_code=province, province_code=province))
    source = f"vietnam-provinces {package_version('vietnam-provinces')}"
    _store_catalogue(db, CURRENT_CATALOGUE, "Đơn vị hành chính từ 01/07/2025 (2 cấp)", "2025-07-01", source, rows, current=True)
    return counts(db, CURRENT_CATALOGUE)


def import_csv(db: Database, catalogue: str, name: str, version: str, text: str) -> dict:
    """CSV with columns code,name,kind,parent_code (kind as in KIND_LEVEL); parents before or after children."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name", "kind", "parent_code"} - set(reader.fieldnames or [])
    if missing:
        raise BadInput(f"Tệp CSV thiếu cột: {', '.join(sorted(missing))}", f"CSV lacks columns: {', '.join(sorted(missing))}")
    raw = {}
    for line, row in enumerate(reader, start=2):
        kind = (row["kind"] or "").strip()
        if kind not in KIND_LEVEL:
            raise BadInput(f"Dòng {line}: loại đơn vị không hợp lệ {kind!r}", f"line {line}: unknown unit kind {kind!r}")
        code = row["code"].strip()
        if not code or code in raw:
            raise BadInput(f"Dòng {line}: mã trống hoặc trùng {code!r}", f"line {line}: empty or duplicate code {code!r}")
        raw[code] = dict(code=code, name=nfc(row["name"].strip()), kind=kind, parent_code=(row["parent_code"] or "").strip() or None)
    rows = []
    for code, row in raw.items():
        province, seen, cursor = code, set(), row
        while cursor["parent_code"]:
            if cursor["parent_code"] not in raw or cursor["code"] in seen:
                raise BadInput(f"Mã {code}: đơn vị cấp trên không có trong tệp", f"code {code}: parent missing or cyclic")
            seen.add(cursor["code"])
            cursor = raw[cursor["parent_code"]]
            province = cursor["code"]
        rows.append({**row, "catalogue": catalogue, "level": KIND_LEVEL[row["kind"]], "province_code": province})
    _store_catalogue(db, catalogue, name, version, "csv", rows, current=False)
    return counts(db, catalogue)


def _store_catalogue(db: Database, catalogue: str, name: str, version: str, source: str, rows: list[dict], current: bool) -> None:
    with db.atomic():
        if current:
            db.execute("UPDATE catalogues SET is_current = 0")
        db["catalogues"].upsert(dict(id=catalogue, name=nfc(name), version=version, source=source, imported_at=iso(utcnow()), is_current=int(current)), pk="id")
        db.execute("DELETE FROM units WHERE catalogue = ?", [catalogue])
        db["units"].insert_all(rows, batch_size=1000)


def counts(db: Database, catalogue: str) -> dict:
    rows = db.execute("SELECT kind, count(*) FROM units WHERE catalogue = ? GROUP BY kind", [catalogue]).fetchall()
    by_kind = dict(rows)
    return {"catalogue": catalogue, "by_kind": by_kind, "provinces": sum(v for k, v in by_kind.items() if KIND_LEVEL[k] == 1),
            "commune_level": sum(v for k, v in by_kind.items() if KIND_LEVEL[k] == 3)}


def catalogues(db: Database) -> list[dict]:
    """Every imported catalogue (id, name), oldest id first."""
    return list(db.query("SELECT id, name FROM catalogues ORDER BY id"))


def current_catalogue(db: Database) -> str:
    row = db.execute("SELECT id FROM catalogues WHERE is_current = 1").fetchone()
    return row[0] if row else CURRENT_CATALOGUE


def get(db: Database, catalogue: str, code: str) -> dict:
    rows = list(db.query("SELECT * FROM units WHERE catalogue = ? AND code = ?", [catalogue, code]))
    if not rows:
        raise NotFound(f"Không có đơn vị mã {code} trong danh mục {catalogue}", f"no unit {code} in catalogue {catalogue}")
    return rows[0]


def ancestors(db: Database, catalogue: str, code: str) -> list[str]:
    """The unit's own code, then its parents' up to the province."""
    chain = []
    cursor: str | None = code
    while cursor and cursor not in chain:
        chain.append(cursor)
        row = db.execute("SELECT parent_code FROM units WHERE catalogue = ? AND code = ?", [catalogue, cursor]).fetchone()
        cursor = row[0] if row else None
    return chain


def is_within(db: Database, catalogue: str, code: str, ancestor: str) -> bool:
    return ancestor in ancestors(db, catalogue, code)


def children(db: Database, catalogue: str, parent: str | None) -> list[dict]:
    if parent is None:
        return list(db.query("SELECT * FROM units WHERE catalogue = ? AND parent_code IS NULL ORDER BY code", [catalogue]))
    return list(db.query("SELECT * FROM units WHERE catalogue = ? AND parent_code = ? ORDER BY code", [catalogue, parent]))
