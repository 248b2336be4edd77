"""Sanity checks for the gazetteer bot/data/places.tsv (pre-2025 administrative names)."""

import unicodedata
from pathlib import Path

import pytest

PLACES = Path(__file__).resolve().parent.parent / "bot" / "data" / "places.tsv"
HEADER = ["name", "kind", "province", "aliases"]
KINDS = {"province", "city", "town", "district"}

# (place, province) pairs that must be present with exactly this province.
REQUIRED_PAIRS = [
    ("Từ Sơn", "Bắc Ninh"),
    ("Phổ Yên", "Thái Nguyên"),
    ("Sông Công", "Thái Nguyên"),
    ("Điện Bàn", "Quảng Nam"),
    ("Hương Thủy", "Thừa Thiên Huế"),
    ("Hương Trà", "Thừa Thiên Huế"),
    ("Ninh Hòa", "Khánh Hòa"),
    ("Bình Minh", "Vĩnh Long"),
    ("Ngã Bảy", "Hậu Giang"),
    ("Long Mỹ", "Hậu Giang"),
    ("Duyên Hải", "Trà Vinh"),
    ("Giá Rai", "Bạc Liêu"),
    ("Vĩnh Châu", "Sóc Trăng"),
    ("Ngã Năm", "Sóc Trăng"),
    ("Kiến Tường", "Long An"),
    ("Cai Lậy", "Tiền Giang"),
    ("Gò Công", "Tiền Giang"),
    ("Hồng Ngự", "Đồng Tháp"),
    ("Tân Châu", "An Giang"),
    ("Tịnh Biên", "An Giang"),
    ("Hà Tiên", "Kiên Giang"),
    ("Phú Mỹ", "Bà Rịa - Vũng Tàu"),
    ("Bến Cát", "Bình Dương"),
    ("Tân Uyên", "Bình Dương"),
    ("Chơn Thành", "Bình Phước"),
    ("Bình Long", "Bình Phước"),
    ("Phước Long", "Bình Phước"),
    ("Long Khánh", "Đồng Nai"),
    ("Trảng Bàng", "Tây Ninh"),
    ("Hòa Thành", "Tây Ninh"),
    ("La Gi", "Bình Thuận"),
    ("Buôn Hồ", "Đắk Lắk"),
    ("An Khê", "Gia Lai"),
    ("Ayun Pa", "Gia Lai"),
    ("Đức Phổ", "Quảng Ngãi"),
    ("Hoài Nhơn", "Bình Định"),
    ("An Nhơn", "Bình Định"),
    ("Sông Cầu", "Phú Yên"),
    ("Đông Hòa", "Phú Yên"),
    ("Ba Đồn", "Quảng Bình"),
    ("Hoàng Mai", "Nghệ An"),
    ("Thái Hòa", "Nghệ An"),
    ("Nghi Sơn", "Thanh Hóa"),
    ("Hồng Lĩnh", "Hà Tĩnh"),
    ("Tam Điệp", "Ninh Bình"),
    ("Duy Tiên", "Hà Nam"),
    ("Kim Bảng", "Hà Nam"),
    ("Mỹ Hào", "Hưng Yên"),
    ("Phúc Yên", "Vĩnh Phúc"),
    ("Sơn Tây", "Hà Nội"),
    ("Việt Yên", "Bắc Giang"),
    ("Nghĩa Lộ", "Yên Bái"),
    ("Sa Pa", "Lào Cai"),
    ("Mường Lay", "Điện Biên"),
    ("Uông Bí", "Quảng Ninh"),
    ("Cẩm Phả", "Quảng Ninh"),
    ("Đông Hà", "Quảng Trị"),
    ("Bảo Lộc", "Lâm Đồng"),
    ("Gia Nghĩa", "Đắk Nông"),
    ("Vị Thanh", "Hậu Giang"),
    ("Kinh Môn", "Hải Dương"),
    ("Đông Triều", "Quảng Ninh"),
    ("Móng Cái", "Quảng Ninh"),
    ("Kỳ Anh", "Hà Tĩnh"),
    ("Bỉm Sơn", "Thanh Hóa"),
    ("Hạ Long", "Quảng Ninh"),
    ("Chí Linh", "Hải Dương"),
    # rural districts / special cases mentioned explicitly
    ("Thủy Nguyên", "Hải Phòng"),
    ("Vân Đồn", "Quảng Ninh"),
    ("Cô Tô", "Quảng Ninh"),
    ("Phú Quốc", "Kiên Giang"),
]


def _nfc(s: str) -> bool:
    return unicodedata.normalize("NFC", s) == s


@pytest.fixture(scope="module")
def rows():
    raw = PLACES.read_bytes().decode("utf-8")  # must be valid UTF-8
    lines = raw.splitlines()
    assert lines[0].split("\t") == HEADER
    out = []
    for i, line in enumerate(lines[1:], start=2):
        assert line.strip(), f"blank line {i}"
        cols = line.split("\t")
        assert len(cols) == 4, f"line {i}: expected 4 columns, got {len(cols)}"
        assert all(c == c.strip() for c in cols), f"line {i}: stray whitespace"
        out.append(dict(zip(HEADER, cols, strict=True)))
    return out


def test_kinds_and_nfc(rows):
    for r in rows:
        assert r["kind"] in KINDS, r
        assert r["name"], r
        for value in r.values():
            assert _nfc(value), r
        aliases = [a for a in r["aliases"].split("|")] if r["aliases"] else []
        assert all(aliases), f"empty alias in {r}"
        assert r["name"] not in aliases, r
        assert len(aliases) == len(set(aliases)), r


def test_exactly_63_provinces(rows):
    provinces = [r for r in rows if r["kind"] == "province"]
    assert len(provinces) == 63
    assert len({r["name"] for r in provinces}) == 63
    assert all(r["province"] == "" for r in provinces)


def test_non_province_rows_point_to_a_province(rows):
    provinces = {r["name"] for r in rows if r["kind"] == "province"}
    for r in rows:
        if r["kind"] != "province":
            assert r["province"] in provinces, r


def test_unique_name_province(rows):
    keys = [(r["name"], r["province"]) for r in rows]
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes


def test_required_pairs(rows):
    by_name: dict[str, set[str]] = {}
    for r in rows:
        if r["kind"] != "province":
            by_name.setdefault(r["name"], set()).add(r["province"])
    for name, province in REQUIRED_PAIRS:
        assert by_name.get(name) == {province}, (name, province, by_name.get(name))


def test_ambiguous_abbreviation_on_all_candidates(rows):
    qn = {r["name"] for r in rows if "QN" in r["aliases"].split("|")}
    assert qn == {"Quảng Ninh", "Quảng Nam", "Quảng Ngãi"}
