"""Web pages: the article's main text and the page's own metadata, through trafilatura.

trafilatura takes the main text by the page's structure (menus, related links, comments,
counters and footers are left out) and reads the headline, site name, publication date and
canonical URL from the meta tags (Open Graph, schema.org, <link rel=canonical>).
"""

from __future__ import annotations

import datetime as dt
import re

from bot.corpus.formats import Extracted
from bot.errors import CorpusError
from bot.text.normalize import clean_unicode

# A site name that is only a host name says less than the text's own publisher mark.
_HOST_ONLY = re.compile(r"^(?:www\.)?[\w.-]+\.[a-z]{2,}$", re.IGNORECASE)


# What a page carries that is never text: dropped before parsing, it is most of a saved page's
# weight (inline scripts and styles, icons), and lxml's tree would hold it several times over.
_NEVER_TEXT = re.compile(
    rb"<(script|style|svg|noscript|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)


def extract_html(data: bytes) -> Extracted:
    import trafilatura

    data = _NEVER_TEXT.sub(b" ", data)
    try:
        doc = trafilatura.bare_extraction(
            data,
            fast=True,  # no second and third extractor to compare with: a third of the time and memory
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=True,
            date_extraction_params={"extensive_search": True, "original_date": True},
        )
    except Exception as e:  # lxml on a broken page; the reason matters, not the trace
        raise CorpusError(f"không đọc được trang web ({type(e).__name__})") from e
    if doc is None or not (doc.text or "").strip():
        raise CorpusError("trang web không có nội dung bài viết (chỉ có menu, liên kết hoặc chân trang)")
    lines = [" ".join(clean_unicode(line).split()) for line in doc.text.split("\n")]
    text = "\n".join(line for line in lines if line)
    meta: dict[str, str] = {}
    if doc.title and doc.title.strip():
        meta["title"] = " ".join(doc.title.split())
    if doc.sitename and doc.sitename.strip() and not _HOST_ONLY.match(doc.sitename.strip()):
        meta["publisher"] = " ".join(doc.sitename.split())
    date = _iso(doc.date)
    if date:
        meta["date"] = date
    if doc.url and doc.url.startswith(("http://", "https://")):
        meta["url"] = doc.url
    return Extracted("html", text, meta)


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None
