"""Metadata read from the seeds' text alone, boilerplate cleaning, and sidecar overrides."""

from __future__ import annotations

import json
import unicodedata

import pytest
from projects import SEEDS

from bot.corpus.clean import clean_article
from bot.corpus.loader import parse_article, read_article
from bot.corpus.metadata import extract
from bot.errors import CorpusError
from bot.text.analyze import analyze
from bot.text.normalize import canonical
from bot.text.places import Gazetteer

NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))

# The true metadata of every seed: (title, publisher, ISO date, place, province).
EXPECTED = {
    "000_c33e73732ab2c98c.txt": (
        "Thường trực Tỉnh ủy làm việc với Ban Thường vụ Thị ủy Kinh Môn về định hướng phát triển thị xã"
        " giai đoạn 2021-2030, tầm nhìn đến năm 2045",
        None,  # the page names no publisher
        "2020-09-28",  # "Chiều ngày 28/9/2020"
        "Kinh Môn",
        "Hải Dương",
    ),
    "001_8ff5bff24f778362.txt": (
        "Đông Triều là địa phương điển hình của Quảng Ninh về xây dựng NTM kiểu mẫu cấp huyện ở tầm quốc gia"
        " gắn với quá trình đô thị hóa",
        "BVR&MT",
        "2022-02-24",  # "Ngày 24/2" + "phương hướng nhiệm vụ năm 2022"
        "Đông Triều",
        "Quảng Ninh",
    ),
    "002_2aaee87bbf065049.txt": (
        "Thị ủy Kinh Môn sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ thị xã lần thứ XXV và"
        " Nghị quyết Đại hội Đảng các cấp nhiệm kỳ 2020-2025",
        "Trang thông tin điện tử xã Quang Thành - thị xã Kinh Môn",
        "2023-06-22",  # dateline "22/06/2023 12:00:00"
        "Kinh Môn",
        "Hải Dương",
    ),
    "003_0255a5737a73828f.txt": (
        "Phát triển KKT cửa khẩu Móng Cái thành KKT trọng điểm quốc gia",
        "Cổng thông tin điện tử tỉnh Quảng Ninh",
        "2024-03-04",  # dateline "04/03/2024 15:18"
        "Móng Cái",
        "Quảng Ninh",
    ),
    "004_b115fdf71c4cebb7.txt": (
        "Giải quyết dứt điểm tồn đọng, đưa TX Kỳ Anh trở thành khu kinh tế động lực phía Nam của tỉnh",
        "Báo Hà Tĩnh",
        "2019-10-31",  # "Sáng 31/10" + "10 tháng đầu năm 2019"
        "Kỳ Anh",
        "Hà Tĩnh",
    ),
}


def raw(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture(scope="module")
def parsed(gazetteer):
    """Every seed parsed from its text alone (no sidecar)."""
    return {name: parse_article(raw(name), {}, gazetteer) for name in NAMES}


def all_text(parsed_article) -> str:
    return "\n".join(p.text for p in parsed_article.passages)


def test_every_seed_has_expected_values():
    assert sorted(EXPECTED) == NAMES


# ---------------------------------------------------------------- metadata from text alone


@pytest.mark.parametrize("name", NAMES)
def test_title_from_text(gazetteer, name):
    meta = extract(raw(name), clean_article(raw(name)), gazetteer)
    # Tone placement aside: the title keeps the article's own spelling ("Thị uỷ").
    assert canonical(meta.title) == canonical(EXPECTED[name][0])


@pytest.mark.parametrize("name", NAMES)
def test_publisher_from_text(gazetteer, name):
    meta = extract(raw(name), clean_article(raw(name)), gazetteer)
    assert meta.publisher == EXPECTED[name][1]


@pytest.mark.parametrize("name", NAMES)
def test_iso_date_from_text(gazetteer, name):
    meta = extract(raw(name), clean_article(raw(name)), gazetteer)
    assert meta.date == EXPECTED[name][2]


@pytest.mark.parametrize("name", NAMES)
def test_place_and_province_from_text(gazetteer, name):
    meta = extract(raw(name), clean_article(raw(name)), gazetteer)
    assert (meta.place, meta.province) == EXPECTED[name][3:]


@pytest.mark.parametrize("name", NAMES)
def test_sidecar_of_seed_agrees_with_text(name):
    """The seeds' sidecars carry the true metadata; the text alone must find the same."""
    side = SEEDS / name.replace(".txt", ".meta.json")
    meta = json.loads(side.read_text(encoding="utf-8"))
    title, publisher, date, place, province = EXPECTED[name]
    assert canonical(meta["title"]) == canonical(title)
    assert (meta["publisher"], meta["date"], meta["place"], meta["province"]) == (
        publisher,
        date,
        place,
        province,
    )


# ---------------------------------------------------------------- cleaning

FOOTER_NUMBERS = [
    "25799",
    "63486990",
    "12,943",
    "2787",
    "098108571",
    "53/GP-TTĐT",
    "27/05/2015",
    "30/11/2023",
]
FURNITURE = [
    "{name}",
    "{time}",
    "{body}",
    "0 bình luận",
    "Đang truy cập",
    "Hôm nay:",
    "Đã truy cập",
    "Thống kê truy cập",
    "Tất cả:",
    "Tắt [X]",
    "Hãy chia sẻ",
    "Vui lòng gõ tiếng Việt có dấu",
    "Giấy phép xuất bản",
    "Điện thoại:",
    "Email:",
    "Trưởng Ban Biên tập",
    "Số hồ sơ xử lý",
    "Trễ hạn",
    "Website liên kết",
    "Tin liên quan",
    "CHÍNH TRỊ-KINH TẾ",
]


@pytest.mark.parametrize("name", NAMES)
def test_no_footer_number_survives(parsed, name):
    text = all_text(parsed[name])
    for number in FOOTER_NUMBERS:
        assert number not in text


def test_footer_numbers_really_were_in_the_seeds():
    everything = "\n".join(raw(n) for n in NAMES)
    for number in FOOTER_NUMBERS:
        assert number in everything


@pytest.mark.parametrize("name", NAMES)
def test_no_footer_number_in_search_tokens(seed_items, name):
    tokens = {t for path, a in seed_items if path.endswith(name) for toks in a.tokens for t in toks}
    assert tokens
    for number in ("25799", "63486990", "12,943", "2787", "98108571"):
        assert number not in tokens


@pytest.mark.parametrize("name", NAMES)
def test_web_furniture_is_gone(parsed, name):
    text = all_text(parsed[name])
    for junk in FURNITURE:
        assert junk not in text


@pytest.mark.parametrize("name", NAMES)
def test_bylines_do_not_close_the_article(parsed, name):
    last = parsed[name].passages[-1].text
    assert last not in {"Thu Trang", "Thu Xuân", "Thu Chung"}
    assert len(last.split()) > 4


def test_repeated_headline_appears_once(parsed):
    headline = "Giải quyết dứt điểm tồn đọng, đưa TX Kỳ Anh trở thành khu kinh tế động lực phía Nam của tỉnh"
    assert raw("004_b115fdf71c4cebb7.txt").count(headline) >= 5
    passages = [p.text for p in parsed["004_b115fdf71c4cebb7.txt"].passages]
    assert sum(headline in p for p in passages) == 1


def test_lead_printed_twice_appears_once(parsed):
    lead = "dưới sự chủ trì của Bí thư Tỉnh ủy Lê Đình Sơn, Thường trực Tỉnh ủy Hà Tĩnh làm việc với BTV"
    assert raw("004_b115fdf71c4cebb7.txt").count(lead) == 2
    assert all_text(parsed["004_b115fdf71c4cebb7.txt"]).count(lead) == 1


def test_headline_and_dateline_of_002(parsed):
    headline = "Thị uỷ Kinh Môn sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ thị xã lần thứ XXV"
    text = all_text(parsed["002_2aaee87bbf065049.txt"])
    assert text.count(headline) == 1
    assert "22/06/2023" not in text and "12:00:00" not in text
    assert "04/03/2024 15:18" not in all_text(parsed["003_0255a5737a73828f.txt"])


@pytest.mark.parametrize(
    ("name", "sentences"),
    [
        (
            "000_c33e73732ab2c98c.txt",
            [
                "thu nhập bình quân đầu người năm 2020 dự kiến đạt 67,5 triệu đồng/năm",
                "lập hồ sơ thành lập thành phố",
            ],
        ),
        (
            "001_8ff5bff24f778362.txt",
            ["tốc độ tăng trưởng kinh tế đạt 13,6%", "đáp ứng yêu cầu trong tình hình mới"],
        ),
        (
            "002_2aaee87bbf065049.txt",
            [
                "Thu nhập bình quân đầu người năm 2023 ước đạt 92,5 triệu đồng",
                "rút kinh nghiệm trong chỉ đạo",
            ],
        ),
        ("003_0255a5737a73828f.txt", ["đạt gần 5.000 tỷ đồng", "an ninh an toàn, văn minh"]),
        ("004_b115fdf71c4cebb7.txt", ["tổng thu ngân sách đạt 190,881 tỷ đồng", "xử lý kỷ luật"]),
    ],
)
def test_article_body_survives_cleaning(parsed, name, sentences):
    text = all_text(parsed[name])
    for s in sentences:
        assert s in text


@pytest.mark.parametrize("name", NAMES)
def test_passages_are_sentences_in_order(parsed, name):
    ps = parsed[name].passages
    assert len(ps) >= 5
    assert [p.seq for p in ps] == list(range(len(ps)))
    assert all(p.text == p.text.strip() and p.text for p in ps)
    assert [p.paragraph for p in ps] == sorted(p.paragraph for p in ps)
    # Passage text is verbatim article text (quotes keep the article's own spelling).
    body = unicodedata.normalize("NFC", raw(name))
    assert all(p.text in body for p in ps)


def test_cleaning_normalises_unicode(gazetteer):
    text = (
        "Thị xã Kinh Môn phát triển\n\n"
        + unicodedata.normalize(
            "NFD", "Thu nhập bình quân\u00a0đầu người năm 2023 ước đạt 92,5\u00a0triệu đồng."
        )
        + "\n"
    )
    ps = parse_article(text, {}, gazetteer).passages
    joined = "\n".join(p.text for p in ps)
    assert "Thu nhập bình quân đầu người năm 2023 ước đạt 92,5 triệu đồng." in joined
    assert "\u00a0" not in joined


def test_footer_answers_are_never_quoted(ask):
    for q in (
        "Số hồ sơ thủ tục hành chính Kinh Môn đã giải quyết là bao nhiêu?",
        "Trang thông tin xã Quang Thành có bao nhiêu lượt truy cập?",
        "Cổng thông tin Quảng Ninh hôm nay có bao nhiêu người truy cập?",
    ):
        a = ask(q)
        quoted = " ".join(x.text for x in a.quotes)
        for number in FOOTER_NUMBERS:
            assert number not in quoted


# ---------------------------------------------------------------- sidecars

ARTICLE = (
    "Thị xã Kinh Môn đẩy mạnh phát triển công nghiệp\n\n"
    "Sáng 5/4/2024, Thị ủy Kinh Môn tổ chức hội nghị về phát triển công nghiệp. "
    "Năm 2023, giá trị sản xuất công nghiệp của thị xã đạt 30.000 tỷ đồng.\n"
)


def test_sidecar_overrides_fields(tmp_path, gazetteer):
    path = tmp_path / "bai.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    text, _ident, overrides = read_article(path, 100_000)
    assert overrides == {}
    plain = parse_article(text, overrides, gazetteer).meta
    assert plain.date == "2024-04-05" and plain.place == "Kinh Môn"

    (tmp_path / "bai.meta.json").write_text(
        json.dumps(
            {
                "title": "Tiêu đề do biên tập viên đặt",
                "publisher": "Báo Hải Dương",
                "date": "2024-04-06",
                "url": "https://baohaiduong.vn/bai",
                "unknown_field": "bỏ qua",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    text, _ident, overrides = read_article(path, 100_000)
    meta = parse_article(text, overrides, gazetteer).meta
    assert meta.title == "Tiêu đề do biên tập viên đặt"
    assert meta.publisher == "Báo Hải Dương"
    assert meta.date == "2024-04-06"
    assert meta.url == "https://baohaiduong.vn/bai"
    # Fields the sidecar does not name still come from the text.
    assert meta.place == "Kinh Môn" and meta.province == "Hải Dương"
    assert not hasattr(meta, "unknown_field")


def test_sidecar_null_clears_a_field(tmp_path, gazetteer):
    path = tmp_path / "bai.txt"
    path.write_text("(Baohatinh.vn) - " + ARTICLE, encoding="utf-8")
    (tmp_path / "bai.meta.json").write_text('{"publisher": null}', encoding="utf-8")
    text, _ident, overrides = read_article(path, 100_000)
    assert parse_article(text, overrides, gazetteer).meta.publisher is None


def test_sidecar_changes_the_content_identity(tmp_path):
    path = tmp_path / "bai.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    before = read_article(path, 100_000)[1]
    (tmp_path / "bai.meta.json").write_text('{"title": "Khác"}', encoding="utf-8")
    assert read_article(path, 100_000)[1] != before


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '"chuỗi"'])
def test_bad_sidecar_is_reported(tmp_path, content):
    path = tmp_path / "bai.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "bai.meta.json").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError) as e:
        read_article(path, 100_000)
    assert "bai.meta.json" in str(e.value)


def test_sidecar_words_are_searchable_only_through_metadata(tmp_path, gazetteer):
    # A sidecar never injects text into passages.
    path = tmp_path / "bai.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "bai.meta.json").write_text('{"title": "Tiêu đề riêng biệt xyz"}', encoding="utf-8")
    text, _ident, overrides = read_article(path, 100_000)
    passages = parse_article(text, overrides, gazetteer).passages
    assert all("xyz" not in p.text for p in passages)
    assert "xyz" not in {t for p in passages for t in analyze(p.text)}


@pytest.mark.parametrize(
    ("publisher", "province"),
    [
        ("Baohatinh.vn", "Hà Tĩnh"),
        ("baoquangninh.vn", "Quảng Ninh"),
        ("hanoimoi.vn", "Hà Nội"),
        ("Cổng thông tin điện tử tỉnh Quảng Ninh", "Quảng Ninh"),
        ("Báo Quảng Ninh", "Quảng Ninh"),
        ("Trang thông tin điện tử xã Quang Thành - thị xã Kinh Môn", "Hải Dương"),
        ("BVR&MT", None),
        ("Báo Thanh Niên", None),
        ("thanhnien.vn", None),
        ("nhandan.vn", None),
        (None, None),
    ],
)
def test_outlet_province(publisher, province):
    assert Gazetteer.default().outlet_province(publisher) == province


@pytest.mark.parametrize(
    ("lead", "date"),
    [
        # An anniversary's range in the lead's sentence gives the year of its last day.
        ("Tối 1/10, thành phố tổ chức Lễ kỷ niệm 10 năm thành lập (25/9/2012 - 25/9/2022).", "2022-10-01"),
        # A decree of years before the text's own years is no date of the lead.
        (
            "Sáng 5/3, hội nghị triển khai Quyết định ngày 1/2/2020 về quy hoạch. Năm 2024, thu ngân sách tăng.",
            None,
        ),
    ],
)
def test_lead_day_dated_by_a_full_date_it_names(gazetteer, lead, date):
    text = f"Thành phố tổng kết\n\n{lead}\n\nThu ngân sách năm 2021 đạt 100 tỷ đồng.\n"
    assert parse_article(text, {}, gazetteer).meta.date == date


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("https://danviet.vn/tan-uyen-lam-gi-20210825155747451.htm", "2021-08-25"),
        ("https://example.vn/2024/01/12/bai-viet.html", "2024-01-12"),
        ("https://nhandan.vn/ky-niem-post717877.html", None),
        ("https://example.vn/20231301-thang-13", None),
    ],
)
def test_an_undated_page_takes_the_date_its_address_gives(gazetteer, url, date):
    text = "Huyện Tân Uyên phát triển chè\n\nNăm 2020, diện tích chè đạt 3.200 ha.\n"
    assert parse_article(text, {"url": url}, gazetteer).meta.date == date
    # A date the page gives wins over its address.
    assert parse_article(text, {"url": url, "date": "2021-01-02"}, gazetteer).meta.date == "2021-01-02"
