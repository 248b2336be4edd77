"""Who published an article: the outlet marks and site names a page carries, read against a table.

bot/data/outlets.tsv holds the outlets (national papers, provincial papers, broadcasters and
portals, the provincial ones written once as templates for every province). A page names its
publisher with a mark before the lead ("(CLO) -", "NDO -", "(Cổng TTĐT tỉnh AG)-"), a site name
("Theo dõi Báo Tây Ninh trên", "© Cổng thông tin điện tử tỉnh Quảng Ninh", a banner), a credit
at the end ("Nguồn: TTXVN") or a domain. A mark shared by several outlets ("(Cổng TTĐT)", the
initials of two provinces) is read as the outlet of the article's own province.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.corpus.clean import PUBLISHER_MARK, CleanText
from bot.text.normalize import clean_unicode
from bot.text.places import CITY_PROVINCES, Gazetteer, fold_key

DATA = Path(__file__).resolve().parent.parent / "data" / "outlets.tsv"
HEAD_LINES = 15  # a publisher's mark sits before the lead, near the top of the page


@dataclass(frozen=True)
class Outlet:
    name: str
    province: str | None
    kind: str


def _norm(mark: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*([-&+])\s*", r"\1", clean_unicode(mark).casefold())).strip(" .")


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_]+", name)).upper()


class Outlets:
    def __init__(
        self, rows: Iterable[tuple[str, list[str], list[str], str, str]], provinces: list[str]
    ) -> None:
        self._marks: dict[str, list[Outlet]] = {}
        self._domains: dict[str, list[Outlet]] = {}
        self._names: dict[str, Outlet] = {}
        explicit: set[str] = set()
        templates = []
        for row in rows:
            if "{P}" in row[0]:
                templates.append(row)
            else:
                self._add(*row)
                explicit.add(row[0])
        for name, marks, domains, province, kind in templates:
            for p in provinces:
                fill = {
                    "{P}": p,
                    "{p}": fold_key(p),
                    "{I}": _initials(p),
                    "{K}": "thành phố" if p in CITY_PROVINCES else "tỉnh",
                }

                def sub(s: str, fill: dict[str, str] = fill) -> str:
                    for k, v in fill.items():
                        s = s.replace(k, v)
                    return s

                if sub(name) in explicit:
                    continue  # the outlet written out in full says it better
                self._add(sub(name), [sub(m) for m in marks], [sub(d) for d in domains], sub(province), kind)

    def _add(self, name: str, marks: list[str], domains: list[str], province: str, kind: str) -> None:
        outlet = Outlet(name, province or None, kind)
        self._names.setdefault(_norm(name), outlet)
        for mark in [name, *marks]:
            bucket = self._marks.setdefault(_norm(mark), [])
            if outlet not in bucket:
                bucket.append(outlet)
        for domain in domains:
            self._domains.setdefault(domain.casefold(), []).append(outlet)

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> Outlets:
        rows = []
        for line in DATA.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith(("#", "name\t")):
                continue
            name, marks, domains, province, kind = ([*line.split("\t"), "", "", "", ""])[:5]
            rows.append(
                (
                    name,
                    [m for m in marks.split("|") if m],
                    [d for d in domains.split("|") if d],
                    province,
                    kind,
                )
            )
        gaz = Gazetteer.default()
        provinces = sorted({p.name for p in gaz.places if p.is_province})
        return cls(rows, provinces)

    # ------------------------------------------------------------------ lookups

    @staticmethod
    def _pick(cands: list[Outlet], province: str | None) -> Outlet | None:
        if len(cands) == 1:
            return cands[0]
        local = [o for o in cands if province and o.province == province]
        return local[0] if len(local) == 1 else None

    def resolve(self, mark: str, province: str | None = None) -> Outlet | None:
        """The outlet a mark, a name or a domain stands for (the article's province decides
        between outlets that share it)."""
        key = _norm(mark)
        if key in self._marks:
            return self._pick(self._marks[key], province)
        m = re.fullmatch(r"(?:https?://)?(?:www\.)?([\w.-]+\.(?:vn|com|net|org|info))(?:/.*)?", key)
        if m:
            return self.by_domain(m.group(1), province)
        return None

    def by_domain(self, domain: str, province: str | None = None) -> Outlet | None:
        domain = domain.casefold().removeprefix("www.")
        parts = domain.split(".")
        for i in range(len(parts) - 1):  # "thiuy.huongtra.gov.vn" falls back to "huongtra.gov.vn"
            cands = self._domains.get(".".join(parts[i:]))
            if cands:
                return self._pick(cands, province)
        return None

    def province_of(self, publisher: str | None) -> str | None:
        """The province of a provincial outlet, None for a national one or an unknown name."""
        if not publisher:
            return None
        outlet = self.resolve(publisher)
        if outlet is not None:
            return outlet.province
        return Gazetteer.default().outlet_province(publisher)

    # ------------------------------------------------------------------ reading a page

    def find_publisher(self, clean: CleanText, province: str | None) -> str | None:
        """The article's publisher as a citation shows it, or None when the page names none."""
        lines = [line.text for line in clean.lines]
        head = lines[:HEAD_LINES]
        marks = [m for m in (_lead_mark(line) for line in head) if m]
        names = [n for n in (_site_name(line) for line in lines) if n]
        credits = [c for c in (_credit(line) for line in lines[-6:]) if c]
        domains = [
            d
            for line in head + lines[-20:]
            for d in re.findall(r"\b(?:[a-z0-9-]+\.)+(?:vn|com|net|org)\b", line.casefold())
        ]
        for candidate in (*marks, *names):
            outlet = self.resolve(candidate, province)
            if outlet is not None:
                return outlet.name
        for mark in marks:
            if _looks_like_mark(mark):
                return mark  # an outlet we do not know, named as it names itself ("BVR&MT")
        if names:
            return names[0]
        for candidate in credits:
            outlet = self.resolve(candidate, province)
            return outlet.name if outlet is not None else candidate
        for domain in domains:
            outlet = self.by_domain(domain, province)
            if outlet is not None:
                return outlet.name
        return None


def _lead_mark(line: str) -> str | None:
    m = PUBLISHER_MARK.match(line)
    if m:
        return (m.group("p") or m.group("b")).strip()
    m = re.fullmatch(r"\s*([A-ZĐ][A-ZĐ&+.]{1,11})\s*[-–—]\s*", line)  # "NDO -" alone on its line
    return m.group(1) if m else None


def _looks_like_mark(mark: str) -> bool:
    return bool(re.fullmatch(r"[A-ZĐ][A-ZĐ&+.\-]{1,11}|[\w.-]+\.(?:vn|com|net|org)", mark))


_SITE_NAME = [
    re.compile(r"^theo dõi (.{2,60}?) trên\b", re.IGNORECASE),
    re.compile(r"^©\s*(?:\d{4}\s*[-–]?\s*)?(?:bản quyền thuộc về\s+)?(.{3,80}?)\.?$", re.IGNORECASE),
    re.compile(r"^bản quyền (?:thuộc về|của)\s+(.{3,80}?)\.?$", re.IGNORECASE),
    re.compile(r"ghi rõ nguồn\s*[\"“]([^\"”]{3,60})[\"”]", re.IGNORECASE),
]
_BANNER = re.compile(r"^((?:TRANG|CỔNG) THÔNG TIN ĐIỆN TỬ .{3,80}|BÁO ĐIỆN TỬ .{3,60})$")


def _site_name(line: str) -> str | None:
    for rx in _SITE_NAME:
        m = rx.search(line)
        if m:
            return m.group(1).strip()
    m = _BANNER.match(line)
    return _sentence_case_banner(m.group(1)) if m else None


def _credit(line: str) -> str | None:
    m = re.match(r"^(?:Nguồn|Theo)\s*:?\s*([^.,;]{3,60}?)\.?$", line)
    return m.group(1).strip() if m else None


_LOWER_IN_BANNER = {
    "xã",
    "thị",
    "huyện",
    "tỉnh",
    "phường",
    "quận",
    "trấn",
    "-",
    "–",
    "thông",
    "tin",
    "điện",
    "tử",
    "trang",
    "cổng",
    "báo",
}


def _sentence_case_banner(text: str) -> str:
    """ "TRANG THÔNG TIN ĐIỆN TỬ XÃ QUANG THÀNH - THỊ XÃ KINH MÔN" as a citation writes it."""
    words = text.lower().split()
    out = []
    for i, w in enumerate(words):
        if i == 0:
            out.append(w[:1].upper() + w[1:])
        elif (
            (w in _LOWER_IN_BANNER and w != "thành")
            or (w == "thành" and words[i + 1 : i + 2] == ["phố"])
            or (w == "phố" and i > 0 and words[i - 1] == "thành")
        ):
            out.append(w)
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)
