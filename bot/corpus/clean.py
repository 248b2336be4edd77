"""Turn a scraped page into its body: web furniture out, repeated lines collapsed.

Every line of the page is classified once (`Line.kind`); metadata reads the head of the page
(stamp, datelines, headline, publisher marks) from the same classification the body is cut by.
A body paragraph is never dropped because it contains the headline or a subheading: only exact
repeats and truncated copies of another line go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.text.normalize import canonical, clean_unicode

# A line that starts the page footer: everything from it on is navigation, widgets or legal text.
_FOOTER_START = re.compile(
    r"^\s*(?:tin liên quan\b|các tin (?:đã đưa|khác)\b|tin cùng chuyên mục|tìm kiếm theo chuyên mục"
    r"|kết quả giải quyết tthc|thống kê truy cập|\{name\}|\{body\}|\d+\s+bình luận|ý kiến của bạn"
    r"|ý kiến bạn đọc|gửi bình luận|bình luận\b|©|copyright|bản quyền thuộc|giấy phép (?:xuất bản|số)"
    r"|tin tiêu điểm|tin mới nhất|đọc nhiều nhất|website liên kết|trang thông tin điện tử\b"
    r"|cổng thông tin điện tử\b.*(?:giấy phép|©)|đang truy cập|hãy chia sẻ|<\s*trở về trang trước"
    r"|xem tiếp|bài viết liên quan)",
    re.IGNORECASE,
)

# Lines that are widgets, menus or captions of the page's chrome wherever they appear.
_JUNK_LINE = re.compile(
    r"^\s*(?:\{?name\}?\s*-\s*\{?time\}?|\{body\}|trả lời|chia sẻ|in bài|xem thêm\b.*|thời tiết|bản đồ"
    r"|địa phương|tắt \[x\]|đang truy cập:?\s*[\d.,]*|hôm nay:?\s*[\d.,]*|đã truy cập:?\s*[\d.,]*"
    r"|tất cả:?\s*[\d.,]*|lượt xem:?\s*[\d.,]*|tin sở ban ngành|lịch công tác.*|chi tiết"
    r"|\(?\s*cập nhật lúc:?\s*|điện thoại:.*|email:.*|địa chỉ:.*|fax:.*|trưởng ban biên tập:.*"
    r"|[\d.,]+\s*%?|\.+|[-–—_=*•]+|\d+\s+bình luận|0 bình luận|vui lòng gõ tiếng việt có dấu"
    r"|ảnh:.*|nguồn:\s*\S*|top|back to top|đọc báo in|tải ứng dụng|you are here|image banner"
    r"|điều chỉnh kích thước chữ|cỡ chữ.*|audio|nghe bài viết|google news|theo dõi .{2,60} trên"
    r"|sự kiện nổi bật:?|tiêu điểm|[\d:]+\s*/\s*[\d:]+|\d{1,2}:\d{2}|trang chủ|đăng nhập|đăng ký"
    r"|tìm kiếm|english|rss|sơ đồ trang|quay lại|lưu bài|bản in|chọn ngôn ngữ|menu|video|podcast"
    r"|<\s*trở về trang trước|gửi bình luận.*|ý kiến bạn đọc|pv|ctv)\s*$",
    re.IGNORECASE,
)

# The time, weekday and words that may surround a page's dateline.
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật|cn)"
_TIME = r"\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:am|pm|sa|ch)?(?:\s*\(?gmt\s*[+-]\s*\d+\)?)?"
FULL_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)(?![\d/.-])")
ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d{2})-(\d{2})(?!\d)")
_DATELINE_WORDS = re.compile(
    rf"{_WEEKDAY}|{_TIME}|cập\s+nhật(?:\s+(?:lúc|ngày))?|ngày\s+(?:đăng|xuất\s+bản|cập\s+nhật)"
    r"|đăng\s+(?:lúc|ngày)|xuất\s+bản|ngày|lúc|[,|:;()\-–—/\s]+",
    re.IGNORECASE,
)
# A leading stamp some excerpts carry: " date 2025-08-06 ", " date 2024-02 ".
STAMP = re.compile(r"^\s*date\s+((?:19|20)\d\d)-(\d{2})(?:-(\d{2}))?\b\s*", re.IGNORECASE)

# "(Baohatinh.vn) - ", "BVR&MT – ", "(CLO) ", "(Cổng TTĐT tỉnh AG)- " before the lead, or "NDO -"
# alone on its line: the publisher's mark.
PUBLISHER_MARK = re.compile(
    r"^\s*(?:\((?P<p>[^()]{2,40})\)\s*[-–—]?\s*|(?P<b>[A-Za-zĐđ][\w&.\-]{1,30}?\.(?:vn|com|net|org)|[A-ZĐ][A-ZĐ&+.]{1,11})\s*[-–—]\s*)"
)


@dataclass(frozen=True)
class Line:
    text: str
    kind: str  # body, dateline, stamp, junk, banner, repeat, footer, byline


@dataclass(frozen=True)
class CleanText:
    paragraphs: list[str]
    dropped_lines: int
    datelines: list[str]
    lines: list[Line] = field(default_factory=list)  # every non-empty line, classified, in order
    stamp: tuple[int, int, int | None] | None = None  # (year, month, day) of a leading "date" stamp


def is_dateline(line: str) -> bool:
    """A line that is only a date, with its time, weekday or "Cập nhật", and perhaps a byline
    after "|": "15-01-2024 22:25|Yên Hoàng", "Thứ sáu: 15:00 ngày 09/02/2024"."""
    if len(line) > 90:
        return False
    found = FULL_DATE.search(line) or ISO_DATE.search(line)
    if not found:
        return False
    head, _, tail = line.partition("|")
    rest = _DATELINE_WORDS.sub("", FULL_DATE.sub("", ISO_DATE.sub("", head)))
    if rest.strip():
        return False
    return not tail or len(tail.split()) <= 5


# A category or site banner in capitals ("CHÍNH TRỊ-KINH TẾ").
def is_banner(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and len(line) <= 80 and all(c.isupper() for c in letters) and len(letters) >= 4


def is_junk(line: str) -> bool:
    return bool(_JUNK_LINE.match(line)) or "{name}" in line or "{time}" in line


def _key(line: str) -> str:
    return re.sub(r"\W+", " ", canonical(PUBLISHER_MARK.sub("", line))).strip()


def clean_article(raw: str) -> CleanText:
    """Paragraphs of the article body, in order, each stripped; furniture and repeats dropped."""
    lines = [re.sub(r"[ ]{2,}", " ", line.strip()) for line in clean_unicode(raw).split("\n")]
    lines = [line for line in lines if line]
    stamp = None
    if lines:
        m = STAMP.match(lines[0])
        if m:
            stamp = (int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
            lines[0] = lines[0][m.end() :].strip()
            lines = [line for line in lines if line]
    kinds: list[str] = []
    # The footer marker must come after the start of the body, not in a headline.
    first_body = min(2, len(lines) - 1)
    footer = False
    keys = [_key(line) for line in lines]
    for i, line in enumerate(lines):
        if footer or (i > first_body and _FOOTER_START.match(line)):
            footer = True
            kinds.append("footer")
        elif is_dateline(line):
            kinds.append("dateline")
        elif is_junk(line) or is_banner(line) or not keys[i]:
            kinds.append("junk")
        else:
            kinds.append("body")
    # Repeats: a line printed again (a headline, a caption, a lead shown twice) goes the second
    # time; a truncated copy ("... năm 201") of a longer line goes, the longer one stays.
    seen: dict[str, int] = {}
    body_keys = [(i, keys[i]) for i, k in enumerate(kinds) if k == "body"]
    for i, key in body_keys:
        if key in seen:
            kinds[i] = "repeat"
            continue
        seen[key] = i
    for i, key in body_keys:
        if kinds[i] != "body" or len(key) < 40:
            continue
        if any(other != key and other.startswith(key) and kinds[j] != "footer" for j, other in body_keys):
            kinds[i] = "repeat"
    # A byline ("Thu Trang") or a lone name closing the article is not content.
    body_idx = [i for i, k in enumerate(kinds) if k == "body"]
    while body_idx and _is_byline(lines[body_idx[-1]]):
        kinds[body_idx.pop()] = "byline"
    classified = [Line(t, k) for t, k in zip(lines, kinds, strict=True)]
    paragraphs = [line.text for line in classified if line.kind == "body"]
    return CleanText(
        paragraphs,
        len(lines) - len(paragraphs),
        [line.text for line in classified if line.kind == "dateline"],
        classified,
        stamp,
    )


def _is_byline(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not re.search(r"[.:;,\d]", line)
