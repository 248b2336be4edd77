"""What the service says about itself: the error classes' messages (bot/errors.py), database and
disk failures, files refused, and the terminal's texts (bot/cli.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.models import Coverage, ReloadReport
from bot.texts.answers import decimal

if TYPE_CHECKING:
    from bot.corpus_admin import AddOutcome

# ---------------------------------------------------------------- errors (bot/errors.py)

CONFIG_ERROR = "Cấu hình của bot chưa đúng."
FILE_UNREADABLE = "Tệp bài viết không đọc được."
FILE_NOT_ACCEPTED = "Tệp này không được chấp nhận."
RELOAD_BUSY = "Đang nạp lại kho bài viết, bạn vui lòng đợi lần nạp hiện tại xong rồi thử lại."
INDEX_NOT_READY = "Bot đang chuẩn bị dữ liệu, bạn vui lòng thử lại sau ít phút."
STORAGE_TROUBLE = "Cơ sở dữ liệu của bot đang gặp sự cố; câu trả lời vẫn dùng dữ liệu đã nạp."
ADMIN_ONLY = "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
CHANGE_REFUSED = "Không thay đổi được bài viết này."

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

# ---------------------------------------------------------------- files

UNSUPPORTED_FILE = (
    "Chỉ nhận bài viết dạng .txt, .md (UTF-8), trang web .html, .htm, tệp Word .docx hoặc .pdf."
)


def file_too_big(size: int, limit: int) -> str:
    shown, allowed = _mb(size), _mb(limit)
    if shown == allowed:  # just over the limit: megabytes would read as equal
        shown, allowed = f"{size:,} byte".replace(",", "."), f"{limit:,} byte".replace(",", ".")
    return f"Tệp quá lớn ({shown}); giới hạn là {allowed}."


def file_not_accepted(reason: str) -> str:
    return f"Tệp không được nhận: {reason}."


def _mb(size: int) -> str:
    return f"{decimal(size / 1_000_000)} MB"


# ---------------------------------------------------------------- the terminal (bot/cli.py)

CHAT_PROMPT = "Bạn hỏi: "
CHAT_QUIT = {"thoát", "thoat", "exit", "quit"}
CHAT_MORE = {"thêm", "them", "xem thêm", "xem them"}
CHAT_NEW = {"/moi", "mới", "moi", "/mới"}
INDEX_PROGRESS = "Đang phân tích bài viết"
INDEX_UNIT = " bài"  # after a count: "12 bài/s"


def chat_welcome(c: Coverage) -> str:
    return (
        f"Xin chào! Tôi trả lời câu hỏi về quy hoạch, kế hoạch phát triển từ {c.articles} bài viết "
        f"về {', '.join(c.places)}.\nGõ câu hỏi (có dấu hay không dấu đều được), hỏi tiếp ngắn gọn "
        "(«còn năm 2020?»), 'thêm' để xem thêm đoạn liên quan, 'mới' để bắt đầu lại, "
        "Ctrl-D hoặc 'thoát' để kết thúc.\n"
    )


def file_not_written(path: object, reason: object) -> str:
    return f"Không ghi được tệp {path}: {reason}"


def skipped_file(path: str, reason: str) -> str:
    return f"Bỏ qua {path}: {reason}"


def index_report(r: ReloadReport) -> str:
    lines = [
        f"Bài viết: {r.articles} ({r.new} mới, {r.changed} thay đổi, {r.removed} bị gỡ, {r.unchanged} giữ nguyên)",
        f"Đoạn (câu) trong chỉ mục: {r.passages}; phân tích lại: {r.segmented_passages}",
        f"Thời gian: {r.seconds:.2f} giây",
    ]
    return "\n".join(lines + [skipped_file(p.path, p.reason) for p in r.problems])


EMPTY_FOLDER = "Thư mục không có tệp bài viết nào."
NO_SUCH_FILE = "Không tìm thấy tệp này."


def added_line(shown: str, outcome: AddOutcome) -> str:
    """One line of `python -m bot add`: what was added, was there already, or why not."""
    info = outcome.info
    if info is None:
        return f"Không thêm được {shown}: {outcome.reason}"
    s = info.source
    place = ", ".join(x for x in (s.place, s.province) if x)
    if info.already:
        return f"Đã có trong kho: {shown} → {s.path} — {s.line()}"
    return (
        f"Đã thêm: {shown} → {s.path} — {s.line()}"
        + (f" · {place}" if place else "")
        + f" · {info.passages} đoạn"
    )


def config_error(detail: object) -> str:
    return f"Lỗi cấu hình: {detail}"


# ---------------------------------------------------------------- corpus changes (bot/corpus_admin.py)

NOT_INDEXED = "không lập chỉ mục được"  # the reason when the index says none
BAD_LINK = "Liên kết phải bắt đầu bằng http:// hoặc https://."
VALUE_TOO_LONG = "Giá trị quá dài (tối đa 300 ký tự)."


def no_such_article(article_id: str) -> str:
    return f"Không có bài viết mã «{article_id.strip()[:20]}». Gõ /nguon để xem mã các bài."


def saved_not_indexed(why: str) -> str:
    return f"Tệp đã lưu nhưng không lập chỉ mục được: {why}."


def edit_not_indexed(why: str) -> str:
    return f"Đã ghi sửa đổi nhưng bài không lập chỉ mục được: {why}."


def link_failed(reason: object) -> str:
    return f"Không lấy được bài từ liên kết: {reason}."


def read_only_article(title: str, path: str) -> str:
    return (
        f"Bài «{title[:80]}» nằm trong kho gốc ({path}), chỉ đọc. "
        "Chỉ sửa hoặc xoá được bài đã thêm qua bot, trừ khi cấu hình ADMIN_EDIT_CORPUS bật."
    )


def edit_usage() -> str:
    """Plain text (it holds `<mã>`): escaped where it goes out as HTML."""
    return (
        "Cách dùng: /sua <mã> ngay=2023-06-22 noi=Kinh Môn tinh=Hải Dương bao=Báo Hải Dương "
        "tieude=Tiêu đề mới link=https://… (mỗi trường có thể bỏ; để trống, ví dụ noi=, để bỏ sửa)."
    )


def unknown_field(name: str) -> str:
    return f"Không biết trường «{name}». {edit_usage()}"


def bad_date(value: str) -> str:
    return f"Ngày «{value[:20]}» không hợp lệ; viết dạng 2023-06-22 hoặc 22/06/2023."
