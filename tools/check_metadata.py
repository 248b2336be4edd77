#!/usr/bin/env python3
"""Compare the metadata the bot finds with the true metadata of a set of real articles.

    python tools/check_metadata.py [ARTICLES_DIR] [TRUTH_JSONL] [--show]

TRUTH_JSONL has one line per article (`file`, `title`, `publisher`, `date`, `place` (null for a
province-level article), `province`), as ../shared/real/articles.jsonl does. The bot's side is
what `python -m bot sources --json` prints, made here in one process from the same code.

Each field is scored over the articles where the truth can be found on the page:
  title      articles whose headline is in the text;
  publisher  articles whose page names the publisher (its name, its site's domain, or a mark the
             outlet table lists for it);
  date       articles whose text shows their date (its day and month, and its year); a date
             given where the truth is null counts as invented;
  date_known every article with a known date (some are known only from the page's address,
             which a .txt excerpt does not carry);
  place, province  all articles.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.corpus.loader import read_article  # noqa: E402
from bot.corpus.outlets import Outlets, _norm  # noqa: E402
from bot.search.snapshot import analyze_text, article_rec  # noqa: E402
from bot.text.normalize import fix_tone_placement, fold  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "real" / "articles"
DEFAULT_TRUTH = ROOT.parent / "shared" / "real" / "articles.jsonl"


def simple(text: str | None) -> str:
    """For comparing: folded, lower case, letters and digits only."""
    return " ".join(re.findall(r"[0-9a-z]+", fold(fix_tone_placement(text or "")).casefold()))


@dataclass
class Field:
    right: int = 0
    asked: int = 0
    invented: int = 0
    wrong: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        share = f"{100 * self.right / self.asked:.0f}%" if self.asked else "-"
        extra = f", {self.invented} invented" if self.invented else ""
        return f"{self.right}/{self.asked} ({share}){extra}"


def publisher_named(truth: dict, text: str, outlets: Outlets) -> bool:
    pub = truth.get("publisher")
    if not pub:
        return False
    page = simple(text)
    if simple(pub) in page:
        return True
    m = re.match(r"https?://(?:www\.)?([^/]+)", truth.get("url") or "")
    if m and m.group(1).casefold() in text.casefold():
        return True
    marks = [k for k, cands in outlets._marks.items() if any(simple(o.name) == simple(pub) for o in cands)]
    low = _norm(text)
    return any(re.search(rf"(?<![\w&]){re.escape(k)}(?![\w&])", low) for k in marks if len(k) >= 2)


def date_shown(date: str, text: str) -> bool:
    y, m, d = (int(x) for x in date.split("-"))
    day = rf"(?<!\d)0?{d}\s*[/.-]\s*0?{m}(?!\d)"
    return date in text or (re.search(day, text) is not None and str(y) in text)


def check(articles: Path, truth_file: Path) -> dict[str, Field]:
    outlets = Outlets.default()
    fields = {k: Field() for k in ("title", "publisher", "date", "date_known", "place", "province")}
    for line in truth_file.read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        path = articles / truth["file"]
        text, _ident, overrides = read_article(path, 10_000_000)
        got = article_rec(truth["file"], analyze_text(text, overrides)).as_json()
        if simple(truth["title"]) in simple(text):
            _score(fields["title"], truth, got, "title")
        if publisher_named(truth, text, outlets):
            _score(fields["publisher"], truth, got, "publisher")
        if truth["date"]:
            _score(fields["date_known"], truth, got, "date")
            if date_shown(truth["date"], text):
                _score(fields["date"], truth, got, "date")
        elif got["date"]:
            fields["date"].invented += 1
            fields["date"].wrong.append(f"{truth['file']}: invented {got['date']}")
        _score(fields["place"], truth, got, "place")
        _score(fields["province"], truth, got, "province")
    return fields


def _score(f: Field, truth: dict, got: dict, key: str) -> None:
    f.asked += 1
    if simple(truth[key]) == simple(got[key]):
        f.right += 1
    else:
        f.wrong.append(f"{truth['file']}: {got[key]!r} != {truth[key]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("truth", nargs="?", type=Path, default=DEFAULT_TRUTH)
    ap.add_argument("--show", action="store_true", help="list every wrong field")
    args = ap.parse_args(argv)
    for name, f in check(args.articles, args.truth).items():
        print(f"{name:10} {f}")
        if args.show:
            for w in f.wrong:
                print("   ", w)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
