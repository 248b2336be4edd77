"""Write tests/data/hostile_questions.txt: a fixed corpus of hostile questions, one a line.

Deterministic (a fixed seed, no clock, no environment): running it again gives the same bytes,
and tests/reliability/test_hostile_questions.py checks that the committed file is its output.

    python tests/data/make_hostile_questions.py

Every line is UTF-8 without NUL and without "\\n" (stdin lines for `python -m bot ask --json -`);
empty lines and lines of 10,000 characters are among them.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent / "hostile_questions.txt"
SEED = 20250601
TOTAL = 1200

# Real questions, with and without diacritics: some hostile lines must still be answered.
REAL = [
    "Thu nhập bình quân đầu người Kinh Môn năm 2023 là bao nhiêu?",
    "thu nhap binh quan dau nguoi kinh mon 2023",
    "Móng Cái còn bao nhiêu hộ cận nghèo?",
    "mong cai con bao nhieu ho can ngheo",
    "Tổng thu ngân sách của Kỳ Anh 10 tháng đầu năm 2019 là bao nhiêu?",
    "Kinh Môn có bao nhiêu doanh nghiệp đang hoạt động?",
    "dân số thị xã kinh môn",
    "Thị xã Sầm Sơn có bao nhiêu dự án?",
    "KT-XH của TX Kinh Môn năm 2020 ntn",
    "So sánh thu nhập Kinh Môn 2020 và 2023",
]

MARKUP = [
    "<script>alert(1)</script>",
    "</b>",
    "<b>",
    "</blockquote></i></a>",
    "<b><i>Kinh Môn</b></i>",
    "&",
    "&amp;",
    "&lt;b&gt;",
    "&#0;",
    "&#x110000;",
    "&nbsp;",
    "&unknown;",
    '<a href="javascript:alert(1)">bấm</a>',
    "<a href='x' onclick=\"y\">",
    "<img src=x onerror=alert(1)>",
    "<tg-spoiler>bí mật</tg-spoiler>",
    "<blockquote expandable>",
    "<!-- chú thích -->",
    "<![CDATA[x]]>",
    '<?xml version="1.0"?>',
    "<<<>>>",
    "< b >",
    "*đậm* _nghiêng_ `mã` [liên kết](http://x)",
    "```python\nprint(1)```".replace("\n", " "),
    "\\<b\\>",
    '<pre><code class="language-python">',
]

SQL = [
    "'); DROP TABLE articles;--",
    '" OR 1=1 --',
    "' OR '1'='1",
    "1; DELETE FROM questions; --",
    "Kinh Môn' UNION SELECT path, hash FROM articles --",
    "%",
    "_",
    "%%%",
    "%_%",
    "\\'",
    "'",
    '"',
    "`",
    "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
    "'); PRAGMA writable_schema=1; --",
    "x' AND (SELECT COUNT(*) FROM sqlite_master) > 0 --",
    "1' ORDER BY 1--",
    "ROLLBACK; COMMIT;",
    "?",
    "?,?,?",
    ":name",
    "@p $1",
]

FORMAT = [
    "%s %d %n %x %p",
    "%(question)s",
    "{0} {1} {}",
    "{__class__.__mro__}",
    "{{7*7}}",
    "${jndi:ldap://x/a}",
    "#{1+1}",
    "\\N{BULLET}",
    "\\u0000 \\x00 \\n \\r",
    '"} ]} {"question": "x"',
    "\\",
    "\\\\\\",
]

PATHS = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\system32",
    "file:///etc/shadow",
    "~/.ssh/id_rsa",
    "$(rm -rf /)",
    "`id`",
    "; ls -la |",
    "data/bot.db",
    "seeds/000_c33e73732ab2c98c.txt",
]

# One character or a short sequence each: controls (no NUL, no "\n"), invisibles, direction marks.
CONTROLS = [chr(c) for c in [*range(1, 10), 11, 12, 13, *range(14, 32), 127, *range(128, 160)]]
INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e",
    "\u2028", "\u2029", "\u0085", "\u00a0", "\u3000", "\u2009", "\u202f",
]  # fmt: skip
BIDI = [
    "\u202e",
    "\u202d",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
]
RTL = [
    "مرحبا كم عدد السكان؟",
    "שלום, מה האוכלוסייה?",
    "\u202eKinh Môn\u202c",
    "\u2067نص\u2069 Kinh Môn",
    "ثو نهاب كينه مون ٢٠٢٣",
    "کینه مون ۱۴۰۲",
]
EMOJI = [
    "👍", "👍🏽", "👨‍👩‍👧‍👦", "🇻🇳", "1️⃣", "🏳️‍🌈", "❤️", "🤷‍♂️", "😀" * 3, "🀄", "\U0001f9d1\u200d\U0001f4bb",
]  # fmt: skip
SCRIPTS = [
    "Кinh Мôn",  # Cyrillic look-alikes
    "Κinh Μôn",  # Greek look-alikes
    "金门 人口多少",
    "ประชากรเท่าไหร่",
    "जनसंख्या कितनी है",
    "인구는 얼마입니까",
    "ｔｈｕ　ｎｈａｐ",  # full-width
    "𝐊𝐢𝐧𝐡 𝐌𝐨̂𝐧",  # mathematical bold
    "ß İ ﬃ ŉ ǅ",  # characters whose case folding changes length
    "Ⅻ ½ ² ₂ ①",
    "\U000f0000\U0010fffd",  # private use, planes 15 and 16
    "\ufffd\ufffe\uffff",
    "\U0001d11e",
]
DIGITS = [
    "0",
    "2023",
    "1234567890" * 3,
    "٠١٢٣٤٥٦٧٨٩",
    "１２３",
    "-1",
    "1e308",
    "NaN",
    "0x7fffffff",
    "3.14159",
]
PUNCT = ["?", "???", "...", "!!!", "…", "—", "«»", "()[]{}", "@#$%^&*", ".,;:", "¿¡", "、。", "-" * 50]


def broken_diacritics(rng: random.Random, text: str) -> str:
    """Vietnamese as it arrives from old keyboards and copy-paste: decomposed, doubled, misplaced marks."""
    choice = rng.randrange(7)
    if choice == 0:
        return unicodedata.normalize("NFD", text)
    if choice == 1:  # every combining mark doubled
        return "".join(c + c if unicodedata.combining(c) else c for c in unicodedata.normalize("NFD", text))
    if choice == 2:  # a mark at the very start and one after a space
        return "\u0301" + text.replace(" ", " \u0323", 2)
    if choice == 3:  # VNI-like typing left as is
        return text.replace("ô", "o^").replace("ư", "u+").replace("đ", "dd").replace("ậ", "a^.")
    if choice == 4:  # Telex left as is
        return text.replace("ậ", "aaj").replace("ô", "oo").replace("ư", "uw").replace("đ", "dd")
    if choice == 5:  # old tone placement and upper case
        return text.upper().replace("Ủ", "UỶ")
    marks = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"]
    return "".join(c + rng.choice(marks) if c.isalpha() and rng.random() < 0.3 else c for c in text)


def long_line(rng: random.Random) -> str:
    """About 10,000 characters."""
    unit = rng.choice([
        "a", "Kinh Môn ", "thu nhap binh quan ", "<b>", "&amp;", "👍", "'); DROP TABLE articles;-- ",
        "\u200b", "tp ", "CNH-HĐH ", "2023 ", "\u0301", "ß",
    ])  # fmt: skip
    return (unit * (10_000 // len(unit) + 1))[:10_000]


def fragment(rng: random.Random) -> str:
    pools = [REAL, MARKUP, SQL, FORMAT, PATHS, CONTROLS, INVISIBLE, BIDI, RTL, EMOJI, SCRIPTS, DIGITS, PUNCT]
    return rng.choice(rng.choice(pools))


def mixed(rng: random.Random) -> str:
    parts = [fragment(rng) for _ in range(rng.randint(2, 6))]
    if rng.random() < 0.5:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(REAL))
    return rng.choice(["", " ", "\t"]).join(parts)


def lines() -> list[str]:
    rng = random.Random(SEED)
    out: list[str] = ["", "", " ", "\t", "   \t  "]
    # Every listed case alone, then inside a real question.
    for pool in (MARKUP, SQL, FORMAT, PATHS, RTL, EMOJI, SCRIPTS, DIGITS, PUNCT):
        for item in pool:
            out.append(item)
            q = rng.choice(REAL)
            cut = rng.randrange(len(q) + 1)
            out.append(q[:cut] + item + q[cut:])
    for c in CONTROLS + INVISIBLE + BIDI:
        out.append(c)
        out.append(rng.choice(REAL).replace(" ", c, 2))
    out.append("".join(CONTROLS))
    out.append("".join(INVISIBLE + BIDI))
    out.append("".join(DIGITS))
    out.append("".join(PUNCT))
    for q in REAL:
        out.append(q)
        for _ in range(3):
            out.append(broken_diacritics(rng, q))
    for n in (999, 1000, 1001, 4096, 9_999, 10_000):
        out.append(("thu nhập bình quân Kinh Môn " * 400)[:n])
    for _ in range(12):
        out.append(long_line(rng))
    while len(out) < TOTAL:
        out.append(mixed(rng) if rng.random() < 0.8 else broken_diacritics(rng, rng.choice(REAL)))
    for i, line in enumerate(out):
        assert "\n" not in line and "\0" not in line, (i, line)
    return out


def main() -> int:
    OUT.write_bytes("\n".join(lines()).encode("utf-8") + b"\n")
    print(f"{OUT}: {len(lines())} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
