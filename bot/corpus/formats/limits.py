"""How much of each kind of document is read: checked before a file is parsed, so that one
file inside the limits cannot take the indexer's memory or time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormatLimits:
    text_bytes: int = 2_000_000  # .txt and .md (MAX_FILE_BYTES)
    html_bytes: int = 3_000_000  # a 5 MB page of markup took trafilatura past 300 MB
    docx_bytes: int = 20_000_000
    pdf_bytes: int = 20_000_000  # Telegram lets a bot download at most 20 MB
    pdf_pages: int = 300
    chars: int = 1_500_000  # characters of text taken from one document of any kind

    @property
    def largest(self) -> int:
        """The most bytes any kind accepts: a file above it is refused before it is read."""
        return max(self.text_bytes, self.html_bytes, self.docx_bytes, self.pdf_bytes)

    def bytes_for(self, kind: str) -> int:
        return {
            "html": self.html_bytes,
            "docx": self.docx_bytes,
            "pdf": self.pdf_bytes,
        }.get(kind, self.text_bytes)
