"""Questions people asked about real articles (tests/data/real), one group per failure class
seen on real material. Each item is judged as ../shared/eval/score_qa.py judges: the expected
article cited first (all of them for a comparison), every expected figure verbatim in the reply,
and a refusal where the corpus does not answer."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from bot.answer.render import render_plain
from bot.corpus.loader import read_article
from bot.qa import answer_question
from bot.search.snapshot import Snapshot, analyze_text, snapshot_in_memory

REAL = Path(__file__).resolve().parent / "data" / "real"
QA = {d["id"]: d for d in map(json.loads, (REAL / "qa.jsonl").read_text(encoding="utf-8").splitlines())}

CLASSES = {
    # a 2025 province name for an article written before the merger
    "new_names": ["q014", "q027", "q073", "q079"],
    # "so với năm 2022", "cùng kỳ": the year compared with is not the figure's; a year in the
    # sentence leaned on ("do cơn bão số 12 năm 2017") is not either
    "years": ["q032", "q061", "q015", "q041", "q010"],
    # the answer says it in other words ("rộng", "dân", "phần trăm", "quy mô")
    "paraphrase": ["q051", "q037", "q062", "q036"],
    # a place inside another name (a zone, a road) neither narrows nor refuses
    "places_in_names": ["q043", "q044", "q055"],
    # a province question gets the province's figure
    "province": ["q099", "q060", "q089"],
    # the headline repeats the question's words; the body has the figure in the unit asked
    "sentence_choice": ["q002", "q004", "q008"],
    # two places, two years
    "comparison": ["q039", "q063", "q101", "q012"],
    "no_diacritics": ["q005", "q009", "q082"],
    # the year asked not covered, a fact no article gives, a town no article covers
    "refusals": ["q104", "q107", "q113", "q114", "q115", "q116", "q110", "q112"],
}


@pytest.fixture(scope="module")
def real() -> Snapshot:
    items = []
    for path in sorted((REAL / "articles").glob("*.txt")):
        text, _ident, overrides = read_article(path, 2_000_000)
        items.append((path.name, analyze_text(text, overrides)))
    return snapshot_in_memory(items)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("oà", "òa").replace("uỷ", "ủy")


@pytest.mark.parametrize(("cls", "qid"), [(c, q) for c, ids in CLASSES.items() for q in ids])
def test_real_question(real, cls, qid):
    item = QA[qid]
    a = answer_question(real, item["question"])
    text = nfc(render_plain(a))
    if item["kind"] == "unanswerable":
        assert a.refused, text
        return
    assert not a.refused, text
    cited = [s.path for s in a.sources]
    expected = item["article"] if isinstance(item["article"], list) else [item["article"]]
    if len(expected) == 1:
        assert cited[0] == expected[0], text
    else:
        assert set(expected) <= set(cited), text
    for fig in item["answer_figures"]:
        assert nfc(fig) in text, (fig, text)


def test_reply_names_the_2025_province_once(real):
    a = answer_question(real, QA["q014"]["question"])  # Cai Lậy asked as in Đồng Tháp
    assert not a.refused
    assert render_plain(a).count("nay thuộc") == 1


def test_a_figure_for_another_year_is_a_labelled_refusal(real):
    a = answer_question(real, QA["q104"]["question"])  # Ninh Hòa 2023: only 2018 is covered
    assert a.refused
    assert a.quotes and a.quotes[0].source.path == "d003_ninh_hoa_2018.txt"  # the nearest, shown
    assert a.notice and "không phải năm 2023" in a.notice


def test_a_place_no_article_is_about_answers_only_where_a_clause_says_it(real, seed_snapshot):
    # Văn Lãng has no article, Lạng Sơn does: the clause naming it answers, with a notice.
    a = answer_question(real, "Khu kinh tế Đồng Đăng có bao gồm xã nào của huyện Văn Lãng?")
    assert not a.refused and "Tân Thanh, Tân Mỹ thuộc huyện Văn Lãng" in a.quotes[0].text
    assert "Kho chưa có bài về Văn Lãng" in (a.notice or "")
    # Chí Linh is named in a Kinh Môn article only in a clause about roads: no answer.
    b = answer_question(seed_snapshot, "Chí Linh có bao nhiêu cụm công nghiệp?")
    assert b.refused and "Chí Linh" in (b.notice or "")
