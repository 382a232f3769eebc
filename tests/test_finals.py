"""The SQL counts (screener.screening.finals, the decision_current table kept by triggers)
against the Python replay of the log they replaced (screener.screening.verdict, and the old
progress and flow kept in tests/reference_counts.py): random logs with undo, conflicts,
consensus, reviewers awaited, automation, duplicates linked after decisions, reports not
retrieved, 1 to 3 reviewers required."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict

import pytest
import sqlite_utils
from builders import add_search
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_counts import reference_flow, reference_progress
from test_verdict_properties import STAGES, WHO, Event, events

from screener.db import _m005_current_decisions, connect
from screener.prisma.counts import PrismaSettings, compute_flow
from screener.record import Record
from screener.screening.agreement import pairwise
from screener.screening.finals import (
    agreements,
    finals,
    not_at_stage,
    reviewer_counts,
    stopping_sequence,
)
from screener.screening.progress import progress
from screener.screening.status import _leaning, _stopping, screening_sequence
from screener.screening.verdict import _current_rows, record_decision, stage_records, verdicts
from screener.verdict_tables import TALLY_KEY, m006_verdict_summary

TABLES = ("decision_current", "decision_stack", "verdict_summary", "verdict_tally",
          "decision_reviewers", "reviewer_tally", "pair_tally")  # fmt: skip
TALLIES = ("verdict_tally", "decision_reviewers", "reviewer_tally", "pair_tally")


def assert_tables_as_rebuilt(db: sqlite_utils.Database) -> None:
    """The tables kept by triggers hold what the migrations build from the log (tally rows
    brought down to 0 by undo aside)."""
    key = ", ".join(c if c in ("stage", "humans", "agree") else f"coalesce({c}, '')"
                    for c in TALLY_KEY)  # fmt: skip
    assert (
        db.execute(f"select {key}, n from verdict_tally where n <> 0 order by {key}").fetchall()
        == db.execute(
            f"select {key}, count(*) from verdict_summary group by {key} order by {key}"
        ).fetchall()
    )
    before = {t: sorted(db.execute(f"select * from {t}").fetchall()) for t in TABLES}
    for table in TABLES:
        db.execute(f"drop table {table}")
    for name in ("decision_push", "decision_undo", "decisions_never_deleted",
                 "decisions_keep_their_subject", "verdict_decision_changed",
                 "decision_reviewer_seen", "decision_reviewer_edited",
                 "tallies_decision_edited"):  # fmt: skip
        db.execute(f"drop trigger {name}")
    _m005_current_decisions(db)
    m006_verdict_summary(db)
    after = {t: sorted(db.execute(f"select * from {t}").fetchall()) for t in TABLES}
    for table in TALLIES:
        assert all(row[-1] > 0 for row in after[table])
        before[table] = [row for row in before[table] if row[-1]]
    assert after == before


def _kind(v: object) -> str:
    return "conflict" if v.conflict else "awaiting" if v.awaiting else str(v.decision)  # type: ignore[attr-defined]


def _build(
    log: list[Event], dup: tuple[int, int] | None, missing: set[int]
) -> tuple[sqlite_utils.Database, list[int]]:
    db = connect(":memory:")
    ids = add_search(db, [Record(title=f"T{i}") for i in range(6)])
    half = len(log) // 2
    for i, e in enumerate(log):
        if i == half and dup is not None:  # a duplicate found mid-screening
            db.execute(
                "update records set duplicate_of = ? where id = ?", [ids[dup[1]], ids[dup[0]]]
            )
        record_decision(
            db, ids[e.record], e.stage, e.reviewer, e.decision, e.reason, None, WHO[e.reviewer]
        )
    for i in sorted(missing):
        db.execute(
            "insert into retrieval (record_id, status, reason) values (?, 'not_retrieved', 'x')",
            [ids[i]],
        )
    return db, ids


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    log=st.lists(events, max_size=50),
    required=st.integers(1, 3),
    dup=st.sampled_from([None, (3, 0), (5, 2)]),
    missing=st.sets(st.integers(0, 5), max_size=2),
    cumulative=st.booleans(),
)
def test_sql_counts_equal_the_python_replay(
    log: list[Event],
    required: int,
    dup: tuple[int, int] | None,
    missing: set[int],
    cumulative: bool,
) -> None:
    db, _ = _build(log, dup, missing)
    # the table kept by the triggers holds the top of every stack the replay finds
    for stage in STAGES:
        replay = {key: row[0] for key, row in _current_rows(db, stage).items()}
        table = {
            (rid, who): top
            for rid, who, top in db.execute(
                "select record_id, reviewer, top from decision_current where stage = ?"
                " and top is not null",
                [stage],
            )
        }
        assert table == replay
    assert_tables_as_rebuilt(db)
    ta_ref = verdicts(db, "title_abstract", required=required)
    for stage, ref in (
        ("title_abstract", ta_ref),
        ("full_text", verdicts(db, "full_text", required=required)),
    ):
        got = finals(db, stage, required=required)
        assert set(got) == set(ref)
        for rid, v in ref.items():
            f = got[rid]
            assert (f.kind, f.reason, f.source) == (_kind(v), v.reason, v.source)
        assert asdict(progress(db, stage, required=required)) == asdict(
            reference_progress(db, stage, required=required)
        )
        assert asdict(progress(db, stage, required=required, reviewer="bob")) == asdict(
            reference_progress(db, stage, required=required, reviewer="bob")
        )
        eligible = set(stage_records(db, stage, required=required))
        assert agreements(db, stage, eligible) == pairwise(db, stage, required=required)
        assert agreements(db, stage, skip=not_at_stage(db, stage, required)) == pairwise(
            db, stage, required=required
        )
    # the stopping aid's sequence: each record's leaning as the replay gives it, in the order
    # people first screened the records (read from the log here)
    order = [
        rid
        for rid, _ in db.execute(
            "select record_id, min(id) from decisions where stage = 'title_abstract'"
            " and source != 'criteria' group by record_id order by 2"
        )
    ]
    sequence = [
        _leaning(ta_ref[rid]) for rid in order if rid in ta_ref and ta_ref[rid].source != "criteria"
    ]
    assert screening_sequence(db, ta_ref) == sequence
    assert [
        kind if kind in ("include", "exclude", "maybe") else lean if kind == "awaiting" else "maybe"
        for kind, lean in stopping_sequence(db, required)
    ] == sequence
    ta_progress = progress(db, "title_abstract", required=required)
    stop = _stopping(
        db,
        {"records": ta_progress.records, "final": {"by_criteria": ta_progress.by_criteria}},
        required,
    )
    assert (stop is None) == (not sequence)
    if stop is not None:
        assert stop["screened"] == len(sequence)
        assert stop["total"] == ta_progress.records - ta_progress.by_criteria
    flow_settings = PrismaSettings(reviewers=required)
    assert asdict(compute_flow(db, cumulative=cumulative, settings=flow_settings)) == asdict(
        reference_flow(db, cumulative=cumulative, settings=flow_settings)
    )
    db.close()


def test_decisions_stay_an_append_only_log() -> None:
    db = connect(":memory:")
    ids = add_search(db, [Record(title="A"), Record(title="B")])
    first = record_decision(db, ids[0], "title_abstract", "ann", "include")
    record_decision(db, ids[0], "title_abstract", "ann", "undo")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("delete from decisions where id = ?", [first])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("update decisions set record_id = ? where id = ?", [ids[1], first])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("update decisions set decision = 'undo' where id = ?", [first])
    db.execute("update decisions set decision = 'exclude' where id = ?", [first])  # allowed
    assert db.execute("select count(*) from decisions").fetchone()[0] == 2


def test_reviewer_counts_of_one_reviewer_hold_only_theirs() -> None:
    db = connect(":memory:")
    ids = add_search(db, [Record(title="A"), Record(title="B")])
    record_decision(db, ids[0], "title_abstract", "ann", "exclude", "R1")
    record_decision(db, ids[1], "title_abstract", "ann", "include")
    record_decision(db, ids[0], "title_abstract", "bob", "exclude", "R1")
    assert reviewer_counts(db, "title_abstract", set(), "bob") == {"bob": {("exclude", "R1"): 1}}
    assert reviewer_counts(db, "title_abstract", {ids[1]}) == {
        "ann": {("exclude", "R1"): 1},
        "bob": {("exclude", "R1"): 1},
    }


def test_an_edited_decision_moves_the_tables_kept_by_triggers() -> None:
    """Decision rows may be edited (decision, reason, source): the summary and the tallies
    follow, whether the row is someone's current decision or not."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title="A"), Record(title="B")])
    a = record_decision(db, ids[0], "title_abstract", "ann", "include")
    record_decision(db, ids[0], "title_abstract", "bob", "exclude", "R1")
    c = record_decision(db, ids[0], "title_abstract", "cat", "exclude", "R2")
    record_decision(db, ids[0], "title_abstract", "cat", "exclude", "R1")  # covers row c
    record_decision(db, ids[1], "title_abstract", "criteria", "exclude", "Year", None, "criteria")
    before = agreements(db, "title_abstract", {ids[0], ids[1]})
    assert [(x.a, x.b, x.table) for x in before] == [
        ("ann", "bob", ((0, 1), (0, 0))),
        ("ann", "cat", ((0, 1), (0, 0))),
        ("bob", "cat", ((0, 0), (0, 1))),
    ]
    db.execute("update decisions set decision = 'exclude', reason = 'R2' where id = ?", [a])
    db.execute("update decisions set reason = 'R3' where id = ?", [c])  # not current
    db.execute("update decisions set source = 'human' where record_id = ?", [ids[1]])
    assert_tables_as_rebuilt(db)
    assert [(x.a, x.b, x.table) for x in agreements(db, "title_abstract", set(ids))] == [
        ("ann", "bob", ((0, 0), (0, 1))),
        ("ann", "cat", ((0, 0), (0, 1))),
        ("bob", "cat", ((0, 0), (0, 1))),
    ]
    p = progress(db, "title_abstract", required=1)
    assert (p.excluded, p.by_criteria, p.excluded_by_reason) == (2, 0, {"R2": 1, "Year": 1})
    assert sorted(p.reviewers) == ["ann", "bob", "cat", "criteria"]
