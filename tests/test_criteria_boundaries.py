"""Criteria at their edges: inclusive year limits, several languages in one field, records
without a publication type, exact run counts, timestamps and undo rows, undo of any history.

Each case was found by mutation testing (bench/mutation.py): a small change to
screener/screening/criteria.py that the rest of the suite did not notice.
"""

from __future__ import annotations

import json
from datetime import datetime

from builders import add_search

from screener.db import Review
from screener.record import Record
from screener.screening.criteria import apply_criteria, failed_limit, undo_criteria
from screener.screening.protocol import Limits
from screener.screening.verdict import current_decisions, record_decision

TA = "title_abstract"


def row(year: int | None = 2000, language: str | None = None, types: str | None = None) -> dict:
    return {"year": year, "language": language, "publication_types": types}


def test_year_limits_include_the_limit_years_themselves() -> None:
    limits = Limits(year_min=1980, year_max=2020)
    assert failed_limit(limits, row(1980)) is None
    assert failed_limit(limits, row(2020)) is None
    assert failed_limit(limits, row(1979)) == "Published before 1980 (limit year_min)"
    assert failed_limit(limits, row(2021)) == "Published after 2020 (limit year_max)"


def test_a_field_listing_several_languages_passes_when_any_is_allowed() -> None:
    limits = Limits(languages=["eng", "chi"])
    for field in ("eng; ger", "ger;eng", "Chinese, German", "ger,english", " ; eng ; "):
        assert failed_limit(limits, row(language=field)) is None, field
    # the reason lists the record's languages as split, joined by "; "
    assert failed_limit(limits, row(language="ger, fre")) == "Language: ger; fre (limit languages)"
    assert failed_limit(limits, row(language="ger;fre")) == "Language: ger; fre (limit languages)"


def test_a_record_without_publication_types_passes_a_type_limit() -> None:
    limits = Limits(exclude_publication_types=["Editorial"])
    assert failed_limit(limits, row(types=None)) is None
    assert failed_limit(limits, row(types="")) is None
    assert failed_limit(limits, row(types=json.dumps([" EDITORIAL "]))) == (
        "Publication type: Editorial"
    )


def test_a_run_counts_each_record_once_in_the_right_column(review: Review) -> None:
    ids = add_search(
        review.db,
        [
            Record(title="Old, a person decided it later", year=1970),  # 0
            Record(title="Old, a person decided it first", year=1971),  # 1
            Record(title="Fine, a person decided it", year=1999),  # 2
            Record(title="Old, a second reviewer decided it later", year=1972),  # 3
            Record(title="Old", year=1973),  # 4
            Record(title="Older", year=1960),  # 5
            Record(title="Fine", year=2001),  # 6
            Record(title="Old too, a person decided it first", year=1974),  # 7
        ],
    )
    record_decision(review.db, ids[1], TA, "ann", "exclude")
    record_decision(review.db, ids[7], TA, "ann", "include")
    first = apply_criteria(review.db, Limits(year_min=1975))
    assert (first.checked, first.skipped_human, first.total_excluded) == (8, 2, 4)
    assert dict(first.excluded) == {"Published before 1975 (limit year_min)": 4}  # 0, 3, 4, 5
    record_decision(review.db, ids[0], TA, "ann", "include")
    record_decision(review.db, ids[2], TA, "ann", "include")
    record_decision(review.db, ids[3], TA, "bob", "exclude")
    result = apply_criteria(review.db, Limits(year_min=1980))
    # 1 and 7 fail, a person decided them and automation never did: skipped. 0 and 3 keep the
    # automation exclusion a person came after (counted, untouched); 2 passes (a person decided
    # it: nothing to skip). 4 and 5 fail for a new reason: undo + exclusion. 6 passes.
    assert result.checked == 8
    assert result.skipped_human == 2
    assert dict(result.excluded) == {"Published before 1980 (limit year_min)": 2}
    assert (result.already, result.lifted) == (0, 0)
    assert result.total_excluded == 4


def test_every_row_a_run_writes_is_dated_and_an_undo_is_an_undo_row(review: Review) -> None:
    ids = add_search(review.db, [Record(title="Old", year=1970), Record(title="Mid", year=1985)])
    apply_criteria(review.db, Limits(year_min=1990))
    apply_criteria(review.db, Limits(year_min=1980))  # 1985 lifted, 1970 gets a new reason
    undo_criteria(review.db)
    rows = review.db.execute(
        "select record_id, decision, reason, created_at from decisions order by id"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (ids[0], "exclude", "Published before 1990 (limit year_min)"),
        (ids[1], "exclude", "Published before 1990 (limit year_min)"),
        (ids[0], "undo", None),
        (ids[0], "exclude", "Published before 1980 (limit year_min)"),
        (ids[1], "undo", None),
        (ids[0], "undo", None),
    ]
    for r in rows:
        assert datetime.fromisoformat(r[3]), r
    assert current_decisions(review.db, TA) == {}


def test_undo_clears_automation_whatever_its_history(review: Review) -> None:
    ids = add_search(review.db, [Record(title=f"R{i}", year=1970) for i in range(4)])
    histories = [
        ["exclude", "exclude"],  # two on the stack: two undo rows
        ["exclude", "exclude", "undo"],  # one left
        ["exclude", "undo", "exclude"],  # one left
        ["exclude", "undo", "undo"],  # an undo on an empty stack cancels nothing
    ]
    for rid, history in zip(ids, histories, strict=True):
        for decision in history:
            record_decision(review.db, rid, TA, "criteria", decision, source="criteria")
    logged = review.db.execute("select max(id) from decisions").fetchone()[0]
    result = undo_criteria(review.db)
    assert result.lifted == 3
    assert current_decisions(review.db, TA) == {}
    added = review.db.execute(
        "select record_id, count(*) from decisions where id > ? group by record_id", [logged]
    ).fetchall()
    assert added == [(ids[0], 2), (ids[1], 1), (ids[2], 1)]
