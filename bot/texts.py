"""Everything the bot says in Vietnamese, with full diacritics, and the one check of a question's
input: the terminal, the JSON batch and Telegram share each wording.

Plain Python (no Telegram): the core's notices and refusals, the error messages, the terminal's
texts, and the Telegram texts. Telegram texts are HTML, escaped here; constants are plain text
that is also valid HTML (no `<`, `>` or `&`), since every Telegram message is sent as HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from typing import TYPE_CHECKING

from bot.models import ArticleInfo, Coverage, ReloadReport, Source, Stats, format_date
from bot.text.normalize import clean_unicode, fold

if TYPE_CHECKING:
    from bot.search.query import ParsedQuestion

# Command menu (name, description) shown by Telegram clients.
USER_COMMANDS: list[tuple[str, str]] = [
    ("start", "Giới thiệu bot và câu hỏi mẫu"),
    ("hoi", "Đặt câu hỏi (dùng trong nhóm): /hoi <câu hỏi>"),
    ("nguon", "Danh sách bài viết bot đang dùng"),
    ("help", "Cách đặt câu hỏi và các lệnh"),
]
ADMIN_COMMANDS: list[tuple[str, str]] = [
    *USER_COMMANDS,
    ("reload", "Nạp lại kho bài viết (quản trị viên)"),
    ("stats", "Thống kê câu hỏi (quản trị viên)"),
]

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")

BTN_MORE = "Xem thêm"
BTN_UP = "👍"
BTN_DOWN = "👎"
BTN_PREV = "« Trước"
BTN_NEXT = "Sau »"

HINT_MEDIA = (
    "Xin lỗi, tôi chỉ đọc được câu hỏi dạng chữ. Bạn hãy gõ câu hỏi, ví dụ về dân số, "
    "thu nhập hay quy hoạch của một thị xã. Gõ /help để xem hướng dẫn."
)
HINT_DOCUMENT = (
    "Xin lỗi, chỉ quản trị viên mới gửi được tệp bài viết cho bot. Bạn hãy gõ câu hỏi bằng chữ nhé."
)
HINT_DOCUMENT_GROUP = "Tệp bài viết chỉ nhận trong trò chuyện riêng với bot."
HINT_EMPTY = "Bạn hãy gõ một câu hỏi về quy hoạch, kế hoạch phát triển của địa phương nhé."
HINT_HOI_EMPTY = "Bạn hãy gõ câu hỏi ngay sau lệnh, ví dụ: /hoi Dân số thị xã Kinh Môn là bao nhiêu?"
HINT_UNKNOWN_COMMAND = "Tôi không biết lệnh này. Gõ /help để xem các lệnh, hoặc gõ thẳng câu hỏi."
BUTTON_EXPIRED = "Nút này đã cũ. Bạn hãy hỏi lại nhé."
QUESTION_GONE = "Tôi không còn lưu câu hỏi này. Bạn hãy hỏi lại nhé."
FEEDBACK_THANKS_UP = "Cảm ơn bạn! Đã ghi nhận 👍"
FEEDBACK_THANKS_DOWN = "Cảm ơn bạn! Đã ghi nhận 👎, chúng tôi sẽ cải thiện."
FEEDBACK_FAILED = "Chưa ghi được góp ý, bạn thử lại sau nhé."
GENERIC_ERROR = "Xin lỗi, đã có lỗi xảy ra. Bạn vui lòng thử lại sau."
NO_ARTICLES = "Kho chưa có bài viết nào."
RELOAD_STARTED = "Đang nạp lại kho bài viết… Bot vẫn trả lời câu hỏi bằng dữ liệu cũ trong lúc này."
RELOAD_FAILED = "Nạp lại kho bài viết không thành công; bot vẫn dùng dữ liệu cũ. Chi tiết đã ghi vào log."
UPLOAD_DOWNLOAD_FAILED = "Không tải được tệp từ Telegram. Bạn vui lòng gửi lại sau."
UPLOAD_AFTER_RELOAD = "Kho đang được nạp lại; tôi sẽ thêm bài của bạn ngay khi việc đó xong."
STATS_PRIVATE_ONLY = "Lệnh /stats chỉ dùng trong trò chuyện riêng với bot."


def too_long(length: int, limit: int) -> str:
    return (
        f"Câu hỏi hơi dài ({length} ký tự, tối đa {limit} ký tự). "
        "Bạn hãy viết ngắn gọn lại, mỗi lần một ý nhé."
    )


def rate_limited(seconds: float) -> str:
    wait = max(1, round(seconds))
    return f"Bạn đang hỏi hơi nhanh. Vui lòng đợi khoảng {wait} giây rồi hỏi tiếp nhé."


def _places(c: Coverage, n: int = 6) -> str:
    names = list(c.places[:n])
    more = len(c.places) - len(names)
    text = ", ".join(names)
    return text + (f" và {more} nơi khác" if more > 0 else "")


def _span(c: Coverage) -> str:
    if c.first_date and c.last_date:
        first, last = format_date(c.first_date), format_date(c.last_date)
        return f", đăng từ {first} đến {last}" if first != last else f", đăng ngày {first}"
    return ""


def town(place: str) -> str:
    """'Kinh Môn (Hải Dương)' -> 'Kinh Môn'."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", place).strip() or place


# Example questions for /start, tried in this order for each town; only ones the corpus answers are shown.
EXAMPLE_TEMPLATES = (
    "Tốc độ tăng trưởng kinh tế của {town} là bao nhiêu?",
    "Thu nhập bình quân đầu người của {town} là bao nhiêu?",
    "{town} có bao nhiêu xã, phường?",
    "Định hướng phát triển của {town} đến năm 2030 là gì?",
    "Dân số {town} là bao nhiêu?",
)


def example_candidates(c: Coverage) -> list[list[str]]:
    """For each town (most articles first), the example questions to try in order."""
    n = len(EXAMPLE_TEMPLATES)
    # Town i starts at template i, so the examples ask different kinds of things.
    return [
        [EXAMPLE_TEMPLATES[(i + k) % n].format(town=town(p)) for k in range(n)]
        for i, p in enumerate(c.places)
    ]


def fallback_examples(c: Coverage) -> list[str]:
    places = [town(p) for p in c.places] or ["Kinh Môn"]
    first, last = places[0], places[-1]
    return [
        EXAMPLE_TEMPLATES[0].format(town=first),
        no_diacritics_example(EXAMPLE_TEMPLATES[2].format(town=last)),
    ]


def no_diacritics_example(question: str) -> str:
    """How the same question looks typed quickly on a phone."""
    return fold(question).lower().rstrip("?").replace(",", "")


def welcome(c: Coverage, first_name: str | None, examples: list[str], *, group: bool = False) -> str:
    hello = f"Xin chào {escape(first_name, quote=False)}!" if first_name else "Xin chào!"
    if c.articles:
        knows = (
            f"Tôi trả lời câu hỏi về quy hoạch và kế hoạch phát triển của địa phương bằng cách "
            f"trích nguyên văn từ <b>{c.articles}</b> bài báo về {escape(_places(c), quote=False)}"
            f"{_span(c)}, kèm nguồn để bạn kiểm tra."
        )
    else:
        knows = (
            "Tôi trả lời câu hỏi về quy hoạch địa phương bằng cách trích báo, nhưng kho hiện chưa có bài nào."
        )
    how = (
        "Trong nhóm, hãy dùng /hoi &lt;câu hỏi&gt;, nhắc tên tôi hoặc trả lời tin nhắn của tôi."
        if group
        else "Cứ gõ câu hỏi như khi nhắn tin; gõ không dấu cũng được."
    )
    ex = "\n".join(f"• <i>{escape(q, quote=False)}</i>" for q in examples)
    return (
        f"{hello} {knows}\n\n{how}\n\nVí dụ:\n{ex}\n\n"
        "Nếu kho bài không có thông tin, tôi sẽ nói thẳng là không biết chứ không đoán. "
        "Gõ /help để xem hướng dẫn, /nguon để xem danh sách bài viết."
    )


def help_text(is_admin: bool) -> str:
    lines = [
        "<b>Cách hỏi</b>",
        "• Trò chuyện riêng: gõ thẳng câu hỏi, có dấu hay không dấu đều được, "
        "ví dụ <i>thu nhap binh quan kinh mon nam 2020</i>.",
        "• Trong nhóm: /hoi &lt;câu hỏi&gt;, hoặc nhắc tên bot, hoặc trả lời tin nhắn của bot.",
        "• Nên nêu tên địa phương và năm nếu có. Mỗi câu trả lời trích nguyên văn một đoạn báo "
        "và ghi rõ nguồn; nút <b>Xem thêm</b> cho các đoạn liên quan khác, 👍/👎 để góp ý.",
        "",
        "<b>Lệnh</b>",
        "/start: giới thiệu và câu hỏi mẫu",
        "/hoi &lt;câu hỏi&gt;: đặt câu hỏi",
        "/nguon: danh sách bài viết bot đang dùng",
        "/help: hướng dẫn này",
    ]
    if is_admin:
        lines += [
            "",
            "<b>Quản trị viên</b>",
            "/reload: nạp lại kho bài viết (chạy nền, bot vẫn trả lời)",
            "/stats: thống kê câu hỏi và góp ý",
            "Gửi tệp .txt hoặc .md trong trò chuyện riêng để thêm bài viết.",
        ]
    return "\n".join(lines)


def source_entry(n: int, s: Source) -> str:
    title = escape(s.title, quote=False)
    if s.url and s.url.startswith(("http://", "https://")):
        title = f'<a href="{escape(s.url, quote=True)}">{title}</a>'
    bits = [escape(b, quote=False) for b in (s.publisher, format_date(s.date), s.place) if b]
    return f"{n}. <i>{title}</i>" + (f" ({', '.join(bits)})" if bits else "")


def sources_page(sources: list[Source], page: int, per_page: int) -> tuple[str, int]:
    """The text of one page of /nguon and the number of pages."""
    if not sources:
        return NO_ARTICLES, 1
    pages = (len(sources) + per_page - 1) // per_page
    page = min(max(page, 0), pages - 1)
    start = page * per_page
    head = f"<b>Kho có {len(sources)} bài viết</b> (mới nhất trước"
    head += f", trang {page + 1}/{pages})" if pages > 1 else ")"
    body = "\n".join(source_entry(start + i + 1, s) for i, s in enumerate(sources[start : start + per_page]))
    return f"{head}\n\n{body}", pages


def reload_report(r: ReloadReport) -> str:
    if r.changed_anything:
        head = (
            f"✅ Đã nạp lại kho bài viết trong {_num(r.seconds)} giây: {r.new} bài mới, "
            f"{r.changed} bài thay đổi, {r.removed} bài bị xoá, {r.unchanged} bài giữ nguyên."
        )
    else:
        head = f"✅ Đã kiểm tra lại kho trong {_num(r.seconds)} giây: không có bài nào thay đổi."
    lines = [head, f"Hiện có {r.articles} bài viết, {r.passages} đoạn trích."]
    if r.problems:
        lines.append(f"\n⚠️ {len(r.problems)} tệp không nạp được:")
        lines += [
            f"• <code>{escape(p.path, quote=False)}</code>: {escape(p.reason, quote=False)}"
            for p in r.problems
        ]
    return "\n".join(lines)


def upload_done(info: ArticleInfo) -> str:
    s = info.source
    unknown = "<i>không xác định</i>"

    def field(value: str | None) -> str:
        return escape(value, quote=False) if value else unknown

    place = ", ".join(x for x in (s.place, s.province) if x) or None
    return "\n".join(
        [
            "✅ Đã thêm bài viết vào kho và lập chỉ mục.",
            f"Tiêu đề: <b>{field(s.title)}</b>",
            f"Báo: {field(s.publisher)}",
            f"Ngày đăng: {field(format_date(s.date))}",
            f"Địa phương: {field(place)}",
            f"Số đoạn trích: {info.passages}",
            f"Tệp: <code>{escape(s.path, quote=False)}</code>",
        ]
    )


def upload_rejected(reason: str) -> str:
    """`reason` is a complete Vietnamese sentence (the engine's UploadRejected.user_message)."""
    return f"❌ {escape(reason, quote=False)}"


def upload_too_big(size: int, limit: int) -> str:
    return upload_rejected(file_too_big(size, limit))


def upload_bad_extension() -> str:
    return upload_rejected(BAD_EXTENSION)


def stats_text(s: Stats) -> str:
    lines = [
        "<b>Thống kê câu hỏi</b>",
        f"24 giờ qua: {s.questions_24h} câu hỏi",
        f"7 ngày qua: {s.questions_7d} câu hỏi, tỉ lệ không trả lời được {s.refusal_rate_7d * 100:.0f}%",
        f"Góp ý: {s.feedback_up} 👍, {s.feedback_down} 👎",
    ]
    if s.top_questions:
        lines += ["", "<b>Hỏi nhiều nhất</b>"]
        lines += [f"• {escape(q, quote=False)} ({n} lần)" for q, n in s.top_questions]
    if s.recent_unanswered:
        lines += ["", "<b>Chưa trả lời được gần đây</b> (kho đang thiếu)"]
        lines += [
            f"• {escape(q, quote=False)} <i>({escape(_when(t), quote=False)})</i>"
            for q, t in s.recent_unanswered
        ]
    return "\n".join(lines)


def _when(iso: str) -> str:
    """A stored UTC timestamp as Vietnamese local time (UTC+7, no daylight saving)."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def reload_in_progress() -> str:
    return "Đang có một lần nạp lại chạy. Bạn vui lòng đợi lần này xong, tôi sẽ báo kết quả."


def _num(x: float) -> str:
    """1.5 -> '1,5' (Vietnamese decimal comma)."""
    return f"{x:.1f}".replace(".", ",")


# ---------------------------------------------------------------- questions and answers

READ_AS = "Tôi hiểu câu hỏi là: «{question}»"
SOURCE = "— Nguồn: "
ALSO = "Thêm"  # heads every quote after the first
NOTHING_MORE = "Tôi không còn đoạn nào khác liên quan đến câu hỏi này."

# Notices above the quotes of an answer (bot/answer/compose.py).
NOTICE = {
    "missing": "Không tìm thấy thông tin cho: {sides}.",
    "unknown_places": "Kho chưa có bài về {places}.",
    "year_missing": "Tôi không tìm thấy thông tin năm {years}{where} trong kho bài viết, nên không trả lời "
    "cho năm đó. Thông tin gần nhất tôi có (không phải năm {years}):",
    "target_only": "Tôi chưa tìm thấy số liệu đã đạt{where}; bài viết chỉ nêu kế hoạch, mục tiêu dưới đây "
    "(chưa phải kết quả):",
    "whose": "Lưu ý: số liệu dưới đây là của {whose}, không phải của cả tỉnh.",
    "renamed": "Theo địa giới từ tháng 7/2025: {places}.",
    "now_in": "{name} (nay thuộc {kind} {province})",  # one of the "renamed" places
    "of_place": " của {place}",  # the {where} above
}
PROVINCE_KIND = {"city": "thành phố", "province": "tỉnh"}


def check_question(question: str, max_chars: int, coverage: Coverage) -> str | None:
    """The reply to a question that cannot be asked as it is (no letter or digit, or longer than
    `max_chars` once spaces are collapsed), or None. The one check of every shell."""
    text = " ".join(clean_unicode(question).split())
    if not any(c.isalnum() for c in text):
        return f"{HINT_EMPTY} {covers(coverage)}"
    if len(text) > max_chars:
        return too_long(len(text), max_chars)
    return None


def covers(coverage: Coverage) -> str:
    """What the corpus covers, said after a refusal."""
    shown = coverage.places[:8]
    places = ", ".join(shown) if shown else "chưa có địa phương nào"
    if len(coverage.places) > len(shown):
        places += f" và {len(coverage.places) - len(shown)} địa phương khác"
    span = ""
    if coverage.first_date and coverage.last_date:
        span = f", đăng từ {coverage.first_date[:4]} đến {coverage.last_date[:4]}"
    return f"Hiện tôi có {coverage.articles} bài viết về: {places}{span}."


def refusal_text(q: ParsedQuestion, coverage: Coverage, reason: str) -> str:
    if reason == "unknown_place":
        names = ", ".join(q.unknown_places)
        return (
            f"Xin lỗi, kho bài viết của tôi chưa có bài nào về {names}, nên tôi không trả lời được câu hỏi "
            f"này. {covers(coverage)}"
        )
    return (
        "Xin lỗi, tôi không tìm thấy đoạn nào trong kho bài viết trả lời được câu hỏi này, "
        f"nên không dám đưa ra con số. {covers(coverage)}"
    )


# ---------------------------------------------------------------- errors (bot/errors.py)

CONFIG_ERROR = "Cấu hình của bot chưa đúng."
FILE_UNREADABLE = "Tệp bài viết không đọc được."
FILE_NOT_ACCEPTED = "Tệp này không được chấp nhận."
RELOAD_BUSY = "Đang nạp lại kho bài viết, bạn vui lòng đợi lần nạp hiện tại xong rồi thử lại."
INDEX_NOT_READY = "Bot đang chuẩn bị dữ liệu, bạn vui lòng thử lại sau ít phút."
STORAGE_TROUBLE = "Cơ sở dữ liệu của bot đang gặp sự cố; câu trả lời vẫn dùng dữ liệu đã nạp."
ADMIN_ONLY = "Xin lỗi, lệnh này chỉ dành cho quản trị viên."

# What the admin reads when the database or the disk fails: what could not be done (keyed by
# the action) and why (keyed by the failure kind of StorageError), and what still works.
STORAGE_FAILED = {
    "open": "Không mở được cơ sở dữ liệu của bot: {why}.",
    "reload": "Chưa nạp lại được kho bài viết: {why}. Bot vẫn trả lời bằng chỉ mục cũ; hãy khắc phục rồi nạp lại.",
    "upload": "Tệp đã được lưu nhưng chưa lập chỉ mục được: {why}. Bot vẫn trả lời bằng chỉ mục cũ; "
    "tệp sẽ được lập chỉ mục ở lần nạp lại sau.",
    "save": "Không lưu được tệp vào thư mục bài viết: {why}. Kho bài viết không thay đổi.",
    "feedback": "Chưa ghi được đánh giá: {why}.",
    "read": "Không đọc được dữ liệu: {why}.",
}
STORAGE_WHY = {
    "full": "ổ đĩa đã đầy",
    "readonly": "không có quyền ghi (tệp hoặc thư mục chỉ cho phép đọc)",
    "cantopen": "không mở được tệp cơ sở dữ liệu (thư mục không có hoặc không có quyền truy cập)",
    "busy": "cơ sở dữ liệu đang bị một tiến trình khác khóa, hãy thử lại sau ít phút",
    "corrupt": "tệp cơ sở dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu SQLite",
    "name_too_long": "tên tệp quá dài",
    "io": "lỗi đọc ghi dữ liệu",
}

# ---------------------------------------------------------------- uploaded articles

BAD_EXTENSION = "Chỉ nhận tệp văn bản .txt hoặc .md (mã hóa UTF-8)."
UPLOAD_NOT_INDEXED = "Tệp đã lưu nhưng không lập chỉ mục được."


def file_too_big(size: int, limit: int) -> str:
    shown, allowed = _mb(size), _mb(limit)
    if shown == allowed:  # just over the limit: megabytes would read as equal
        shown, allowed = f"{size:,} byte".replace(",", "."), f"{limit:,} byte".replace(",", ".")
    return f"Tệp quá lớn ({shown}); giới hạn là {allowed}."


def file_not_accepted(reason: str) -> str:
    return f"Tệp không được nhận: {reason}."


def _mb(size: int) -> str:
    return f"{_num(size / 1_000_000)} MB"


# ---------------------------------------------------------------- the terminal (bot/cli.py)

CHAT_PROMPT = "Bạn hỏi: "
CHAT_QUIT = {"thoát", "thoat", "exit", "quit"}
CHAT_MORE = {"thêm", "them", "xem thêm", "xem them"}
INDEX_PROGRESS = "Đang phân tích bài viết"
INDEX_UNIT = " bài"  # after a count: "12 bài/s"


def chat_welcome(c: Coverage) -> str:
    return (
        f"Xin chào! Tôi trả lời câu hỏi về quy hoạch, kế hoạch phát triển từ {c.articles} bài viết "
        f"về {', '.join(c.places)}.\nGõ câu hỏi (có dấu hay không dấu đều được), "
        "'thêm' để xem thêm đoạn liên quan, Ctrl-D hoặc 'thoát' để kết thúc.\n"
    )


def skipped_file(path: str, reason: str) -> str:
    return f"Bỏ qua {path}: {reason}"


def index_report(r: ReloadReport) -> str:
    lines = [
        f"Bài viết: {r.articles} ({r.new} mới, {r.changed} thay đổi, {r.removed} bị gỡ, {r.unchanged} giữ nguyên)",
        f"Đoạn (câu) trong chỉ mục: {r.passages}; phân tích lại: {r.segmented_passages}",
        f"Thời gian: {r.seconds:.2f} giây",
    ]
    return "\n".join(lines + [skipped_file(p.path, p.reason) for p in r.problems])


def config_error(detail: object) -> str:
    return f"Lỗi cấu hình: {detail}"
