"""Boundary pairs for every threshold and veto of the duplicate decision (rules.decide).

Each case decides one pair at a threshold and one just past it, with every other field held
where it does not interfere, so moving any threshold or veto (a year gap of 2, a link at
title 0.80, ...) changes an outcome below. The values are the rules as documented in the
module docstring of screener/dedupe/rules.py, typed in here on purpose (not read from it).
The score's probability is fixed by a model with only an intercept where the case is not
about the score.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from dedupe_helpers import agreeing_scores, pair_features

from screener.dedupe.model import MODEL, Model, probability
from screener.dedupe.rules import decide


def fixed(p: float) -> Model:
    """A model whose probability is ``p`` for every pair."""
    return Model(intercept=math.log(p / (1 - p)), weights={})


SURE = fixed(0.99)


def verdict(scores: dict[str, Any], model: Model = SURE, **b_fields: Any) -> tuple[str | None, str]:
    a, b = pair_features(**b_fields)
    v = decide(a, b, scores, model)
    return v.status, v.rule


AUTO = ("auto", "score")


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.85, AUTO),  # AUTO_P
        (0.849, ("review", "score-uncertain")),
        (0.5, ("review", "score-uncertain")),  # REVIEW_P
        (0.499, (None, "score-low")),
    ],
)
def test_probability_thresholds(p: float, expected: tuple[str | None, str]) -> None:
    assert verdict(agreeing_scores(), fixed(p)) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (0.85, AUTO),  # TITLE_AUTO
        (0.849, ("review", "score-uncertain")),
        (0.8, ("review", "score-uncertain")),  # TITLE_REVIEW
        (0.799, (None, "score-low")),
    ],
)
def test_title_thresholds(title: float, expected: tuple[str | None, str]) -> None:
    assert verdict(agreeing_scores(title=title)) == expected


WITHOUT_SUPPORT = ("review", "score-without-independent-agreement")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"authors": 0.7, "journal": None, "volume": None}, AUTO),  # AUTHORS_OK
        ({"authors": 0.699, "journal": None, "volume": None}, WITHOUT_SUPPORT),
        ({"authors": None, "journal": 0.9, "volume": None}, AUTO),  # JOURNAL_OK
        ({"authors": None, "journal": 0.899, "volume": None}, WITHOUT_SUPPORT),
        ({"authors": None, "journal": None, "pages": 0.9}, AUTO),  # PLACE_PAGES
        ({"authors": None, "journal": None, "pages": 0.899}, WITHOUT_SUPPORT),
        ({"authors": None, "journal": None, "volume": 0.0}, WITHOUT_SUPPORT),
    ],
)
def test_independent_agreement(changes: dict[str, Any], expected: tuple[str | None, str]) -> None:
    assert verdict(agreeing_scores(**changes)) == expected


PARTIAL = ("review", "score-without-authors-and-abstract-for-partial-title")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"authors": 0.8}, AUTO),  # PARTIAL_AUTHORS
        ({"authors": 0.799}, PARTIAL),
        ({"abstract": 0.9}, AUTO),  # PARTIAL_ABSTRACT
        ({"abstract": 0.899}, PARTIAL),
        ({"abstract": None}, AUTO),  # no abstract on one side: the authors decide
    ],
)
def test_partial_title_guard(changes: dict[str, Any], expected: tuple[str | None, str]) -> None:
    """Two abstracts on one page whose titles start alike: the known false merge."""
    assert verdict(agreeing_scores(title=0.97, title_partial=True, **changes)) == expected


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [(0.55, AUTO), (0.549, ("review", "score-without-agreeing-abstracts"))],  # ABSTRACT_DIFFERENT
)
def test_different_abstracts_never_link(abstract: float, expected: tuple[str | None, str]) -> None:
    assert verdict(agreeing_scores(abstract=abstract)) == expected


NO_PAGE = ("review", "score-without-volume-and-page")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"pages": 0.9}, AUTO),
        ({"pages": None, "abstract": 0.95}, AUTO),  # ABSTRACT_SAME with the same volume
        ({"pages": None, "abstract": 0.949}, NO_PAGE),
        ({"pages": None, "volume": None, "abstract": 1.0}, NO_PAGE),
    ],
)
def test_short_title_needs_the_place(
    changes: dict[str, Any], expected: tuple[str | None, str]
) -> None:
    assert verdict(agreeing_scores(short_title=True, **changes)) == expected


def test_a_notice_needs_the_place() -> None:
    scores = agreeing_scores(pages=None, abstract=None, notice=["erratum", "erratum"])
    b = pair_features(title="Erratum to: tacrolimus in refractory polymyositis")[1]
    a = pair_features(title="Erratum: tacrolimus in refractory polymyositis")[1]
    assert decide(a, b, scores, SURE).rule == "score-without-volume-and-page"
    assert decide(a, b, scores | {"pages": 1.0}, SURE).status == "auto"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"year_gap": None}, AUTO),
        ({"year_gap": None, "pages": None}, ("review", "score-without-year-or-place")),
        ({"issue": 0.0}, AUTO),  # the issue field holds a record number: outweighed
        ({"issue": 0.0, "pages": 0.6, "volume": None}, AUTO),  # pages with a typo still count
        (
            {"issue": 0.0, "pages": None},
            ("review", "score-without-page-agreement-against-other-issue"),
        ),
    ],
)
def test_missing_year_and_other_issue(
    changes: dict[str, Any], expected: tuple[str | None, str]
) -> None:
    assert verdict(agreeing_scores(**changes)) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"year_gap": 1}, AUTO),  # YEAR_GAP: ahead of print
        ({"year_gap": 2}, (None, "veto:year-gap")),
        ({"year_gap": 2, "doi": 1.0, "title": 0.9}, ("review", "veto:year-gap")),
        ({"year_gap": 2, "doi": 1.0, "title": 0.899}, (None, "veto:year-gap")),
    ],
)
def test_year_gap(changes: dict[str, Any], expected: tuple[str | None, str]) -> None:
    assert verdict(agreeing_scores(**changes)) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"doi": 0.0}, ("review", "veto:different-doi")),
        ({"doi": 0.0, "title": 0.979}, (None, "veto:different-doi")),
        ({"doi": 0.0, "year_gap": 1}, (None, "veto:different-doi")),
        ({"doi": 0.0, "authors": 0.699}, (None, "veto:different-doi")),
        ({"doi": 0.0, "pages": 0.899}, (None, "veto:different-doi")),
        ({"pmid": 0.0}, ("review", "veto:different-pmid")),
        ({"pmid": 0.0, "title": 0.979}, (None, "veto:different-pmid")),
        ({"pmid": 0.0, "doi": 1.0}, (None, "veto:different-pmid")),
        ({"pmid": 0.0, "volume": 0.0}, (None, "veto:different-pmid")),
        ({"title_numbers": 0.0}, (None, "veto:different-numbers-in-title")),
        ({"title_numbers": 0.0, "ids": 1.0}, ("auto", "same-identifier")),
    ],
)
def test_identifier_vetoes(changes: dict[str, Any], expected: tuple[str | None, str]) -> None:
    """Different DOIs or PMIDs stay hard vetoes, whatever the score."""
    assert verdict(agreeing_scores(**({"title": 0.98} | changes))) == expected


@pytest.mark.parametrize(
    ("title", "pages", "expected"),
    [
        (0.85, 0.0, ("auto", "same-identifier")),  # ID_TITLE
        (0.849, 1.0, ("review", "same-identifier-different-title")),
        (0.7, 1.0, ("review", "same-identifier-different-title")),  # ID_TITLE_REVIEW
        (0.699, 1.0, (None, "same-identifier-different-title")),
        (0.8, 0.0, (None, "same-identifier-different-title")),  # one DOI for a supplement
    ],
)
def test_shared_identifier(title: float, pages: float, expected: tuple[str | None, str]) -> None:
    assert verdict(agreeing_scores(doi=1.0, title=title, pages=pages)) == expected


def test_notice_against_article_is_vetoed() -> None:
    scores = agreeing_scores(notice=["", "erratum"])
    rule = verdict(scores, title="Erratum: tacrolimus in refractory polymyositis")
    assert rule == (None, "veto:notice(article/erratum)")


MEETING = {"journal": "Arthritis Rheum. Conference: ACR Annual Meeting"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"pages": None, "issue": None, "abstract": None}, (None, "veto:conference-vs-article")),
        ({"pages": None, "abstract": None}, AUTO),  # same journal, volume and issue
        (
            {"pages": 0.899, "issue": None, "abstract": None, "year_gap": 1},
            (None, "veto:conference-vs-article"),
        ),
        ({"pages": 0.9, "issue": None, "abstract": None, "volume": None}, AUTO),
        ({"pages": None, "issue": None, "volume": None, "abstract": 0.95}, AUTO),
        (
            {"pages": None, "issue": None, "volume": None, "abstract": 0.949},
            (None, "veto:conference-vs-article"),
        ),
        ({"pages": None, "issue": None, "journal": 0.899}, (None, "veto:conference-vs-article")),
        (
            {"pages": None, "issue": None, "journal": 0.899, "doi": 1.0, "title": 0.9},
            ("auto", "same-identifier"),
        ),
        (
            {"pages": None, "issue": None, "journal": 0.899, "doi": 1.0, "title": 0.899},
            (None, "veto:conference-vs-article"),
        ),
        (
            {"pages": None, "issue": None, "journal": 0.899, "pmid": 1.0, "title": 0.9},
            ("review", "veto:conference-vs-article"),
        ),
        (
            {"pages": None, "issue": None, "journal": 0.899, "pmid": 1.0, "title": 0.899},
            (None, "veto:conference-vs-article"),
        ),
    ],
)
def test_meeting_abstract_against_article(
    changes: dict[str, Any], expected: tuple[str | None, str]
) -> None:
    scores = agreeing_scores(conference=[False, True], **changes)
    assert verdict(scores, **MEETING) == expected


CHINESE = {
    "title": "他克莫司治疗难治性多发性肌炎",
    "title_translated": "Tacrolimus in polymyositis",
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": 0.9}, ("auto", "cross-language:translated-title+year+volume+page")),
        ({"title": 0.899}, (None, "cross-language:no-identifier")),
        ({"title": 0.9, "pages": None}, ("review", "cross-language:translated-title-only")),
        ({"title": 0.9, "pages": 0.9}, ("review", "cross-language:translated-title-only")),
        ({"title": 0.9, "volume": 0.0}, (None, "cross-language:different-volume-or-page")),
        ({"title": 0.9, "pages": 0.0}, (None, "cross-language:different-volume-or-page")),
        ({"title": 0.9, "year_gap": 1}, (None, "cross-language:no-identifier")),
        ({"title": 0.2, "doi": 1.0}, ("auto", "cross-language:same-identifier")),
    ],
)
def test_cjk_against_latin(changes: dict[str, Any], expected: tuple[str | None, str]) -> None:
    assert verdict(agreeing_scores(cross_language=True, **changes), **CHINESE) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ("auto", "translated-title+place")),
        ({"authors": 0.9}, ("auto", "translated-title+place")),  # TRANSLATED_AUTHORS
        ({"authors": 0.899}, (None, "translated-title-without-place")),
        ({"journal": 0.899}, (None, "translated-title-without-place")),
        ({"pages": 0.899}, (None, "translated-title-without-place")),
        ({"volume": None}, ("auto", "translated-title+place")),  # exact page, volume unknown
        ({"volume": None, "pages": 0.9}, (None, "translated-title-without-place")),
        ({"volume": 0.0}, (None, "translated-title-without-place")),
        ({"year_gap": 1}, (None, "translated-title-without-place")),
        ({"abstract": 0.549}, (None, "translated-title-without-place")),
        ({"title": 0.85}, AUTO),  # the titles agree after all: the score decides
    ],
)
def test_title_in_two_languages(changes: dict[str, Any], expected: tuple[str | None, str]) -> None:
    scores = agreeing_scores(**({"title": 0.4, "translated": True} | changes))
    assert verdict(scores) == expected
    # the same when only the language fields say so
    a, b = pair_features(language="ger")
    a.language = "eng"
    scores = agreeing_scores(**({"title": 0.4} | changes))
    assert (decide(a, b, scores, SURE).status, decide(a, b, scores, SURE).rule) == expected
    a.language = ""  # unknown is not another language
    if "title" not in changes:
        assert decide(a, b, scores, SURE).status != "auto"


def test_shipped_model_links_a_weak_field_disagreement_and_queues_two() -> None:
    """Vetoes as evidence: one weak field that disagrees lowers the score, two send to review."""
    for field in ("issue", "pages", "volume"):
        assert probability(agreeing_scores(**{field: 0.0})) >= 0.85, field
        assert verdict(agreeing_scores(**{field: 0.0}), MODEL)[0] == "auto", field
    both = agreeing_scores(pages=0.0, volume=0.0)
    assert verdict(both, MODEL) == ("review", "score-uncertain")
