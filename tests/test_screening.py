"""Screening logic without Textual: queue, resume, undo, blinding, progress, notes, search."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import add_search
from conftest import DATA

from screener.db import Review, connect, init_review, open_review
from screener.dedupe import deduplicate
from screener.keywords import keyword_spans
from screener.ranking.keyword_order import KeywordRanker
from screener.record import Record
from screener.screening.fulltext import full_text_location
from screener.screening.session import Session
from screener.screening.verdict import current_decisions, record_decision, verdicts

FIXTURE = DATA / "screening"


def build_review(folder: Path, records: list[dict[str, object]] | None = None) -> Review:
    """The small test review: tests/data/screening/review.toml and its records (ids 1..8)."""
    review = init_review(folder, title="test")
    shutil.copy(FIXTURE / "review.toml", review.protocol_path)
    rows = records or json.loads((FIXTURE / "records.json").read_text(encoding="utf-8"))
    add_search(review.db, [Record(**r) for r in rows])  # type: ignore[arg-type]
    return review


@pytest.fixture
def rev(tmp_path: Path) -> Review:
    return build_review(tmp_path / "rev")


def test_queue_starts_at_first_record_in_file_order(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    assert s.order == [1, 2, 3, 4, 5, 6, 7, 8]
    assert s.current == 1
    assert s.progress().done == 0 and s.progress().total == 8


def test_decisions_are_committed_and_advance(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.decide("include")
    s.decide("exclude", "Wrong population")
    s.decide("maybe")
    assert s.current == 4
    other = connect(rev.path / "review.db")  # a second connection sees every write at once
    rows = other.execute(
        "select record_id, decision, reason, reviewer, source from decisions order by id"
    ).fetchall()
    assert rows == [
        (1, "include", None, "ann", "human"),
        (2, "exclude", "Wrong population", "ann", "human"),
        (3, "maybe", None, "ann", "human"),
    ]
    p = s.progress()
    assert (p.done, p.included, p.excluded, p.maybe, p.streak) == (3, 1, 1, 1, 0)


def test_resume_at_the_record_on_screen(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    for _ in range(3):
        s.decide("exclude")
    s.move(2)  # look ahead, decide record 6 out of order: record 7 is shown
    s.decide("include")
    again = Session(open_review(rev.path), "title_abstract", "ann")
    assert again.current == 7
    assert again.next_undecided(0) == again.order.index(4)
    assert set(again.decisions) == {1, 2, 3, 6}
    assert again.progress().done == 4


def test_streak_counts_consecutive_excludes(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.decide("exclude")
    s.decide("include")
    s.decide("exclude")
    s.decide("exclude")
    assert s.streak == 2
    assert Session(rev, "title_abstract", "ann").streak == 2
    s.undo()
    assert s.streak == 1


def test_undo_appends_a_row_and_returns_to_the_record(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.decide("include")
    s.decide("exclude", "Not a study")
    assert s.current == 3
    assert s.undo() == 2
    assert s.current == 2
    assert 2 not in s.decisions
    assert s.progress().excluded == 0
    log = rev.db.execute("select record_id, decision from decisions order by id").fetchall()
    assert log == [(1, "include"), (2, "exclude"), (2, "undo")]
    assert s.undo() == 1
    assert s.undo() is None
    assert current_decisions(rev.db, "title_abstract") == {}


def test_undo_of_a_changed_decision_restores_the_earlier_one(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.decide("include")
    s.jump(1)
    s.decide("exclude", "Wrong population")
    assert s.counts["include"] == 0 and s.counts["exclude"] == 1
    s.undo()
    assert s.decisions[1].decision == "include"
    assert (s.progress().included, s.progress().excluded) == (1, 0)


def test_blinding_other_reviewers_decisions_are_not_seen(rev: Review) -> None:
    record_decision(rev.db, 1, "title_abstract", "bob", "exclude", "Wrong population")
    record_decision(rev.db, 2, "title_abstract", "bob", "include")
    s = Session(rev, "title_abstract", "ann")
    assert s.decisions == {}
    assert s.current == 1
    assert s.progress().done == 0
    assert [h.decision for h in s.search("mice")] == [None]


def test_criteria_exclusions_are_shown_and_skipped(rev: Review) -> None:
    record_decision(
        rev.db, 1, "title_abstract", "criteria", "exclude", "Before 2011", None, "criteria"
    )
    s = Session(rev, "title_abstract", "ann")
    assert 1 not in s.order and s.current == 2
    assert s.automated[1].reason == "Before 2011"
    assert s.progress().automated == 1 and s.progress().total == 7
    shown = Session(rev, "title_abstract", "bob", include_automated=True)
    assert shown.current == 1


def test_random_order_is_seeded(rev: Review) -> None:
    a = Session(rev, "title_abstract", "ann", order="random", seed=7)
    b = Session(rev, "title_abstract", "ann", order="random", seed=7)
    assert a.order == b.order and sorted(a.order) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert a.order != list(range(1, 9))


def test_note_on_undecided_record_is_saved_with_its_decision(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.note("check the dose")
    s.decide("maybe")
    s.jump(1)
    s.note("dose is 0.1 mg/kg")
    rows = rev.db.execute("select decision, note from decisions order by id").fetchall()
    assert rows == [("maybe", "check the dose"), ("maybe", "dose is 0.1 mg/kg")]
    assert s.decisions[1].note == "dose is 0.1 mg/kg"


def test_search_by_words_id_pmid_and_doi(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    assert [h.record_id for h in s.search("dermatomyositis")] == [3, 4, 6, 7, 8]
    assert [h.record_id for h in s.search("5")] == [5]
    assert [h.record_id for h in s.search("90000008")] == [8]
    assert [h.record_id for h in s.search("https://doi.org/10.1000/TEST.0003")] == [3]
    assert [h.record_id for h in s.search("他克莫司")] == [4]
    assert s.search("   ") == []
    s.jump(7)
    assert s.current == 7


def test_finished_and_end_of_queue(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    for _ in range(8):
        s.decide("exclude")
    assert s.finished
    assert s.summary() == (
        "ann screened 8 of 8 records at title/abstract (0 included, 8 excluded, 0 maybe); 0 left."
    )


def test_full_text_stage_and_retrieval(rev: Review) -> None:
    for rid in (1, 4, 8):
        record_decision(rev.db, rid, "title_abstract", "ann", "include")
    (rev.path / "fulltext").mkdir()
    (rev.path / "fulltext" / "90000008.pdf").write_bytes(b"%PDF-1.4")
    s = Session(rev, "full_text", "ann")
    assert s.order == [1, 4, 8]
    s.mark_not_retrieved("Not held by the library")
    assert s.current == 4
    assert rev.db.execute(
        "select record_id, status, reason, location from retrieval"
    ).fetchall() == [
        (1, "not_retrieved", "Not held by the library", "https://doi.org/10.1000/test.0001")
    ]
    assert Session(rev, "full_text", "bob").current == 4  # retrieval is shared, not blinded
    loc = full_text_location(rev.path, s.record(8), 8)
    assert loc == {
        "pdf": str(rev.path / "fulltext" / "90000008.pdf"),
        "doi": "https://doi.org/10.1000/test.0008",
        "pubmed": "https://pubmed.ncbi.nlm.nih.gov/90000008/",
        "url": "https://example.org/ochi2016",
    }
    with pytest.raises(ValueError):
        Session(rev, "title_abstract", "ann").mark_not_retrieved("x")


def test_two_reviewers_writing_interleaved_lose_nothing(rev: Review) -> None:
    ann = Session(open_review(rev.path), "title_abstract", "ann")
    bob = Session(open_review(rev.path), "title_abstract", "bob")
    for _ in range(8):
        ann.decide("include")
        bob.decide("exclude")
    final = verdicts(connect(rev.path / "review.db"), "title_abstract")
    assert len(final) == 8 and all(v.conflict for v in final.values())
    count = rev.db.execute("select reviewer, count(*) from decisions group by reviewer").fetchall()
    assert count == [("ann", 8), ("bob", 8)]


def test_keyword_spans_wildcards_and_cjk() -> None:
    text = "Myositis and dermatomyositis in mice; 他克莫司 treatment, a review."
    spans = keyword_spans(text, ["myositis*", "dermatomyositis", "他克莫司"], ["mice", "review"])
    assert [(text[a:b], kind) for a, b, kind in spans] == [
        ("Myositis", "include"),
        ("dermatomyositis", "include"),
        ("mice", "exclude"),
        ("他克莫司", "include"),
        ("review", "exclude"),
    ]
    assert keyword_spans("premice", [], ["mice"]) == []
    assert keyword_spans("A case\nreport.", [], ["case report"]) == [(2, 13, "exclude")]


def test_keyword_ranker_orders_unlabelled_by_term_hits() -> None:
    texts = ["mice only", "tacrolimus myositis", "nothing", "tacrolimus"]
    ranker = KeywordRanker(texts, ["tacrolimus", "myositis"], ["mice"])
    ranker.fit({3: True})
    assert ranker.order() == [1, 2, 0]
    assert ranker.explain(1) == [("tacrolimus", 1.0), ("myositis", 1.0)]


def test_relevance_ranking_reorders_only_what_is_ahead(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann", order="relevance")
    s.decide("include")  # record 1
    s.apply_ranking([7, 3, 2, 1, 0], trained_on=1)  # indices into stage_ids
    assert s.order[:2] == [1, 2]
    assert s.order[2:6] == [8, 4, 3, 5]
    assert s.current == 2 and s.trained_on == 1


def test_mark_duplicate_links_through_dedupe_and_leaves_the_queue(rev: Review) -> None:
    s = Session(rev, "title_abstract", "ann")
    s.decide("include")  # record 1
    s.decide("exclude")  # record 2; record 3 is shown
    assert s.mark_duplicate(1) == 1  # the screened record is kept
    assert 3 not in s.order and s.current == 4
    p = s.progress()
    assert (p.done, p.total, p.included, p.excluded) == (2, 7, 1, 1)
    assert [h.record_id for h in s.search("dermatomyositis")] == [4, 6, 7, 8]
    s.jump(2)
    assert s.mark_duplicate(5) == 2  # the current record is kept: the other one leaves
    assert s.current == 2 and s.order == [1, 2, 4, 6, 7, 8]
    assert s.progress().total == 6
    with pytest.raises(ValueError):
        s.mark_duplicate(2)
    deduplicate(rev.db)  # a later dedupe run honours the links
    rows = rev.db.execute("select id, duplicate_of from records where duplicate_of is not null")
    assert rows.fetchall() == [(3, 1), (5, 2)]
    again = Session(open_review(rev.path), "title_abstract", "ann")
    assert again.order == [1, 2, 4, 6, 7, 8] and again.current == 2  # the record on screen


def test_importing_screening_does_not_import_textual() -> None:
    code = (
        "import sys, screener.screening.session, screener.keywords, screener.commands.screen\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
