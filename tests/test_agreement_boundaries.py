"""Agreement and conflicts at their edges: the full-text stage with two required reviewers, a
pair with nothing in common, records without a title, what resolve and unresolve store.

Each case was found by mutation testing (bench/mutation.py): a small change to
screener/screening/agreement.py that the rest of the suite did not notice.
"""

from __future__ import annotations

import pytest
from builders import add_search

from screener.db import Review
from screener.errors import DataError
from screener.record import Record
from screener.screening.agreement import agreement, conflicts, pairwise, resolve, unresolve
from screener.screening.verdict import record_decision

TA, FT = "title_abstract", "full_text"


def two_stage(review: Review) -> list[int]:
    """Four records. At title/abstract ann and bob include 1 and 3; ann alone includes 0 and 2
    (awaiting bob when the protocol wants two reviewers). At full text ann and bob decide all
    four: they agree on 0 and 1 and disagree on 2 and 3."""
    ids = add_search(review.db, [Record(title=f"Study {i}", year=2000 + i) for i in range(4)])
    for rid in ids:
        record_decision(review.db, rid, TA, "ann", "include")
    for rid in (ids[1], ids[3]):
        record_decision(review.db, rid, TA, "bob", "include")
    for rid, a, b in zip(
        ids,
        ["include", "include", "include", "include"],
        ["include", "include", "exclude", "exclude"],
        strict=True,
    ):
        record_decision(review.db, rid, FT, "ann", a)
        record_decision(
            review.db, rid, FT, "bob", b, reason="Wrong design" if b == "exclude" else None
        )
    return ids


def test_full_text_agreement_counts_only_the_records_at_full_text(review: Review) -> None:
    two_stage(review)
    # one reviewer per record (the default): all four passed title/abstract
    assert agreement(review.db, FT, "ann", "bob").n == 4
    assert agreement(review.db, FT, "ann", "bob", required=1).table == ((2, 2), (0, 0))
    # two reviewers per record: only 1 and 3 passed; 0 and 2 still await bob
    both = agreement(review.db, FT, "ann", "bob", required=2)
    assert (both.n, both.agree, both.table) == (2, 1, ((1, 1), (0, 0)))
    pairs = pairwise(review.db, FT, required=2)
    assert [(p.a, p.b, p.n, p.agree) for p in pairs] == [("ann", "bob", 2, 1)]
    assert [(p.n, p.agree) for p in pairwise(review.db, FT)] == [(4, 2)]


def test_full_text_conflicts_are_those_of_the_records_at_full_text(review: Review) -> None:
    ids = two_stage(review)
    assert [c.record_id for c in conflicts(review.db, FT)] == [ids[2], ids[3]]
    found = conflicts(review.db, FT, required=2)
    assert [c.record_id for c in found] == [ids[3]]
    assert {w: d.decision for w, d in found[0].decisions.items()} == {
        "ann": "include",
        "bob": "exclude",
    }


def test_records_decided_before_they_left_the_stage_are_skipped_not_the_rest(
    review: Review,
) -> None:
    ids = add_search(review.db, [Record(title=f"S{i}") for i in range(3)])
    for rid in ids:  # record 0 is decided first, then found to duplicate record 1
        record_decision(review.db, rid, TA, "ann", "include")
        record_decision(review.db, rid, TA, "bob", "exclude")
    review.db.execute("update records set duplicate_of = ? where id = ?", [ids[1], ids[0]])
    review.db.conn.commit()
    result = agreement(review.db, TA, "ann", "bob")
    assert (result.n, result.table) == (2, ((0, 2), (0, 0)))
    assert [(p.n, p.agree) for p in pairwise(review.db, TA)] == [(2, 0)]


def test_a_pair_that_shares_no_record_has_no_agreement_figures(review: Review) -> None:
    ids = add_search(review.db, [Record(title="One"), Record(title="Two")])
    record_decision(review.db, ids[0], TA, "ann", "include")
    record_decision(review.db, ids[1], TA, "bob", "exclude")
    result = agreement(review.db, TA, "ann", "bob")
    assert (result.n, result.agree, result.percent, result.kappa) == (0, 0, None, None)
    assert pairwise(review.db, TA) == []


def test_a_conflict_on_a_record_without_a_title_has_an_empty_title(review: Review) -> None:
    (rid,) = add_search(review.db, [Record(title=None, journal="J Untitled", year=1999)])
    record_decision(review.db, rid, TA, "ann", "include")
    record_decision(review.db, rid, TA, "bob", "exclude")
    (found,) = conflicts(review.db, TA)
    assert (found.title, found.year) == ("", 1999)


def test_resolve_refuses_with_messages_that_name_the_problem(review: Review) -> None:
    (rid,) = add_search(review.db, [Record(title="One")])
    with pytest.raises(ValueError, match="unknown stage 'screening'"):
        resolve(review.db, rid, "screening", "include")
    with pytest.raises(ValueError, match="unknown decision 'perhaps'"):
        resolve(review.db, rid, TA, "perhaps")
    with pytest.raises(DataError) as error:
        resolve(review.db, rid, FT, "exclude", reason="  ")
    assert str(error.value) == "A full-text exclusion needs a reason."


def test_resolve_and_unresolve_store_exactly_who_and_why(review: Review) -> None:
    (rid,) = add_search(review.db, [Record(title="One")])
    resolve(review.db, rid, TA, "include")  # nobody named, no note: no note at all
    resolve(review.db, rid, TA, "maybe", note=" call on Monday ")
    resolve(review.db, rid, TA, "exclude", reason="Not a study", by="lead")
    unresolve(review.db, rid, TA)
    rows = review.db.execute(
        "select reviewer, decision, reason, note, source from decisions order by id"
    ).fetchall()
    assert rows == [
        ("consensus", "include", None, None, "consensus"),
        ("consensus", "maybe", None, "call on Monday", "consensus"),
        ("consensus", "exclude", "Not a study", "resolved by lead", "consensus"),
        ("consensus", "undo", None, None, "consensus"),
    ]
