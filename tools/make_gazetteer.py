#!/usr/bin/env python3
"""Generate bot/data/places.tsv, the gazetteer, from the `vietnamadminunits` dataset.

    pip install 'vietnamadminunits==1.0.4'   # or: pip install -e '.[gazetteer]'
    python tools/make_gazetteer.py [--out bot/data/places.tsv]

The dataset (https://github.com/tranngocminhhieu/vietnamadminunits, MIT) holds Vietnam's
administrative units before the July 2025 reorganisation (63 provinces, 696 districts, about
10,000 communes) and after it (34 provinces, 3,321 communes, no district level), with the
mapping of every old commune to the new ones. Only its data files are read, not its code, so
nothing of it (nor shapely, geopy) is needed at run time: the bot reads the TSV written here.

Each row is one unit:

    name  kind  level  era  province  province_2025  parent  aliases

- kind: province, city (thành phố), town (thị xã), district (huyện), urban_district (quận),
  ward (phường), commune (xã), township (thị trấn), special_zone (đặc khu)
- level: 1 province, 2 district level (gone since 2025), 3 commune level
- era: old (before July 2025), new (after), both (a province that kept its name and land)
- province: the province it belonged to in its era; province_2025: the province its land is in
  now (for a province: the new province it merged into)
- parent: old communes: their district; new communes: the old districts their land came from;
  new provinces: the old provinces merged into them (| separated)
- aliases: other spellings, | separated (former names and common short forms)

Names and aliases are matched folded (no diacritics, no case, no spaces), so "Kontum", "Kon Tum"
and "Kon-Tum" are the same key. tools/gazetteer_extra.tsv adds what the dataset lacks: display
names ("TP Hồ Chí Minh", "Thừa Thiên Huế" before 2025), abbreviations (TP.HCM, BR-VT) and units
that the dataset's last pre-2025 state no longer has (the city of Huế as a district).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXTRA = Path(__file__).with_name("gazetteer_extra.tsv")
COLUMNS = ["name", "kind", "level", "era", "province", "province_2025", "parent", "aliases"]
# Written after the columns: the folded keys the bot matches (name first, then aliases), syllable
# by syllable ("tan vinh"), so that loading the file costs no folding. Computed with the bot's
# own folding.
KEYS = "keys"

DISTRICT_KIND = {"Thành phố": "city", "Thị xã": "town", "Huyện": "district", "Quận": "urban_district"}
WARD_KIND = {"Phường": "ward", "Xã": "commune", "Thị trấn": "township", "Đặc khu": "special_zone"}


def dataset_dir() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("vietnamadminunits is not installed: pip install 'vietnamadminunits==1.0.4'")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def fold_key(s: str) -> str:
    """The dataset's own keys are folded like the bot's, but the bot's function is the one used."""
    from bot.text.places import fold_key as bot_fold_key

    return bot_fold_key(s)


def syllable_key(s: str) -> str:
    from bot.text.places import syllable_key as bot_syllable_key

    return bot_syllable_key(s)


def short(name: str) -> str:
    """'Cai Lậy (Thị xã)' -> 'Cai Lậy': the kind goes in its own column."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()


def alias_keys(raw: str | None, drop_prefix: bool = True) -> list[str]:
    """The dataset's aliases are folded keys, with or without the kind ("thixagianghia")."""
    if not raw:
        return []
    out = []
    for key in json.loads(raw):
        key = fold_key(key)
        if drop_prefix:
            key = re.sub(r"^(?:thanhpho|thixa|huyen|quan(?!g)|tp|tx|phuong|xa|thitran|tinh|dackhu)", "", key)
        # One syllable alone ("gia" left of "Tĩnh Gia", "hung", "son") is an ordinary word far
        # more often than this unit's name: "quốc gia" is not Nghi Sơn.
        if len(key) >= 3 and not ONE_SYLLABLE.fullmatch(key):
            out.append(key)
    return out


ONE_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?"
)


def build(data: Path) -> list[dict[str, str]]:
    db = sqlite3.connect(data / "dataset.db")
    conv = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    new_of_old_province = {old: new for new, olds in conv["DICT_PROVINCE"].items() for old in olds}

    # Provinces, old and new, by their folded key.
    old_prov = {
        key: (sname, aliases)
        for key, sname, aliases in db.execute(
            "SELECT DISTINCT provinceKey, provinceShort, provinceAlias FROM admin_units_legacy"
        )
    }
    new_prov = {
        key: (sname, aliases)
        for key, sname, aliases in db.execute(
            "SELECT DISTINCT provinceKey, provinceShort, provinceAlias FROM admin_units"
        )
    }
    short_new = {key: new_prov[key][0] for key in new_prov}
    province_2025 = {old_prov[o][0]: short_new[new_of_old_province[o]] for o in old_prov}

    rows: list[dict[str, str]] = []

    def add(name, kind, level, era, province="", p2025="", parent=(), aliases=()) -> None:
        rows.append(
            {
                "name": name,
                "kind": kind,
                "level": str(level),
                "era": era,
                "province": province,
                "province_2025": p2025,
                "parent": "|".join(dict.fromkeys(p for p in parent if p)),
                "aliases": "|".join(dict.fromkeys(a for a in aliases if a and fold_key(a) != fold_key(name))),
            }
        )

    merged_from: dict[str, list[str]] = defaultdict(list)
    for o, (sname, _) in old_prov.items():
        merged_from[short_new[new_of_old_province[o]]].append(sname)
    new_names = set(short_new.values())
    for _, (sname, aliases) in sorted(old_prov.items(), key=lambda kv: kv[1][0]):
        survives = sname in new_names and province_2025[sname] == sname
        add(
            sname,
            "province",
            1,
            "both" if survives else "old",
            "",
            province_2025[sname],
            merged_from[sname] if survives else (),
            alias_keys(aliases, drop_prefix=False),
        )

    # Districts (level 2, before 2025).
    for prov, dname, dkind, aliases in db.execute(
        "SELECT DISTINCT provinceShort, districtShort, districtType, districtAlias FROM admin_units_legacy"
        " ORDER BY provinceShort, districtShort"
    ):
        add(short(dname), DISTRICT_KIND[dkind], 2, "old", prov, province_2025[prov], (), alias_keys(aliases))

    # Communes before 2025, with their district; keyed for the mapping to the new ones.
    old_commune: dict[str, tuple[str, str]] = {}  # "prov_dist_ward" key -> (province, district)
    for prov, pkey, dname, dkey, wname, wkind, wkey, aliases in db.execute(
        "SELECT provinceShort, provinceKey, districtShort, districtKey, wardShort, wardType, wardKey,"
        " wardAlias FROM admin_units_legacy WHERE wardType IS NOT NULL ORDER BY provinceShort, districtShort, wardShort"
    ):
        old_commune[f"{pkey}_{dkey}_{wkey}"] = (prov, short(dname))
        add(
            short(wname),
            WARD_KIND[wkind],
            3,
            "old",
            prov,
            province_2025[prov],
            [short(dname)],
            alias_keys(aliases),
        )

    # Communes after 2025: the old districts their land came from.
    origins: dict[tuple[str, str], set[str]] = defaultdict(
        set
    )  # (new province key, new ward key) -> districts
    for pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for old in olds:
                if old in old_commune:
                    origins[(pkey, fold_key(wkey))].add(old_commune[old][1])
    for pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            for new in news:
                if old in old_commune:
                    origins[(pkey, fold_key(new["newWardKey"]))].add(old_commune[old][1])
    for prov, pkey, wname, wkind, wkey, aliases in db.execute(
        "SELECT provinceShort, provinceKey, wardShort, wardType, wardKey, wardAlias FROM admin_units"
        " ORDER BY provinceShort, wardShort"
    ):
        add(
            short(wname),
            WARD_KIND[wkind],
            3,
            "new",
            prov,
            prov,
            sorted(origins.get((pkey, fold_key(wkey)), ())),
            alias_keys(aliases),
        )
    return rows


def _parse_extra(path: Path) -> list[tuple[str, dict[str, str]]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        action, *pairs = line.split("\t")
        fields = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or key not in [*COLUMNS, "new_name", *(f"set_{c}" for c in COLUMNS)]:
                raise SystemExit(f"{path.name}:{n}: bad field {pair!r}")
            fields[key] = value
        out.append((action, fields))
    return out


def apply_extra(rows: list[dict[str, str]], path: Path) -> list[dict[str, str]]:
    """Display names, aliases and units the dataset lacks (see the header of the file).

    Actions: rename (a province everywhere it is named), alias (more spellings of a unit),
    set (fields of a unit), reprovince (old units named under another province), add (a unit).
    """
    for action, e in _parse_extra(path):
        if action == "rename":
            old, new = e["name"], e["new_name"]
            for r in rows:
                if r["kind"] == "province" and r["name"] == old:
                    r["name"] = new
                    r["aliases"] = "|".join(filter(None, [old, r["aliases"]]))
                for col in ("province", "province_2025"):
                    if r[col] == old:
                        r[col] = new
                if r["kind"] == "province":
                    r["parent"] = "|".join(new if p == old else p for p in r["parent"].split("|") if p)
        elif action in ("alias", "set"):
            hits = [
                r for r in rows if all(r[k] == e[k] for k in ("name", "kind", "era", "province") if k in e)
            ]
            if len(hits) != 1:
                raise SystemExit(f"{path.name}: {action} {e} matches {len(hits)} units")
            r = hits[0]
            if action == "alias":
                r["aliases"] = "|".join(
                    dict.fromkeys(filter(None, [*r["aliases"].split("|"), *e["aliases"].split("|")]))
                )
            else:
                for k, v in e.items():
                    if k.startswith("set_"):
                        r[k[4:]] = v
        elif action == "reprovince":
            for r in rows:
                if r["era"] == "old" and r["kind"] != "province" and r["province"] == e["name"]:
                    r["province"] = e["new_name"]
        elif action == "add":
            rows.append({c: e.get(c, "") for c in COLUMNS})
        else:
            raise SystemExit(f"{path.name}: unknown action {action!r}")
    names = {r["name"] for r in rows if r["kind"] == "province"}
    for r in rows:
        for col in ("province", "province_2025"):
            if r[col] and r[col] not in names:
                raise SystemExit(f"{r['name']}: {col} {r[col]!r} is no province")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bot" / "data" / "places.tsv")
    args = ap.parse_args(argv)
    rows = apply_extra(build(dataset_dir()), EXTRA)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        f.write("\t".join([*COLUMNS, KEYS]) + "\n")
        for r in rows:
            keys = [syllable_key(r["name"])]
            for alias in filter(None, r["aliases"].split("|")):
                key = syllable_key(alias)
                if len(key.replace(" ", "")) >= 2 and key not in keys:
                    keys.append(key)
            f.write("\t".join([*(r[c] for c in COLUMNS), "|".join(keys)]) + "\n")
    by_level = defaultdict(int)
    for r in rows:
        by_level[(r["level"], r["era"])] += 1
    print(
        f"wrote {len(rows)} units to {args.out}: "
        + ", ".join(f"level {k[0]} {k[1]}: {v}" for k, v in sorted(by_level.items()))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
