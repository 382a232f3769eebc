"""The session's rules (no Textual): the screen never moves, resume, undo of any action, notes,
retrieval exclusive with decisions, conflicts mode, labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_screening import build_review

from screener.db import Review, connect, open_review
from screener.dedupe import link
from screener.errors import ScreenerError
from screener.screening.agreement import conflicts
from screener.screening.labels import all_labels, has_label, record_labels, set_label
from screener.screening.session import Session
from screener.screening.verdict import current_decisions, record_decision, verdicts


@pytest.fixture
def rev(tmp_path: Path) -> Review:
    return build_review(tmp_path / "rev")


def rows(rev: Review, sql: str) -> list[tuple[object, ...]]:
    db = connect(rev.path / "review.db")  # a second connection: proves the commit
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_a_ranking_never_changes_the_record_on_screen(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann", order="relevance")
    assert s.current == 1
    s.apply_ranking([7, 6, 5, 4, 3, 2, 1, 0], trained_on=0)  # before any decision, too
    assert s.current == 1
    assert s.order == [1, 8, 7, 6, 5, 4, 3, 2]
    s.decide("include")
    assert s.current == 8  # what comes next follows the ranking
    s.apply_ranking([1, 2, 3], trained_on=1)
    assert s.current == 8 and s.order[:5] == [1, 8, 2, 3, 4]


def test_an_action_acts_on_the_record_the_reviewer_saw(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    seen = s.current
    s.move(3)  # the queue moved (as a ranking or another key might)
    s.decide("exclude", "Not a study", record_id=seen)
    assert rows(rev, "select record_id, decision from decisions") == [(1, "exclude")]
    s.note("looked again", record_id=4)
    assert s.current == 4 and s.notes[4] == "looked again"


def test_resume_at_next_undecided_when_the_stored_record_left_the_stage(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.decide("include")
    s.decide("include")  # record 3 is on screen (stored)
    assert rows(rev, "select value from settings where key like 'position:%'") == [("3",)]
    link(connect(rev.path / "review.db"), 3, 1, "bob")  # elsewhere: 3 becomes a duplicate
    again = Session(open_review(rev.path), "title_abstract", "ann")
    assert again.current == 4


def test_undo_takes_back_a_duplicate_link_then_a_decision(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.decide("include")  # record 1; record 2 is shown
    kept = s.mark_duplicate(5)
    duplicate = 5 if kept == 2 else 2
    assert duplicate not in s.order
    assert s.last_action() == "duplicate"
    assert s.undo() == duplicate
    assert duplicate in s.order and s.current == duplicate
    assert rows(rev, "select count(*) from records where duplicate_of is not null") == [(0,)]
    assert rows(rev, "select status from duplicate_pairs") == [("rejected",)]
    assert s.undo() == 1
    assert current_decisions(rev.db, "title_abstract") == {}
    assert s.undo() is None


def test_not_retrieved_and_a_decision_exclude_each_other_and_undo(rev: Review) -> None:
    for rid in (1, 4, 8):
        record_decision(rev.db, rid, "title_abstract", "ann", "include")
    s = Session(rev, "full_text", "ann")
    s.mark_not_retrieved("Library has no copy")  # record 1
    with pytest.raises(ScreenerError, match="not retrieved"):
        s.decide("exclude", "Wrong outcomes", record_id=1)
    s.decide("include", record_id=4)
    with pytest.raises(ScreenerError, match="has your decision"):
        s.mark_not_retrieved("lost", record_id=4)
    assert s.undo() == 4  # the decision on 4
    assert s.undo() == 1  # the retrieval mark on 1
    assert 1 not in s.not_retrieved
    assert rows(rev, "select record_id, status from retrieval order by id") == [
        (1, "not_retrieved"),
        (1, "retrieved"),
    ]
    s.decide("exclude", "Wrong outcomes", record_id=1)
    assert s.decisions[1].reason == "Wrong outcomes"


def test_a_note_on_an_undecided_record_is_stored_when_typed(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.note("ask Bob about the dose")
    assert rows(rev, "select record_id, note from notes") == [(1, "ask Bob about the dose")]
    again = Session(open_review(rev.path), "title_abstract", "ann")
    assert again.pending_notes == {1: "ask Bob about the dose"}
    again.decide("maybe")
    assert rows(rev, "select note from decisions") == [("ask Bob about the dose",)]
    assert Session(rev, "title_abstract", "bob").notes == {}  # notes are the reviewer's own


def test_conflicts_mode_walks_disagreements_and_records_consensus(rev: Review) -> None:
    for rid, ann, bob in (
        (1, "include", "exclude"),
        (2, "exclude", "exclude"),
        (3, "maybe", "include"),
    ):
        record_decision(rev.db, rid, "title_abstract", "ann", ann, None, "ann's note")
        record_decision(
            rev.db, rid, "title_abstract", "bob", bob, "Not a study" if bob == "exclude" else None
        )
    s = Session(rev, "title_abstract", "cat", conflicts=True)
    assert s.order == [1, 3] and s.current == 1
    votes = s.votes(1)
    assert {w: (d.decision, d.reason, d.note) for w, d in votes.items()} == {
        "ann": ("include", None, "ann's note"),
        "bob": ("exclude", "Not a study", None),
    }
    s.decide("include")
    assert s.current == 3
    assert rows(
        rev,
        "select record_id, reviewer, decision, note, source from decisions"
        " where source = 'consensus'",
    ) == [(1, "consensus", "include", "resolved by cat", "consensus")]
    assert [c.record_id for c in conflicts(rev.db, "title_abstract")] == [3]
    assert verdicts(rev.db, "title_abstract")[1].decision == "include"
    assert s.progress().done == 1 and s.progress().total == 2
    again = Session(open_review(rev.path), "title_abstract", "cat", conflicts=True)
    assert again.order == [1, 3] and again.current == 3  # resolved ones stay, to be changed
    assert Session(rev, "title_abstract", "cat").votes(1) == {}  # screening stays blinded


def test_labels_are_added_removed_and_listed(rev: Review) -> None:
    set_label(rev.db, 1, "  check   dose ", "ann")
    set_label(rev.db, 1, "RCT", "ann")
    set_label(rev.db, 2, "rct", "bob")
    assert record_labels(rev.db) == {1: ["check dose", "RCT"], 2: ["rct"]}
    set_label(rev.db, 1, "rct", "bob", on=False)
    assert record_labels(rev.db, [1]) == {1: ["check dose"]}
    assert has_label(rev.db, 2, "RCT") and not has_label(rev.db, 1, "RCT")
    assert all_labels(rev.db) == ["check dose", "rct"]
    with pytest.raises(ValueError):
        set_label(rev.db, 1, "   ", "ann")


def test_the_apps_done_and_total_are_statuss_done_and_queue(rev: Review) -> None:
    from screener.screening.progress import progress

    for rid in (1, 2):
        record_decision(
            rev.db, rid, "title_abstract", "criteria", "exclude", "Before 2011", None, "criteria"
        )
    record_decision(rev.db, 2, "title_abstract", "bob", "include")  # a human wins: 2 is queued
    record_decision(rev.db, 3, "title_abstract", "bob", "exclude")
    s = Session(rev, "title_abstract", "ann")
    s.decide("include", record_id=3)
    s.decide("maybe", record_id=2)
    s.jump(1)  # an automated exclusion opened, not decided: still out of the queue
    theirs = progress(rev.db, "title_abstract", required=1, reviewer="ann").reviewers["ann"]
    assert (s.progress().done, s.progress().total) == (theirs.done, theirs.queue) == (2, 7)
    s.decide("include", record_id=1)  # decided: in everyone's queue now
    theirs = progress(rev.db, "title_abstract", required=1, reviewer="ann").reviewers["ann"]
    assert (s.progress().done, s.progress().total) == (theirs.done, theirs.queue) == (3, 8)
    for rid in (4, 5):
        record_decision(rev.db, rid, "title_abstract", "ann", "include")
    s = Session(rev, "full_text", "ann")
    s.mark_not_retrieved("no copy", record_id=4)
    s.decide("include", record_id=5)
    theirs = progress(rev.db, "full_text", required=1, reviewer="ann").reviewers["ann"]
    assert (s.progress().done, s.progress().total) == (theirs.done, theirs.queue)
