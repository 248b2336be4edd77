"""What the bot says in a conversation, whatever the shell (terminal or Telegram): small talk,
how a follow-up was understood, tables, yes/no leads, "did you mean", a new conversation.
Vietnamese with full diacritics; plain text (the Telegram layer escapes it)."""

from __future__ import annotations

from bot.models import Coverage, format_date

READING = "Tôi hiểu là: {reading}"
NEW_CONVERSATION = "Đã bắt đầu cuộc trò chuyện mới: tôi không dựa vào các câu hỏi trước nữa. Bạn cứ hỏi nhé."
NEW_CONVERSATION_EMPTY = "Chúng ta đang bắt đầu một cuộc trò chuyện mới. Bạn cứ hỏi nhé."
CLARIFY = "Tôi chưa chắc đã hiểu đúng câu hỏi. Có phải bạn muốn hỏi:"
CLARIFY_TERMINAL = "Gõ số để chọn, hoặc gõ lại câu hỏi."
CLARIFY_GONE = "Lựa chọn này đã cũ. Bạn hãy hỏi lại nhé."

# Yes/no: the word that decides, put before the sentence that says it.
VERDICT_LEAD = "{word}. Theo bài viết:"
VERDICT_PLAN = (
    "Bài viết không nói là đã có hay chưa: đoạn liên quan nhất nêu kế hoạch, mục tiêu, chưa phải kết quả."
)
VERDICT_NONE = "Đoạn liên quan nhất không nói rõ có hay không:"

# Tables of facts.
TABLE_PERIOD = "Kỳ"
TABLE_PLACE = "Nơi"
TABLE_VALUE = "Số liệu"
TABLE_SOURCE = "Nguồn"
TABLE_QUOTES = "Trích nguyên văn:"
CHART_FOOTNOTE = "Số liệu trích nguyên văn từ bài báo; số trong [ ] là nguồn, ghi ở chú thích."
CHART_NONE = (
    "Không vẽ được biểu đồ cho câu hỏi này: cần ít nhất hai số liệu cùng loại "
    "(ví dụ hai năm, hoặc hai địa phương) của cùng một chỉ tiêu."
)
CHART_SAVED = "Biểu đồ đã lưu: {path}"

# Examples offered in small-talk replies, tried in order; only one the corpus answers is shown.
EXAMPLES = (
    "Thu nhập bình quân đầu người của {town} là bao nhiêu?",
    "Thu ngân sách {town} qua các năm?",
    "Dân số {town} là bao nhiêu?",
    "Tốc độ tăng trưởng kinh tế của {town} là bao nhiêu?",
    "{town} có bao nhiêu xã, phường?",
)
EXAMPLE_FALLBACK = "Thu nhập bình quân đầu người của Kinh Môn là bao nhiêu?"


def _places(c: Coverage, n: int = 5) -> str:
    names = [p.split(" (")[0] for p in c.places[:n]]
    more = len(c.places) - len(names)
    return ", ".join(names) + (f" và {more} nơi khác" if more > 0 else "")


def _span(c: Coverage) -> str:
    if c.first_date and c.last_date:
        return f", đăng từ {format_date(c.first_date)} đến {format_date(c.last_date)}"
    return ""


def knows(c: Coverage) -> str:
    if not c.articles:
        return "Kho bài viết hiện chưa có bài nào."
    return f"Tôi có {c.articles} bài báo về {_places(c)}{_span(c)}."


def small_talk(kind: str, c: Coverage, example: str, publishers: list[str]) -> str:
    """A short friendly reply to small talk or a question about the bot."""
    ask = f"Bạn thử hỏi: «{example}»"
    if kind == "greeting":
        return (
            "Xin chào! Tôi trả lời câu hỏi về quy hoạch và kế hoạch phát triển của địa phương, "
            f"trích nguyên văn bài báo và ghi nguồn. {knows(c)} {ask}"
        )
    if kind == "thanks":
        return f"Không có gì ạ! Bạn cần gì cứ hỏi tiếp nhé. {ask}"
    if kind == "ack":
        return f"Vâng. Bạn muốn hỏi gì tiếp? {ask}"
    if kind == "bye":
        return "Tạm biệt bạn! Khi cần số liệu về quy hoạch, phát triển địa phương, cứ nhắn cho tôi nhé."
    if kind == "who":
        return (
            "Tôi là bot hỏi đáp về quy hoạch, kế hoạch phát triển của địa phương. Tôi tìm câu trả lời "
            f"trong kho bài báo, trích nguyên văn đoạn có số liệu và ghi rõ nguồn; kho không có thì tôi "
            f"nói thẳng là không biết. {knows(c)} {ask}"
        )
    if kind == "help":
        return (
            "Bạn cứ gõ câu hỏi như khi nhắn tin, có dấu hay không dấu đều được; nên nêu tên địa phương "
            "và năm. Có thể hỏi tiếp ngắn gọn («còn năm 2020?», «thế còn Đông Triều?»), xem số liệu qua "
            "các năm («… qua các năm», «biểu đồ …») hoặc so sánh hai nơi. Gõ /moi để bắt đầu lại. "
            f"{ask}"
        )
    if kind == "sources":
        who = ", ".join(publishers[:4]) if publishers else "báo địa phương và cổng thông tin điện tử"
        return (
            f"Dữ liệu của tôi là các bài báo đã đăng công khai, của {who}. {knows(c)} Mỗi câu trả lời "
            f"đều ghi tên bài, báo và ngày đăng; gõ /nguon để xem danh sách bài. {ask}"
        )
    # english
    return (
        "Xin chào! Tôi chỉ hiểu câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được). "
        f"{knows(c)} {ask}\n(I answer questions in Vietnamese about local development plans.)"
    )


def follow_up_alone(example: str) -> str:
    return (
        "Bạn muốn hỏi về chỉ tiêu nào, ở địa phương nào? Hãy hỏi đầy đủ một lần, ví dụ: "
        f"«{example}»; sau đó có thể hỏi tiếp ngắn gọn như «còn năm 2020?», «thế còn Đông Triều?»."
    )


def reading(text: str) -> str:
    return READING.format(reading=text)
