from __future__ import annotations

from builders import add_search

from screener.db import Review
from screener.record import Record
from screener.screening.verdict import (
    current_decisions,
    included,
    not_retrieved,
    record_decision,
    stage_records,
    verdicts,
)


def _records(review: Review, n: int) -> list[int]:
    return add_search(review.db, [Record(title=f"T{i}") for i in range(n)])


def test_undo_pops_the_reviewers_stack(review: Review) -> None:
    a, b = _records(review, 2)
    db = review.db
    record_decision(db, a, "title_abstract", "ann", "include")
    record_decision(db, a, "title_abstract", "ann", "exclude", reason="Wrong population")
    record_decision(db, a, "title_abstract", "ann", "undo")
    assert current_decisions(db, "title_abstract")[a]["ann"].decision == "include"
    record_decision(db, a, "title_abstract", "ann", "undo")
    record_decision(db, b, "title_abstract", "ann", "undo")  # nothing to undo: no effect
    assert current_decisions(db, "title_abstract") == {}


def test_final_verdicts_agreement_conflict_consensus_automation(review: Review) -> None:
    a, b, c, d, e = _records(review, 5)
    db = review.db
    ta = "title_abstract"
    record_decision(db, a, ta, "ann", "include")
    record_decision(db, a, ta, "bob", "include")
    record_decision(db, b, ta, "ann", "include")
    record_decision(db, b, ta, "bob", "exclude", reason="Wrong design")
    record_decision(db, c, ta, "ann", "exclude", reason="Wrong population")
    record_decision(db, c, ta, "bob", "maybe")
    record_decision(db, c, ta, "consensus", "maybe", source="consensus")
    record_decision(db, d, ta, "criteria", "exclude", reason="Year", source="criteria")
    record_decision(db, e, ta, "criteria", "exclude", reason="Year", source="criteria")
    record_decision(db, e, ta, "ann", "include")
    final = verdicts(db, ta)
    assert (final[a].decision, final[a].conflict) == ("include", False)
    assert (final[b].decision, final[b].conflict) == (None, True)
    assert final[b].reviewers == {"ann": "include", "bob": "exclude"}
    assert (final[c].decision, final[c].source) == ("maybe", "consensus")
    assert (final[d].decision, final[d].source, final[d].reason) == ("exclude", "criteria", "Year")
    assert (final[e].decision, final[e].source) == ("include", "human")
    # a and c (include, maybe) and e go on to full text; the conflict b does not
    assert stage_records(db, "full_text") == [a, c, e]


def test_included_needs_full_text_include_and_retrieval(review: Review) -> None:
    a, b, c = _records(review, 3)
    db = review.db
    for rid in (a, b, c):
        record_decision(db, rid, "title_abstract", "ann", "include")
    record_decision(db, a, "full_text", "ann", "include")
    record_decision(db, b, "full_text", "ann", "include")
    record_decision(db, c, "full_text", "ann", "exclude", reason="Wrong outcomes")
    db["retrieval"].insert({"record_id": b, "status": "not_retrieved", "reason": "No access"})
    assert not_retrieved(db) == {b: "No access"}
    assert included(db) == [a]
    # a duplicate never counts, even with decisions on it
    db.execute("update records set duplicate_of = ? where id = ?", [b, a])
    assert included(db) == []
