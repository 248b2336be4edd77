"""The Telegram bot's own texts: command menus, buttons, hints, /start and /help, /nguon, reloads,
uploads, /stats, corpus management. HTML, every value escaped here."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from bot.models import ArticleInfo, Coverage, ReloadReport, Source, Stats, format_date
from bot.text.normalize import fold
from bot.texts.answers import decimal
from bot.texts.service import UNSUPPORTED_FILE, file_too_big

# Command menu (name, description) shown by Telegram clients.
USER_COMMANDS: list[tuple[str, str]] = [
    ("start", "Giới thiệu bot và câu hỏi mẫu"),
    ("hoi", "Đặt câu hỏi (dùng trong nhóm): /hoi <câu hỏi>"),
    ("nguon", "Danh sách bài viết bot đang dùng"),
    ("moi", "Bắt đầu cuộc trò chuyện mới (không dựa vào câu hỏi trước)"),
    ("help", "Cách đặt câu hỏi và các lệnh"),
]
ADMIN_COMMANDS: list[tuple[str, str]] = [
    *USER_COMMANDS,
    ("reload", "Nạp lại kho bài viết (quản trị viên)"),
    ("stats", "Thống kê câu hỏi (quản trị viên)"),
    ("them", "Thêm bài từ liên kết: /them <link> (quản trị viên)"),
    ("xoa", "Xoá bài đã thêm: /xoa <mã> (quản trị viên)"),
    ("sua", "Sửa ngày, nơi, tiêu đề của bài: /sua <mã> ngay=… (quản trị viên)"),
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
        "• Hỏi tiếp ngắn gọn, tôi hiểu theo câu trước: <i>còn năm 2020?</i>, <i>thế còn Đông Triều?</i>, "
        "<i>so với năm trước?</i> (trong nhóm: trả lời tin nhắn của bot hoặc dùng /hoi).",
        "• Số liệu qua các năm hoặc so sánh hai nơi: <i>thu nhập Kinh Môn 2020-2023</i>, "
        "<i>biểu đồ thu ngân sách Móng Cái</i>, <i>thu ngân sách Móng Cái và Đông Triều</i>: "
        "bảng số liệu kèm biểu đồ.",
        "",
        "<b>Lệnh</b>",
        "/start: giới thiệu và câu hỏi mẫu",
        "/hoi &lt;câu hỏi&gt;: đặt câu hỏi",
        "/nguon: danh sách bài viết bot đang dùng",
        "/moi: bắt đầu cuộc trò chuyện mới",
        "/help: hướng dẫn này",
    ]
    if is_admin:
        lines += [
            "",
            "<b>Quản trị viên</b>",
            "/reload: nạp lại kho bài viết (chạy nền, bot vẫn trả lời)",
            "/stats: thống kê câu hỏi và góp ý",
            "Gửi tệp .txt, .md, .html, .docx hoặc .pdf, hoặc gửi một liên kết, trong trò chuyện riêng "
            "để thêm bài viết; /them &lt;link&gt; cũng được.",
            "/nguon cho mã của từng bài; /xoa &lt;mã&gt; xoá bài đã thêm (có nút xác nhận); "
            "/sua &lt;mã&gt; ngay=2023-06-22 noi=… tinh=… bao=… tieude=… sửa thông tin bài rồi lập chỉ mục lại.",
        ]
    return "\n".join(lines)


def source_entry(n: int, s: Source) -> str:
    title = escape(s.title, quote=False)
    if s.url and s.url.startswith(("http://", "https://")):
        title = f'<a href="{escape(s.url, quote=True)}">{title}</a>'
    bits = [escape(b, quote=False) for b in (s.publisher, format_date(s.date), s.place) if b]
    return f"{n}. <i>{title}</i>" + (f" ({', '.join(bits)})" if bits else "")


def reload_report(r: ReloadReport) -> str:
    if r.changed_anything:
        head = (
            f"✅ Đã nạp lại kho bài viết trong {decimal(r.seconds)} giây: {r.new} bài mới, "
            f"{r.changed} bài thay đổi, {r.removed} bài bị xoá, {r.unchanged} bài giữ nguyên."
        )
    else:
        head = f"✅ Đã kiểm tra lại kho trong {decimal(r.seconds)} giây: không có bài nào thay đổi."
    lines = [head, f"Hiện có {r.articles} bài viết, {r.passages} đoạn trích."]
    if r.problems:
        lines.append(f"\n⚠️ {len(r.problems)} tệp không nạp được:")
        lines += [
            f"• <code>{escape(p.path, quote=False)}</code>: {escape(p.reason, quote=False)}"
            for p in r.problems
        ]
    return "\n".join(lines)


def _article_card(head: str, s: Source) -> list[str]:
    """The lines an admin sees after adding or editing an article: what the bot now shows as
    its source, with the fields it could not tell marked as unknown rather than left out."""
    unknown = "<i>không xác định</i>"

    def field(value: str | None) -> str:
        return escape(value, quote=False) if value else unknown

    place = ", ".join(x for x in (s.place, s.province) if x) or None
    return [
        head,
        f"Tiêu đề: <b>{field(s.title)}</b>",
        f"Báo: {field(s.publisher)}",
        f"Ngày đăng: {field(format_date(s.date))}",
        f"Địa phương: {field(place)}",
    ]


def upload_done(info: ArticleInfo) -> str:
    s = info.source
    lines = _article_card("✅ Đã thêm bài viết vào kho và lập chỉ mục.", s)
    lines += [
        f"Số đoạn trích: {info.passages}",
        f"Tệp: <code>{escape(s.path, quote=False)}</code>",
    ]
    return "\n".join(lines)


def upload_rejected(reason: str) -> str:
    """`reason` is a complete Vietnamese sentence (the engine's UploadRejected.user_message)."""
    return f"❌ {escape(reason, quote=False)}"


def upload_too_big(size: int, limit: int) -> str:
    return upload_rejected(file_too_big(size, limit))


def upload_bad_extension() -> str:
    return upload_rejected(UNSUPPORTED_FILE)


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


# ---------------------------------------------------------------- corpus management (bot/tg/handlers/corpus.py)

BTN_CONFIRM_REMOVE = "🗑 Xoá"
BTN_CANCEL = "Huỷ"
LINK_WORKING = "Đang tải liên kết…"
HINT_THEM_EMPTY = "Gõ liên kết ngay sau lệnh, ví dụ: /them https://baohaiduong.vn/bai-viet.html"
HINT_XOA_EMPTY = "Gõ mã bài sau lệnh, ví dụ: /xoa k3f9. Gõ /nguon để xem mã các bài."
REMOVE_CANCELLED = "Đã huỷ, bài viết vẫn còn trong kho."


def upload_already(info: ArticleInfo) -> str:
    s = info.source
    return (
        "ℹ️ Bài này đã có trong kho, không thêm lại.\n"
        f"Tiêu đề: <b>{escape(s.title, quote=False)}</b>\n"
        f"Tệp: <code>{escape(s.path, quote=False)}</code>"
    )


def upload_result(info: ArticleInfo) -> str:
    return upload_already(info) if info.already else upload_done(info)


def corpus_entry(n: int, article_id: str, s: Source, *, admin: bool, editable: bool) -> str:
    mark = "" if not admin or editable else " 🔒"
    return f"{source_entry(n, s)} <code>{escape(article_id, quote=False)}</code>{mark}"


def corpus_page(entries: list, page: int, per_page: int, *, admin: bool) -> tuple[str, int]:
    """A page of /nguon with each article's short id (`entries`: corpus_admin.CorpusEntry)."""
    if not entries:
        return NO_ARTICLES, 1
    pages = (len(entries) + per_page - 1) // per_page
    page = min(max(page, 0), pages - 1)
    start = page * per_page
    head = f"<b>Kho có {len(entries)} bài viết</b> (mới nhất trước"
    head += f", trang {page + 1}/{pages})" if pages > 1 else ")"
    body = "\n".join(
        corpus_entry(start + i + 1, e.id, e.source, admin=admin, editable=e.editable)
        for i, e in enumerate(entries[start : start + per_page])
    )
    text = f"{head}\n\n{body}"
    if admin:
        text += "\n\n<i>Mã sau mỗi bài dùng cho /xoa và /sua; 🔒: bài trong kho gốc, chỉ đọc.</i>"
    return text, pages


def confirm_remove(s: Source) -> str:
    return (
        f"Xoá bài <b>{escape(s.title, quote=False)}</b> "
        f"(<code>{escape(s.path, quote=False)}</code>) khỏi kho? Tệp sẽ bị xoá và chỉ mục được lập lại."
    )


def removed(s: Source) -> str:
    return f"🗑 Đã xoá bài <b>{escape(s.title, quote=False)}</b> khỏi kho và lập chỉ mục lại."


def edited(info: ArticleInfo) -> str:
    s = info.source
    lines = _article_card("✅ Đã sửa thông tin bài viết và lập chỉ mục lại.", s)
    link = escape(s.url, quote=False) if s.url else "<i>không xác định</i>"
    lines.append(f"Liên kết: {link}")
    return "\n".join(lines)
