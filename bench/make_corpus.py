#!/usr/bin/env python3
"""Write a synthetic corpus of Vietnamese articles for scale and distractor tests.

Each article takes one seed article as its template, moves it to another town
(town, province and party bodies renamed), perturbs about half of its numbers,
shifts its years, and mixes in a few paragraphs of another seed moved the same
way. The result reads like the real thing: the same phrases ("thu nhập bình quân
đầu người đạt ... triệu đồng") recur across many towns with different figures,
so only the article's own town and date tell the right answer apart.

No synthetic article is about the towns of the seeds, so a question about those
towns is answered by the seeds alone.

    make_corpus.py --articles 2000 --out DIR [--seed 7] [--seeds DIR]

Deterministic for a given seed. Prints a summary line.

Vendored from ../shared/bench/make_corpus.py (same output for the same seed); by default it
reads the seed articles from this project's seeds/. `python -m bot bench` runs it.
"""
import argparse
import os
import random
import re
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))

# Localities of the seed articles (as written in them), mapped out of every synthetic article.
SEED_TOWNS = ["Kinh Môn", "Đông Triều", "Đồng Triều", "Móng Cái", "Kỳ Anh"]
SEED_PROVINCES = ["Hải Dương", "Quảng Ninh", "Hà Tĩnh"]

# Real towns and cities of Vietnam with their provinces; none is a seed town.
TOWNS = [
    ("Từ Sơn", "Bắc Ninh"), ("Phổ Yên", "Thái Nguyên"), ("Sông Công", "Thái Nguyên"),
    ("Điện Bàn", "Quảng Nam"), ("Hương Thủy", "Thừa Thiên Huế"), ("Hương Trà", "Thừa Thiên Huế"),
    ("Ninh Hòa", "Khánh Hòa"), ("Bình Minh", "Vĩnh Long"), ("Ngã Bảy", "Hậu Giang"),
    ("Long Mỹ", "Hậu Giang"), ("Duyên Hải", "Trà Vinh"), ("Giá Rai", "Bạc Liêu"),
    ("Vĩnh Châu", "Sóc Trăng"), ("Ngã Năm", "Sóc Trăng"), ("Kiến Tường", "Long An"),
    ("Cai Lậy", "Tiền Giang"), ("Gò Công", "Tiền Giang"), ("Hồng Ngự", "Đồng Tháp"),
    ("Tân Châu", "An Giang"), ("Tịnh Biên", "An Giang"), ("Hà Tiên", "Kiên Giang"),
    ("Phú Mỹ", "Bà Rịa - Vũng Tàu"), ("Bến Cát", "Bình Dương"), ("Tân Uyên", "Bình Dương"),
    ("Chơn Thành", "Bình Phước"), ("Bình Long", "Bình Phước"), ("Phước Long", "Bình Phước"),
    ("Long Khánh", "Đồng Nai"), ("Trảng Bàng", "Tây Ninh"), ("Hòa Thành", "Tây Ninh"),
    ("La Gi", "Bình Thuận"), ("Buôn Hồ", "Đắk Lắk"), ("An Khê", "Gia Lai"),
    ("Ayun Pa", "Gia Lai"), ("Đức Phổ", "Quảng Ngãi"), ("Hoài Nhơn", "Bình Định"),
    ("An Nhơn", "Bình Định"), ("Sông Cầu", "Phú Yên"), ("Đông Hòa", "Phú Yên"),
    ("Ba Đồn", "Quảng Bình"), ("Hoàng Mai", "Nghệ An"), ("Thái Hòa", "Nghệ An"),
    ("Nghi Sơn", "Thanh Hóa"), ("Hồng Lĩnh", "Hà Tĩnh"), ("Tam Điệp", "Ninh Bình"),
    ("Duy Tiên", "Hà Nam"), ("Kim Bảng", "Hà Nam"), ("Mỹ Hào", "Hưng Yên"),
    ("Phúc Yên", "Vĩnh Phúc"), ("Sơn Tây", "Hà Nội"), ("Việt Yên", "Bắc Giang"),
    ("Nghĩa Lộ", "Yên Bái"), ("Sa Pa", "Lào Cai"), ("Mường Lay", "Điện Biên"),
    ("Uông Bí", "Quảng Ninh"), ("Cẩm Phả", "Quảng Ninh"), ("Đông Hà", "Quảng Trị"),
    ("Bảo Lộc", "Lâm Đồng"), ("Gia Nghĩa", "Đắk Nông"), ("Vị Thanh", "Hậu Giang"),
]

NUMBER = re.compile(r"\d+/\d+(?:/\d+)?|\d+")  # a date like 24/2 or 28/9/2020 is one match
YEAR = re.compile(r"\b(19|20)\d\d\b")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in unicodedata.normalize("NFC", text).splitlines() if p.strip()]


def move(text: str, town: str, province: str) -> str:
    for old in SEED_TOWNS:
        text = text.replace(old, town)
    for old in SEED_PROVINCES:
        text = text.replace(old, province)
    return text


def perturb(text: str, rng: random.Random, year_shift: int) -> str:
    def year(m: re.Match) -> str:
        return str(int(m.group(0)) + year_shift)

    def number(m: re.Match) -> str:
        d = m.group(0)
        if "/" in d or rng.random() < 0.5 or (len(d) == 4 and d[:2] in ("19", "20")):
            return d
        lo = 10 ** (len(d) - 1) if len(d) > 1 else 0
        return str(rng.randint(lo, 10 ** len(d) - 1)).zfill(len(d))

    return NUMBER.sub(number, YEAR.sub(year, text))


def article(seeds: list[list[str]], rng: random.Random) -> tuple[str, str]:
    town, province = rng.choice(TOWNS)
    shift = rng.randint(-4, 2)
    body = list(rng.choice(seeds))
    other = rng.choice(seeds)
    for _ in range(rng.randint(1, 4)):
        body.insert(rng.randrange(1, len(body)), rng.choice(other))
    body = [perturb(move(p, town, province), rng, shift) for p in body]
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2018, 2025)
    title = f"{town} ({province}): kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội"
    return town, "\n\n".join([title, f"{day:02d}/{month:02d}/{year}", *body]) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seeds", default=os.path.join(HERE, "..", "seeds"))
    a = ap.parse_args()
    seeds = [paragraphs(open(os.path.join(a.seeds, f), encoding="utf-8").read())
             for f in sorted(os.listdir(a.seeds)) if f.endswith(".txt")]
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    size = 0
    for i in range(a.articles):
        _, text = article(seeds, rng)
        with open(os.path.join(a.out, f"synthetic_{i:06d}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        size += len(text.encode())
    print(f"wrote {a.articles} articles, {size / 1e6:.1f} MB, to {a.out}")


if __name__ == "__main__":
    main()
