"""Series and comparisons as tables of facts, and their charts (matplotlib, Agg)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.answer import chart as charts
from bot.answer.reply import Reply, render_reply_html, render_reply_plain
from bot.answer.table import FactTable, fact_table
from bot.search.snapshot import Snapshot

KM_2020 = "seeds/000_c33e73732ab2c98c.txt"
KM_2023 = "seeds/002_2aaee87bbf065049.txt"


def table_for(snap: Snapshot, question: str) -> FactTable | None:
    return fact_table(snap, snap.parse(question))


def test_a_range_of_years_finds_every_figure_in_it(seed_snapshot: Snapshot):
    t = table_for(seed_snapshot, "thu nhập Kinh Môn 2020-2023")
    assert t is not None and t.kind == "series"
    assert [(r.period_label, r.figure, r.source.path) for r in t.rows] == [
        ("2020", "67,5 triệu đồng/năm", KM_2020),
        ("2023", "92,5 triệu đồng", KM_2023),
    ]
    assert [r.note for r in t.rows] == ["dự kiến", "ước tính"]
    assert t.notice == "Kho bài viết không có số liệu năm 2021, 2022."
    # every value is quoted with its sentence, numbered as the rows cite it
    for r in t.rows:
        assert r.figure in t.quotes[r.ref - 1].text
        assert t.quotes[r.ref - 1].source.path == r.source.path


@pytest.mark.parametrize(
    "question",
    [
        "thu nhap kinh mon tu 2020 den 2023",
        "biểu đồ thu nhập bình quân Kinh Môn",
        "thu nhập Kinh Môn qua các năm",
    ],
)
def test_series_asked_in_other_words(seed_snapshot: Snapshot, question: str):
    t = table_for(seed_snapshot, question)
    assert t is not None and [r.period_label for r in t.rows] == ["2020", "2023"]


def test_two_years_of_one_place_compared_are_those_years(seed_snapshot: Snapshot):
    t = table_for(seed_snapshot, "So sánh thu nhập Kinh Môn năm 2020 và 2023")
    assert t is not None and [r.period_label for r in t.rows] == ["2020", "2023"]


def test_places_compared_with_different_years_are_flagged(seed_snapshot: Snapshot):
    t = table_for(seed_snapshot, "thu ngân sách Móng Cái và Đông Triều")
    assert t is not None and t.kind == "compare"
    assert [(r.place, r.period_label, r.figure) for r in t.rows] == [
        ("Móng Cái", "2023", "gần 5.000 tỷ đồng"),
        ("Đông Triều", "2021", "trên 2.263 tỷ đồng"),
    ]
    assert t.notice is not None
    assert "kỳ khác nhau" in t.notice and "Móng Cái: 2023" in t.notice and "Đông Triều: 2021" in t.notice


def test_a_whole_year_is_preferred_to_part_of_one(seed_snapshot: Snapshot):
    # Móng Cái has 2023 and "2 tháng đầu năm 2024": a comparison takes the whole year.
    t = table_for(seed_snapshot, "so sánh thu ngân sách của Móng Cái với Kỳ Anh")
    assert t is not None
    assert [(r.place, r.period_label) for r in t.rows] == [
        ("Móng Cái", "2023"),
        ("Kỳ Anh", "10 tháng đầu năm 2019"),
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Thu ngân sách Móng Cái năm 2023 là bao nhiêu?",  # one figure: the quoted answer
        "Du khách đến Móng Cái năm 2023 và 2 tháng đầu 2024 tăng bao nhiêu %?",  # a rate of change
        "Giai đoạn 2021-2023 ở Kinh Môn, ngành dịch vụ hay nông-lâm-thủy sản tăng trưởng nhanh hơn?",
        "dân số Kinh Môn và Đông Triều",  # one side only has a figure
        "Bí thư Tỉnh ủy làm việc với Kinh Môn và Kỳ Anh năm nào?",  # no measured indicator
    ],
)
def test_no_table_where_the_quoted_answer_serves(seed_snapshot: Snapshot, question: str):
    assert table_for(seed_snapshot, question) is None


def test_table_as_text_and_html(seed_snapshot: Snapshot):
    t = table_for(seed_snapshot, "thu ngân sách Móng Cái và Đông Triều")
    reply = Reply("thu ngân sách Móng Cái và Đông Triều", table=t)
    plain = render_reply_plain(reply)
    assert (
        "Móng Cái (2023)   | gần 5.000 tỷ đồng  | [1] Cổng thông tin điện tử tỉnh Quảng Ninh, 04/03/2024"
        in plain
    )
    assert "[2]: «Năm 2021, tổng giá trị sản xuất" in plain
    html = render_reply_html(reply)
    assert "• <b>Đông Triều (2021)</b>: trên 2.263 tỷ đồng — [2] BVR&amp;MT, 24/02/2022" in html
    assert "<b>2.263 tỷ đồng</b>" in html  # the quote's figures in bold, as in any answer


# ---------------------------------------------------------------- charts


def test_the_chart_labels_every_value_and_names_its_periods(seed_snapshot: Snapshot):
    t = table_for(seed_snapshot, "thu nhập Kinh Môn 2020-2023")
    fig = charts.figure_of(t)
    assert fig is not None
    (ax,) = fig.axes
    assert [x.get_text() for x in ax.get_xticklabels()] == ["2020", "2023"]
    assert [x.get_text() for x in ax.texts] == [
        "67,5 triệu đồng/năm [1]\n(dự kiến)",
        "92,5 triệu đồng [2]\n(ước tính)",
    ]
    assert ax.get_ylabel() == "triệu đồng"
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([67.5, 92.5])
    assert ax.get_title() == "Thu nhập bình quân đầu người của Kinh Môn qua các năm"


def test_the_chart_png_decodes_at_its_size(seed_snapshot: Snapshot):
    t = table_for(seed_snapshot, "thu ngân sách Móng Cái và Đông Triều")
    drawn = charts.draw(t)
    assert drawn is not None
    image = Image.open(io.BytesIO(drawn.png))
    image.load()
    assert image.format == "PNG"
    assert image.size == (drawn.width, drawn.height) == (960, 576)
    assert drawn.categories == ("Móng Cái\n(2023)", "Đông Triều\n(2021)")
    assert drawn.labels == ("gần 5.000 tỷ đồng [1]", "trên 2.263 tỷ đồng [2]")
    # the caption names each source by its number, and says the periods differ
    assert drawn.caption.splitlines()[1].startswith("[1] Phát triển KKT cửa khẩu Móng Cái")
    assert drawn.caption.splitlines()[2].startswith("[2] Đông Triều là địa phương điển hình")
    assert "kỳ khác nhau" in drawn.caption
    assert len(drawn.caption) <= charts.CAPTION_LIMIT


def test_no_chart_below_two_comparable_values(seed_snapshot: Snapshot):
    # 2023 and "2 tháng đầu năm 2024" are not drawn side by side: one whole year is no chart.
    t = table_for(seed_snapshot, "thu ngân sách Móng Cái qua các năm")
    assert t is not None and len(t.rows) == 2
    assert charts.draw(t) is None
