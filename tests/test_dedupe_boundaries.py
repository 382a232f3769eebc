"""The duplicate decision at its edges: every rule carries the pair's calibrated score, the
notice veto names both sides, a shared identifier without titles, the model's inputs for
missing and far-apart fields, the probability's rounding and its floor.

Each case was found by mutation testing (bench/mutation.py): a small change to
screener/dedupe/rules.py or screener/dedupe/model.py that the rest of the suite did not notice.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from dedupe_helpers import agreeing_scores, pair_features

from screener.dedupe.model import MODEL, Model, probability, vector
from screener.dedupe.rules import decide

CHINESE = {
    "title": "他克莫司治疗难治性多发性肌炎",
    "title_translated": "Tacrolimus in polymyositis",
}

# (changes to the agreeing scores, fields of the second record, the rule it reaches)
RULES: list[tuple[dict[str, Any], dict[str, Any], str]] = [
    ({"doi": 0.0, "title": 0.98}, {}, "veto:different-doi"),
    ({"doi": 0.0, "title": 0.98, "pages": 0.0}, {}, "veto:different-doi"),
    ({"pmid": 0.0, "title": 0.98}, {}, "veto:different-pmid"),
    ({"title_numbers": 0.0}, {}, "veto:different-numbers-in-title"),
    ({"notice": ["", "erratum"]}, {"title": "Erratum: tacrolimus"}, "veto:notice(article/erratum)"),
    ({"year_gap": 2}, {}, "veto:year-gap"),
    ({"year_gap": 2, "doi": 1.0, "title": 0.9}, {}, "veto:year-gap"),
    ({"conference": [False, True], "pages": None, "issue": None, "abstract": None}, {}, ""),
    ({"doi": 1.0}, {}, "same-identifier"),
    ({"doi": 1.0, "title": 0.75}, {}, "same-identifier-different-title"),
    ({"title": 0.4, "translated": True}, {}, "translated-title+place"),
    ({"title": 0.4, "translated": True, "year_gap": 1}, {}, "translated-title-without-place"),
    ({"cross_language": True, "doi": 1.0}, CHINESE, "cross-language:same-identifier"),
    ({"cross_language": True, "volume": 0.0}, CHINESE, "cross-language:different-volume-or-page"),
    ({"cross_language": True, "title": 0.9}, CHINESE, "cross-language:translated-title+year"),
    ({"cross_language": True, "title": 0.9, "pages": None}, CHINESE, "cross-language:translated-"),
    ({"cross_language": True, "title": 0.5}, CHINESE, "cross-language:no-identifier"),
    ({}, {}, "score"),
    ({"abstract": 0.3}, {}, "score-without-agreeing-abstracts"),
    ({"title": 0.8}, {}, "score-uncertain"),
    ({"title": 0.5}, {}, "score-low"),
]


@pytest.mark.parametrize(("changes", "fields", "rule"), RULES)
def test_every_rule_carries_the_pairs_calibrated_score(
    changes: dict[str, Any], fields: dict[str, Any], rule: str
) -> None:
    scores = agreeing_scores(**changes)
    a, b = pair_features(**fields)
    verdict = decide(a, b, scores)
    assert verdict.rule.startswith(rule) or (rule == "" and verdict.rule.startswith("veto:conf"))
    assert verdict.score == probability(scores, MODEL)
    assert 0.0 < verdict.score < 1.0


def test_a_notice_on_either_side_is_named_in_the_veto() -> None:
    a, b = pair_features(title="Erratum: tacrolimus in refractory polymyositis")
    scores = agreeing_scores(notice=["erratum", ""])
    assert decide(b, a, scores).rule == "veto:notice(erratum/article)"
    assert decide(a, b, scores).rule == "veto:notice(article/erratum)"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"journal": 1.0, "authors": 0.0, "volume": 0.0}, ("auto", "same-identifier")),
        ({"journal": 0.0, "authors": 1.0, "volume": 0.0}, ("auto", "same-identifier")),
        ({"journal": 0.0, "authors": 0.0, "pages": 1.0}, ("auto", "same-identifier")),  # place
        (
            {"journal": 0.0, "authors": 0.0, "volume": 0.0},
            (None, "same-identifier-different-title"),
        ),
    ],
)
def test_a_shared_identifier_without_titles_links_on_any_independent_agreement(
    changes: dict[str, Any], expected: tuple[str | None, str]
) -> None:
    a, b = pair_features()
    verdict = decide(a, b, agreeing_scores(doi=1.0, title=None, **changes))
    assert (verdict.status, verdict.rule) == expected


def test_missing_year_counts_neither_way_and_a_far_abstract_at_most_minus_one() -> None:
    assert vector(agreeing_scores(year_gap=None))["year"] == 0.0
    assert vector(agreeing_scores(year_gap=0))["year"] == 1.0
    assert vector(agreeing_scores(year_gap=1))["year"] == -1.0
    assert vector(agreeing_scores(abstract=None))["abstract"] == 0.0
    assert vector(agreeing_scores(abstract=0.1))["abstract"] == -1.0
    assert vector(agreeing_scores(abstract=0.4))["abstract"] == pytest.approx(-1.0)
    assert vector(agreeing_scores(abstract=0.55))["abstract"] == pytest.approx(-0.5)


def test_a_missing_title_counts_neither_way_and_a_far_title_at_most_minus_three() -> None:
    """The module docstring's rule: a field missing on either side is 0 (no pair in the bench
    sets reaching the score lacks a title, so the fit is the same; only the stored score of a
    pair linked without titles, e.g. on a shared DOI, depends on it)."""
    assert vector(agreeing_scores(title=None))["title"] == 0.0
    assert vector(agreeing_scores(title=0.9))["title"] == 0.0
    assert vector(agreeing_scores(title=1.0))["title"] == pytest.approx(1.0)
    assert vector(agreeing_scores(title=0.6))["title"] == pytest.approx(-3.0)
    assert vector(agreeing_scores(title=0.0))["title"] == -3.0


def test_probability_has_three_decimals_and_a_floor_of_zero() -> None:
    def fixed(z: float) -> Model:
        return Model(intercept=z, weights={})

    z = math.log(0.12345 / (1 - 0.12345))
    assert probability({}, fixed(z)) == 0.123
    assert probability({}, fixed(-1000.0)) == 0.0  # exp(1000) would overflow
    assert probability({}, fixed(1000.0)) == 1.0
