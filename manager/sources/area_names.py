"""Area names (CAP `<areaDesc>`) matched to units of the catalogue.

Vietnamese senders often name the area instead of drawing it: "xã Bát Xát,
tỉnh Lào Cai", "Phường Hoàn Kiếm - Thành phố Hà Nội", "Xã Y Tý và xã A Mú Sung
(Lào Cai)". A name is compared without diacritics or case, with the kind word
("xã", "phường", "đặc khu", "tỉnh", "thành phố", or the English "commune",
"ward", "province", "city") taken off and used as a filter; provinces named in
the same `<areaDesc>` narrow the communes. A name that matches exactly one
unit is sure; anything else (no unit, several, words we do not understand such
as "vùng ven biển") is unsure and goes to a person with the candidates found.
"""
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from sqlite_utils import Database

PROVINCE_KINDS = ("province", "central_city")
COMMUNE_KINDS = ("commune", "ward", "special_zone", "township")
# Kind words as written (folded), longest first so "thanh pho" wins over a bare name.
_PREFIXES = [
    ("thanh pho truc thuoc trung uong", PROVINCE_KINDS), ("thanh pho", PROVINCE_KINDS), ("tp.", PROVINCE_KINDS),
    ("tp ", PROVINCE_KINDS), ("tinh", PROVINCE_KINDS), ("dac khu", ("special_zone",)), ("thi tran", ("township",)),
    ("phuong", ("ward",)), ("xa", ("commune",)),
]
_SUFFIXES = [(" special zone", ("special_zone",)), (" province", PROVINCE_KINDS), (" city", PROVINCE_KINDS),
             (" commune", ("commune",)), (" ward", ("ward",))]
_SPLIT = re.compile(r"[,;:()/\[\]]|\s+-\s+|\s+và\s+|\s+and\s+|\s+&\s+", re.IGNORECASE)
_EMBEDDED = re.compile(r"\b(tinh|thanh pho|phuong|xa|dac khu)\s+([a-z0-9 ]+)$")
MAX_CANDIDATES = 8


def fold(text: str) -> str:
    """Lower case, no diacritics (đ as d), single spaces: how two spellings of a name are compared."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9. ]", " ", text).split())


def bare(folded: str) -> tuple[tuple[str, ...] | None, str]:
    """(the kinds its kind word allows, or None; the name without the kind word)."""
    for word, kinds in _PREFIXES:
        if folded.startswith(word + " ") or (word.endswith((" ", ".")) and folded.startswith(word)):
            return kinds, folded[len(word):].strip(" .")
    for word, kinds in _SUFFIXES:
        if folded.endswith(word):
            return kinds, folded[: -len(word)].strip()
    return None, folded


@dataclass
class NameMatch:
    """One name of an `<areaDesc>`: the units it matched; sure when exactly one unit and nothing to doubt."""

    name: str
    candidates: list[dict] = field(default_factory=list)
    sure: bool = False


@dataclass
class Resolution:
    names: list[NameMatch]

    @property
    def sure(self) -> bool:
        return bool(self.names) and all(n.sure for n in self.names)

    @property
    def units(self) -> list[dict]:
        """The units the sure names target, as an alert's area units."""
        out = []
        for n in self.names:
            for c in n.candidates if n.sure else []:
                unit = {"catalogue": c["catalogue"], "code": c["code"]}
                if unit not in out:
                    out.append(unit)
        return out

    def as_json(self) -> list[dict]:
        return [{"name": n.name, "sure": n.sure, "candidates": n.candidates} for n in self.names]


class Catalogue:
    """Every unit of one catalogue, indexed by folded name without its kind word."""

    def __init__(self, db: Database, catalogue: str):
        self.catalogue = catalogue
        rows = list(db.query("SELECT code, name, kind, level, province_code FROM units WHERE catalogue = ?", [catalogue]))
        self.provinces = {r["code"]: r for r in rows if r["level"] == 1}
        self.by_name: dict[str, list[dict]] = {}
        for r in rows:
            self.by_name.setdefault(bare(fold(r["name"]))[1], []).append(r)

    def public(self, row: dict) -> dict:
        province = self.provinces.get(row["province_code"]) or {}
        return {"catalogue": self.catalogue, "code": row["code"], "name": row["name"], "kind": row["kind"],
                "province_code": row["province_code"], "province_name": province.get("name", "")}

    def find(self, name: str, kinds: tuple[str, ...] | None, provinces: set[str]) -> list[dict]:
        rows = self.by_name.get(name, [])
        if kinds:
            rows = [r for r in rows if r["kind"] in kinds]
        if provinces and not (kinds and set(kinds) <= set(PROVINCE_KINDS)):
            rows = [r for r in rows if r["province_code"] in provinces]
        return rows

    def near(self, name: str, kinds: tuple[str, ...] | None, provinces: set[str]) -> list[dict]:
        """Units whose names are close (a typo, a missing word): candidates for a person, never a match."""
        found = []
        for close in difflib.get_close_matches(name, list(self.by_name), n=MAX_CANDIDATES * 2, cutoff=0.8):
            found += self.find(close, kinds, provinces) or self.find(close, None, provinces) or self.find(close, kinds, set())
        return found


def _segments(description: str) -> list[tuple[str, str]]:
    """(as written, folded) for each part of an areaDesc."""
    return [(part.strip(), fold(part)) for part in _SPLIT.split(description) if fold(part)]


def resolve(db: Database, catalogue: str, descriptions: list[str]) -> Resolution:
    index = Catalogue(db, catalogue)
    names: list[NameMatch] = []
    for description in descriptions:
        parts = [(written, *bare(folded)) for written, folded in _segments(description)]
        # Provinces named in this description narrow the communes it names.
        provinces = {r["code"] for _, kinds, name in parts if kinds is None or set(kinds) <= set(PROVINCE_KINDS)
                     for r in index.find(name, PROVINCE_KINDS, set())}
        communes = [(w, k, n) for w, k, n in parts if not (k and set(k) <= set(PROVINCE_KINDS))
                    and not (k is None and index.find(n, PROVINCE_KINDS, set()))]
        wanted = communes or [(w, k, n) for w, k, n in parts if (w, k, n) not in communes]
        used: set[str] = set()
        for written, kinds, name in wanted:
            found = index.find(name, kinds, provinces if communes else set())
            sure = len(found) == 1
            if not found:
                embedded = _EMBEDDED.search(name)  # "vung ven bien tinh quang ninh": a unit is named, but not all of it is meant
                if embedded:
                    inner_kinds, inner = bare(f"{embedded.group(1)} {embedded.group(2)}")
                    found = index.find(inner, inner_kinds, set())
                found = found or index.near(name, kinds, provinces)
            if not found and not kinds and not provinces:
                found = index.near(name, None, set())
            names.append(NameMatch(written, [index.public(r) for r in found[:MAX_CANDIDATES]], sure))
            used.update(r["province_code"] for r in found)
        if communes:
            # A province no commune was found in may be a target of its own ("vùng ven biển tỉnh X và thành phố Y")
            # or only the context of a commune that is not there: a person decides, so it is offered, never sure.
            for written, kinds, name in parts:
                found = [r for r in index.find(name, PROVINCE_KINDS, set()) if r["code"] not in used]
                if found and (written, kinds, name) not in communes:
                    names.append(NameMatch(written, [index.public(r) for r in found], False))
    return Resolution(names)
