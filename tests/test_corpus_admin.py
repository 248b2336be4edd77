"""Managing the corpus through the Engine: a news page, a Word file and a PDF of real articles,
placed in a corpus directory or added, are answered from with their own title, outlet and date
(and page); the same content again is already there; bad files change nothing; links; short
ids; /xoa and /sua on what was added, the seeds read-only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from documents import (
    QUANG_TRI,
    SA_DEC,
    SON_TAY,
    Page,
    WebServer,
    furniture_page,
    pdf_file,
    real_page,
    real_pdf,
    real_word,
    zip_of,
)

from bot.config import Settings
from bot.corpus.formats.pdf import SCANNED
from bot.corpus_admin import short_ids
from bot.engine import Engine
from bot.errors import CorpusChangeRefused, UploadRejected

REAL = [
    ("son-tay.html", real_page, SON_TAY, "Báo Mới", None),
    ("sa-dec.docx", real_word, SA_DEC, SA_DEC["publisher"], None),
    ("quang-tri.pdf", real_pdf, QUANG_TRI, QUANG_TRI["publisher"], 2),
]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def cited(engine: Engine, question: str):
    answer = engine.answer(question)
    assert not answer.refused, answer
    return answer.quotes[0]


@pytest.mark.parametrize(("name", "make", "article", "publisher", "page"), REAL)
async def test_each_format_added_is_answered_with_its_own_metadata(
    engine: Engine, name: str, make, article: dict, publisher: str, page: int | None
):
    info = await engine.add_article(name, make())
    assert not info.already and info.source.path == f"data/articles/{name}"
    quote = cited(engine, article["question"])
    assert article["figure"] in quote.text
    s = quote.source
    assert (s.path, s.title, s.publisher, s.date, s.page) == (
        info.source.path,
        article["title"],
        publisher,
        article.get("date"),
        page,
    )
    if page:
        assert s.line().endswith(f", trang {page})")


async def test_documents_placed_in_a_corpus_directory_are_indexed(engine: Engine, settings: Settings):
    seeds = settings.root / "seeds"
    for name, make, *_ in REAL:
        (seeds / name).write_bytes(make())
    report = await engine.reload()
    assert report.new == 3 and not report.problems
    for name, _make, article, publisher, page in REAL:
        s = cited(engine, article["question"]).source
        assert (s.path, s.publisher, s.page) == (f"seeds/{name}", publisher, page)
    again = await engine.reload()
    assert not again.changed_anything  # nothing extracted again when nothing changed


async def test_the_same_content_again_is_already_there(engine: Engine, settings: Settings):
    first = await engine.add_article("quang-tri.pdf", real_pdf())
    before = tree(settings.articles_dir)
    again = await engine.add_article("ban-sao.pdf", real_pdf())
    assert again.already and again.source.path == first.source.path
    assert tree(settings.articles_dir) == before
    # A saved copy of a page already there under its canonical link: the same article.
    await engine.add_article("son-tay.html", real_page())
    resaved = real_page().replace(b"<body>", b"<body><!-- saved 2024-02-01 -->")
    assert (await engine.add_article("son-tay-2.html", resaved)).already


BAD = [
    ("bi-mat.pdf", pdf_file([Page([("p", "Bí mật.")])], password="khoa"), "tệp PDF có mật khẩu"),
    ("hong.pdf", real_pdf()[:2000], "tệp PDF bị hỏng"),
    ("anh-quet.pdf", None, "tệp PDF chỉ có ảnh quét, không có chữ để đọc"),
    ("bai.docx", zip_of({"bai.txt": "Sơn Tây".encode()}), "tệp nén không phải tài liệu Word"),
    ("trang.html", furniture_page(), "trang web không có nội dung bài viết"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD)
async def test_bad_files_get_a_reason_and_change_nothing(
    engine: Engine, settings: Settings, name: str, data: bytes | None, reason: str
):
    from documents import scanned_pdf

    data = data if data is not None else scanned_pdf()
    before = tree(settings.root / "seeds"), tree(settings.articles_dir), engine.coverage()
    with pytest.raises(UploadRejected) as e:
        await engine.add_article(name, data)
    assert reason in e.value.user_message and e.value.user_message.startswith("Tệp không được nhận")
    assert (tree(settings.root / "seeds"), tree(settings.articles_dir), engine.coverage()) == before


# ---------------------------------------------------------------- links


@pytest.fixture
async def linking(engine_with) -> Engine:
    return await engine_with(FETCH_ALLOW_PRIVATE="true", FETCH_TIMEOUT_SECONDS="3")


async def test_a_link_is_fetched_added_and_cited_with_its_canonical_url(linking: Engine, web: WebServer):
    url = web.page("/tin/son-tay", real_page())
    info = await linking.add_link(url)
    assert info.source.url == SON_TAY["url"]  # the page's canonical URL, not the address fetched
    assert info.source.path == "data/articles/son-tay.html"
    assert SON_TAY["figure"] in cited(linking, SON_TAY["question"]).text
    assert (await linking.add_link(url)).already  # fetched again: the same bytes
    assert (await linking.add_link(SON_TAY["url"])).already  # its canonical link: there already


async def test_a_pdf_link_gets_the_link_it_came_from(linking: Engine, web: WebServer):
    url = web.page("/files/bao-cao-2023.pdf", real_pdf(), "application/pdf")
    info = await linking.add_link(url)
    assert info.source.url == url
    sidecar = json.loads(
        (linking.settings.articles_dir / "bao-cao-2023.meta.json").read_text(encoding="utf-8")
    )
    assert sidecar == {"url": url}
    s = cited(linking, QUANG_TRI["question"]).source
    assert (s.url, s.page) == (url, 2)
    assert (await linking.add_link(url)).already


async def test_link_failures_are_refused_with_a_reason(linking: Engine, web: WebServer):
    web.redirect("/a", "/a")
    with pytest.raises(UploadRejected) as e:
        await linking.add_link(web.url("/a"))
    assert "Không lấy được bài từ liên kết: liên kết chuyển hướng quá nhiều lần" in e.value.user_message
    assert list(linking.settings.articles_dir.iterdir()) == []


async def test_local_links_are_refused_by_default(engine: Engine, web: WebServer):
    url = web.page("/p", real_page())
    with pytest.raises(UploadRejected) as e:
        await engine.add_link(url)
    assert "địa chỉ nội bộ" in e.value.user_message
    assert web.requested == []


# ---------------------------------------------------------------- ids, removal, corrections


def test_short_ids_are_short_stable_and_unique():
    paths = [f"data/articles/bai-{i}.txt" for i in range(3000)]
    ids = short_ids(paths)
    assert len(set(ids.values())) == 3000
    assert sum(len(v) == 4 for v in ids.values()) > 2900
    assert short_ids(paths[:10]) == {p: ids[p] for p in paths[:10]} or all(
        short_ids(paths[:10])[p].startswith(ids[p][:4]) for p in paths[:10]
    )


async def test_remove_an_added_article(engine: Engine, settings: Settings):
    info = await engine.add_article("quang-tri.pdf", real_pdf())
    (settings.articles_dir / "quang-tri.meta.json").write_text('{"place": "Đông Hà"}', encoding="utf-8")
    await engine.reload()
    entry = next(e for e in engine.corpus_entries() if e.source.path == info.source.path)
    assert entry.editable and len(entry.id) == 4
    removed = await engine.remove_article(entry.id.upper())
    assert removed.path == info.source.path
    assert list(settings.articles_dir.iterdir()) == []
    assert engine.coverage().articles == 5
    assert engine.answer(QUANG_TRI["question"]).refused


async def test_seeds_are_read_only_unless_allowed(engine: Engine, settings: Settings):
    seed = next(e for e in engine.corpus_entries() if e.source.path.startswith("seeds/"))
    assert not seed.editable
    before = tree(settings.root / "seeds")
    for action in (engine.remove_article(seed.id), engine.edit_article(seed.id, "ngay=2020-01-01")):
        with pytest.raises(CorpusChangeRefused) as e:
            await action
        assert "chỉ đọc" in e.value.user_message
    assert tree(settings.root / "seeds") == before
    with pytest.raises(CorpusChangeRefused) as e:
        await engine.remove_article("zzzz9")
    assert "Không có bài viết mã" in e.value.user_message


async def test_the_setting_lets_admins_change_the_corpus_directories(engine_with, project: Path):
    eng = await engine_with(ADMIN_EDIT_CORPUS="true")
    if True:
        seed = next(e for e in eng.corpus_entries() if e.source.path.startswith("seeds/004"))
        assert seed.editable
        info = await eng.edit_article(seed.id, "bao=Báo Hà Tĩnh điện tử")
        assert info.source.publisher == "Báo Hà Tĩnh điện tử"
        side = json.loads((project / "seeds" / "004_b115fdf71c4cebb7.meta.json").read_text(encoding="utf-8"))
        assert side["publisher"] == "Báo Hà Tĩnh điện tử" and side["date"] == "2019-10-31"  # merged


async def test_edit_writes_the_sidecar_and_reindexes_that_article(engine: Engine, settings: Settings):
    info = await engine.add_article("sa-dec.docx", real_word())
    entry = next(e for e in engine.corpus_entries() if e.source.path == info.source.path)
    edited = await engine.edit_article(
        entry.id,
        "ngay=13/02/2018 noi=Sa Đéc tinh=Đồng Tháp tieude=Sa Đéc lên đô thị loại II bao=Báo Đồng Tháp Online",
    )
    s = edited.source
    assert (s.date, s.place, s.province, s.title, s.publisher) == (
        "2018-02-13",
        "Sa Đéc",
        "Đồng Tháp",
        "Sa Đéc lên đô thị loại II",
        "Báo Đồng Tháp Online",
    )
    sidecar = json.loads((settings.articles_dir / "sa-dec.meta.json").read_text(encoding="utf-8"))
    assert sidecar["date"] == "2018-02-13"
    assert cited(engine, SA_DEC["question"]).source.title == "Sa Đéc lên đô thị loại II"
    # An empty value takes the correction back: the document's own title again.
    again = await engine.edit_article(entry.id, "tieude=")
    assert again.source.title == SA_DEC["title"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ("ngay=31/02/2023", "không hợp lệ"),
        ("ngay=hôm qua", "không hợp lệ"),
        ("mau=xanh", "Không biết trường"),
        ("link=javascript:alert(1)", "http"),
        ("không có trường nào", "Cách dùng"),
    ],
)
async def test_bad_corrections_are_refused(engine: Engine, settings: Settings, changes: str, reason: str):
    info = await engine.add_article("sa-dec.docx", real_word())
    entry = next(e for e in engine.corpus_entries() if e.source.path == info.source.path)
    with pytest.raises(CorpusChangeRefused) as e:
        await engine.edit_article(entry.id, changes)
    assert reason in e.value.user_message
    assert not (settings.articles_dir / "sa-dec.meta.json").exists()


async def test_a_corpus_whose_only_document_is_refused_still_indexes(tmp_path: Path):
    """Found measuring a PDF over the page limit: with no article left, writing the empty index
    failed with a traceback (a numpy view of an empty array cannot be cast to bytes)."""
    from documents import scanned_pdf

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "scan.pdf").write_bytes(scanned_pdf())
    s = Settings.from_env(
        {"BOT_DB": str(tmp_path / "bot.db"), "BOT_CORPUS": "corpus", "BOT_WORKERS": "1"}, root=tmp_path
    )
    eng = await Engine.open(s, build=False)
    try:
        report = await eng.reload()
        assert [(p.path, p.reason) for p in report.problems] == [("corpus/scan.pdf", SCANNED)]
        assert report.articles == 0 and eng.coverage().articles == 0
        assert eng.answer("Dân số Sơn Tây là bao nhiêu?").refused
    finally:
        await eng.close()
