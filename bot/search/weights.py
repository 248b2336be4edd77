"""Every weight and threshold of the ranking, by name.

The values are fitted on the development material (tools/fit_weights.py: the dev questions on
the seeds and with 2,000 distractors, the real questions alone and with the seeds) and checked
by k-fold cross-validation; the fit prints the figures the README reports. A weight multiplies
a passage's score when the passage lacks what its name says, unless the name says otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class Weights:
    # ---- coverage: how much of the question's informative weight a passage matches
    min_coverage: float = 0.42  # below this, the best passage does not answer
    coverage_base: float = 0.4  # a passage's factor is coverage_base + coverage
    oov_weight: float = 2.4  # a question word the corpus never uses (a constant, not a share of IDF)
    syllables_alone: float = 0.5  # a compound's syllables found apart, without the compound
    concept_credit: float = 1.0  # a word said by a thesaurus concept the passage has ("đông dân" / "dân số")
    concept_query: float = 0.5  # the concept token's share of the BM25 query

    # ---- time
    year_miss: float = 0.55  # an article of another year, which never mentions the year asked
    year_elsewhere: float = 0.8  # the article mentions the year asked; this passage's period is another
    passage_other_year: float = 0.6  # the passage's own period is another year than the one asked

    # ---- place and level of government
    other_level: float = 0.5  # another level's body ("UBND tỉnh" for "UBND TX"), or the deputy
    outlet_elsewhere: float = 0.85  # a province question, an article by another province's outlet
    province_from_town: float = 0.6  # a province question, a passage of a town's article about the town
    hint_elsewhere: float = (
        0.8  # a thing named after a place ("Khu du lịch Trà Cổ"), an article about other land
    )

    # ---- what kind of answer the question wants
    missing_number: float = 0.3  # a quantity asked, no figure (or not in the unit asked)
    missing_indicator: float = 0.4  # an indicator asked, the passage gives another one
    indicator_unit: float = 0.6  # an indicator asked ("thu ngân sách"), no figure in its unit (money)
    missing_count: float = 0.6  # "mấy phường", no figure of phường
    mentioned_place: float = 0.7  # an article that names the place asked, about another place
    missing_year: float = 0.4  # "năm nào", no year
    missing_day: float = 0.4  # "ngày nào", no date
    missing_ordinal: float = 0.5  # "lần thứ mấy", no ordinal
    missing_list: float = 0.8  # "những xã nào", no enumeration
    target_for_actual: float = 0.7  # a result asked, a plan or target stated
    actual_for_target: float = 0.8  # a plan asked, a result stated
    headline: float = 0.85  # the page's headline repeats the question; the body says it with the figure

    # ---- the answer
    support_share: float = 0.8  # another article's passage is shown too when it scores this share
    more_share: float = 0.75  # "Xem thêm" lists passages with this share of min_coverage

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def with_values(self, **values: float) -> Weights:
        return replace(self, **values)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


DEFAULT = Weights()
