"""Errors a user or an admin may see. Each carries a polite Vietnamese message."""

from __future__ import annotations


class BotError(Exception):
    """Base class: `user_message` is safe to show to the person who asked."""

    user_message = "Xin lỗi, đã có lỗi xảy ra. Bạn vui lòng thử lại sau."

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        super().__init__(detail or self.user_message)
        if user_message is not None:
            self.user_message = user_message


class ConfigError(BotError):
    user_message = "Cấu hình của bot chưa đúng."


class CorpusError(BotError):
    """An article file that cannot be read or indexed."""

    user_message = "Tệp bài viết không đọc được."


class UploadRejected(CorpusError):
    user_message = "Tệp này không được chấp nhận."


class CorpusChangeRefused(BotError):
    """An admin's /xoa or /sua that cannot be done: an unknown id, a read-only article, a bad value."""

    user_message = "Không thay đổi được bài viết này."


class ReloadInProgress(BotError):
    user_message = "Đang nạp lại kho bài viết, bạn vui lòng đợi lần nạp hiện tại xong rồi thử lại."


class IndexNotReady(BotError):
    user_message = "Bot đang chuẩn bị dữ liệu, bạn vui lòng thử lại sau ít phút."


class StorageError(BotError):
    """The database or the disk failed. `kind` says why, for the message the admin reads: "full",
    "readonly", "cantopen", "busy", "corrupt", "name_too_long" or "io"."""

    user_message = "Cơ sở dữ liệu của bot đang gặp sự cố; câu trả lời vẫn dùng dữ liệu đã nạp."

    def __init__(self, detail: str = "", *, user_message: str | None = None, kind: str = "io") -> None:
        super().__init__(detail, user_message=user_message)
        self.kind = kind


class NotAdmin(BotError):
    user_message = "Xin lỗi, lệnh này chỉ dành cho quản trị viên."


class RateLimited(BotError):
    user_message = "Bạn đang hỏi hơi nhanh. Vui lòng đợi một chút rồi hỏi tiếp nhé."
