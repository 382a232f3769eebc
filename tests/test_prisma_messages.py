"""What the PRISMA checks say, word for word: every kind of pending record (one and many), the
identity error and its hint, NR terms, the 2009 checks speaking the 2009 boxes.

Each case was found by mutation testing (bench/mutation.py): a small change to
screener/prisma/identities.py that the rest of the suite did not notice.
"""

from __future__ import annotations

import dataclasses

import pytest
from builders import add_search
from test_prisma_fixture import build_review

from screener.db import Review
from screener.errors import DataError
from screener.prisma.counts import Flow, Pending, compute_flow
from screener.prisma.identities import check, checked_flow, identities_2020, incomplete, problems
from screener.record import Record

KINDS = [
    ("ta_undecided", "record has", "records have", "no title/abstract decision"),
    ("ta_conflict", "record has", "records have", "conflicting title/abstract decisions"),
    ("ta_awaiting", "record awaits", "records await", "another reviewer's title/abstract decision"),
    ("ft_undecided", "report has", "reports have", "no full-text decision"),
    ("ft_maybe", "report has", "reports have", "only a 'maybe' at full text"),
    ("ft_conflict", "report has", "reports have", "conflicting full-text decisions"),
    ("ft_awaiting", "report awaits", "reports await", "another reviewer's full-text decision"),
    ("ft_no_reason", "full-text exclusion has", "full-text exclusions have", "no reason"),
]


@pytest.mark.parametrize(("field", "one", "many", "what"), KINDS)
def test_each_kind_of_pending_record_is_named_in_the_singular_and_plural(
    field: str, one: str, many: str, what: str
) -> None:
    assert [p.message for p in incomplete(Pending(**{field: [7]}))] == [f"1 {one} {what} (id 7)"]
    (problem,) = incomplete(Pending(**{field: [3, 9]}), "in earlier rounds")
    assert (problem.kind, problem.message) == (
        "incomplete",
        f"2 {many} {what} in earlier rounds (ids 3, 9)",
    )


def test_ten_ids_are_all_shown_and_eleven_say_one_more() -> None:
    (ten,) = incomplete(Pending(ft_maybe=list(range(1, 11))))
    assert ten.message.endswith("(ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)")
    (eleven,) = incomplete(Pending(ft_maybe=list(range(1, 12))))
    assert eleven.message.endswith("(ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 1 more)")


def flow(review: Review) -> Flow:
    build_review(review)
    return compute_flow(review.db, 1)


def test_an_nr_term_on_either_side_skips_the_identity(review: Review) -> None:
    base = flow(review)
    assert identities_2020(dataclasses.replace(base, previous_studies=None, total_studies=9)) == []
    assert identities_2020(dataclasses.replace(base, total_studies=None, previous_studies=5)) == []


def test_total_reports_mismatch_is_a_warning_naming_its_terms(review: Review) -> None:
    broken = dataclasses.replace(flow(review), total_reports=7)
    assert [(p.kind, p.message) for p in identities_2020(broken)] == [
        (
            "warning",
            "Reports of total included studies (7) does not equal previous reports (0) + "
            "new reports (5) = 5",
        )
    ]


def test_broken_identities_are_one_error_with_every_one_named_and_a_hint(review: Review) -> None:
    broken = dataclasses.replace(flow(review), database_results=12, register_results=1)
    with pytest.raises(DataError) as error:
        check(broken)
    assert error.value.message == (
        "The PRISMA counts are inconsistent: "
        "Databases (12) does not equal the sum over databases (11) = 11; "
        "Registers (1) does not equal the sum over registers (2) = 2."
    )
    assert error.value.hint == (
        "Check review.toml [prisma] and the records' links (duplicate_of, study_id)."
    )


def test_an_unfinished_flow_is_refused_with_a_hint_naming_both_ways_on(review: Review) -> None:
    base = flow(review)
    with pytest.raises(DataError) as error:
        check(dataclasses.replace(base, previous_pending=Pending(ta_undecided=[4])))
    assert error.value.message == (
        "The PRISMA flow is not final: 1 record has no title/abstract decision in earlier "
        "rounds (id 4)."
    )
    assert error.value.hint == (
        "Finish screening (screener screen, screener conflicts --resolve), "
        "or pass --allow-incomplete to draw it with the pending numbers marked."
    )


def test_pending_records_of_other_methods_are_counted_with_the_databases(review: Review) -> None:
    base = flow(review)
    pending = dataclasses.replace(base, other_pending=Pending(ft_no_reason=[5]))
    messages = [p.message for p in problems(pending) if p.kind == "incomplete"]
    assert messages == ["1 full-text exclusion has no reason (id 5)"]


def test_the_2009_checks_use_the_2009_boxes_and_keep_the_pending_records(review: Review) -> None:
    base = flow(review)
    warned = dataclasses.replace(base, total_studies=4)  # a 2020 update warning only
    assert check(warned, "2020")[0].startswith("Total studies included (4)")
    assert not any(w.startswith("Total studies") for w in check(warned, "2009"))
    pending = dataclasses.replace(base, dbr_pending=Pending(ft_maybe=[2]))
    found = problems(pending, "2009")
    assert ("incomplete", "1 report has only a 'maybe' at full text (id 2)") in [
        (p.kind, p.message) for p in found
    ]


def test_checked_flow_checks_the_template_it_was_asked_for(review: Review) -> None:
    build_review(review)
    review.protocol_path.write_text("[prisma]\nmeta_analysis_studies = 6\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"Studies included in meta-analysis \(6\) exceeds"):
        checked_flow(review)
    with pytest.raises(
        DataError, match=r"Studies included in quantitative synthesis \(6\) exceeds studies"
    ):
        checked_flow(review, "2009")


def test_checked_flow_refuses_an_unfinished_flow_unless_allowed(review: Review) -> None:
    add_search(review.db, [Record(title="Undecided")])
    with pytest.raises(DataError, match="The PRISMA flow is not final"):
        checked_flow(review)
    _, warnings = checked_flow(review, allow_incomplete=True)
    assert warnings[0] == "pending: 1 record has no title/abstract decision (id 1)"
