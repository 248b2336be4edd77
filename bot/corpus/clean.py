"""Turn a scraped article into its body: web boilerplate out, repeated headlines collapsed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.normalize import canonical, clean_unicode

# A line that starts the page footer: everything from it on is navigation, widgets or legal text.
_FOOTER_START = re.compile(
    r"^\s*(?:tin liên quan\b|các tin (?:đã đưa|khác)\b|tìm kiếm theo chuyên mục|kết quả giải quyết tthc"
    r"|thống kê truy cập|\{name\}|\{body\}|\d+\s+bình luận|ý kiến của bạn|bình luận\b"
    r"|©|copyright|giấy phép (?:xuất bản|số)|tin tiêu điểm|website liên kết|trang thông tin điện tử\b"
    r"|cổng thông tin điện tử\b.*(?:giấy phép|©)|đang truy cập|hãy chia sẻ)",
    re.IGNORECASE,
)

# Lines that are widgets or furniture wherever they appear.
_JUNK_LINE = re.compile(
    r"^\s*(?:\{?name\}?\s*-\s*\{?time\}?|\{body\}|trả lời|chia sẻ|in bài|xem thêm\b.*|thời tiết|bản đồ"
    r"|địa phương|tắt \[x\]|đang truy cập:?\s*[\d.,]*|hôm nay:?\s*[\d.,]*|đã truy cập:?\s*[\d.,]*"
    r"|tất cả:?\s*[\d.,]*|lượt xem:?\s*[\d.,]*|tin sở ban ngành|lịch công tác.*|chi tiết"
    r"|\(?\s*cập nhật lúc.*|điện thoại:.*|email:.*|địa chỉ:.*|fax:.*|trưởng ban biên tập:.*"
    r"|[\d.,]+\s*%?|\.+|[-–—_=*•]+|\d+\s+bình luận|0 bình luận|vui lòng gõ tiếng việt có dấu"
    r"|ảnh:.*|nguồn:\s*\S*|top|back to top)\s*$",
    re.IGNORECASE,
)

# "22/06/2023 12:00:00", "04/03/2024 15:18", "Thứ hai, 04/03/2024": the page's dateline.
DATELINE = re.compile(
    r"^\s*(?:(?:thứ\s+\w+|chủ nhật)\s*,?\s*)?(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*[-,|]?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"(?:\s*\(?GMT[+-]\d+\)?)?\s*$",
    re.IGNORECASE,
)


# A category or site banner in capitals ("CHÍNH TRỊ-KINH TẾ").
def _is_banner(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and len(line) <= 80 and all(c.isupper() for c in letters) and len(letters) >= 4


# "(Baohatinh.vn) - " or "BVR&MT – " before the lead: the publisher's mark.
PUBLISHER_MARK = re.compile(
    r"^\s*\(?([A-Za-zĐđ][\w&.\-]{1,30}?\.(?:vn|com|net|org)|[A-ZĐ&]{2,12})\)?\s*[-–—]\s+"
)


@dataclass(frozen=True)
class CleanText:
    paragraphs: list[str]
    dropped_lines: int
    datelines: list[str]


def _key(line: str) -> str:
    return re.sub(r"\W+", " ", canonical(PUBLISHER_MARK.sub("", line))).strip()


def clean_article(raw: str) -> CleanText:
    """Paragraphs of the article body, in order, each stripped; boilerplate and repeats dropped."""
    lines = [line.strip() for line in clean_unicode(raw).split("\n")]
    lines = [re.sub(r"[ ]{2,}", " ", line) for line in lines]
    body: list[str] = []
    datelines: list[str] = []
    dropped = 0
    seen: list[str] = []
    nonempty = [i for i, line in enumerate(lines) if line]
    # The footer marker must come after the start of the body, not in a headline.
    first_body = nonempty[min(2, len(nonempty) - 1)] if nonempty else 0
    for i, line in enumerate(lines):
        if not line:
            continue
        if i > first_body and _FOOTER_START.match(line):
            dropped += sum(1 for rest in lines[i:] if rest)
            break
        if DATELINE.match(line):
            datelines.append(line)
            dropped += 1
            continue
        if _JUNK_LINE.match(line) or _is_banner(line) or "{name}" in line or "{time}" in line:
            dropped += 1
            continue
        key = _key(line)
        if not key:
            dropped += 1
            continue
        # A headline or caption repeated through the page, or a lead printed twice.
        if any(key == k or (len(key) > 40 and (key in k or k in key)) for k in seen):
            dropped += 1
            continue
        seen.append(key)
        body.append(line)
    # A byline ("Thu Trang") or a lone name closing the article is not content.
    while body and _is_byline(body[-1]):
        body.pop()
        dropped += 1
    return CleanText(body, dropped, datelines)


def _is_byline(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not re.search(r"[.:;,\d]", line)
