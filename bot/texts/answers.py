"""Questions and answers, the same in every shell: the one check of a question's input and its
hints, the notices above the quotes, refusals, "no more passages", how a reply is labelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.models import Coverage
from bot.text.normalize import clean_unicode

if TYPE_CHECKING:
    from bot.search.query import ParsedQuestion

HINT_EMPTY = "Bạn hãy gõ một câu hỏi về quy hoạch, kế hoạch phát triển của địa phương nhé."
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


def too_long(length: int, limit: int) -> str:
    return (
        f"Câu hỏi hơi dài ({length} ký tự, tối đa {limit} ký tự). "
        "Bạn hãy viết ngắn gọn lại, mỗi lần một ý nhé."
    )


def decimal(x: float) -> str:
    """1.5 -> '1,5' (Vietnamese decimal comma)."""
    return f"{x:.1f}".replace(".", ",")
