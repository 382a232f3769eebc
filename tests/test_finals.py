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
from screener.screening.finals import agreements, finals
from screener.screening.progress import progress
from screener.screening.status import _leaning, _stopping, screening_sequence
from screener.screening.verdict import _current_rows, record_decision, stage_records, verdicts


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
    # ... and the migration's backfill builds the same table from the log
    before = db.execute("select * from decision_current order by 1, 2, 3").fetchall()
    stack = db.execute("select * from decision_stack order by id").fetchall()
    db.execute("drop table decision_current")
    db.execute("drop table decision_stack")
    for name in ("decision_push", "decision_undo", "decisions_never_deleted",
                 "decisions_keep_their_subject"):  # fmt: skip
        db.execute(f"drop trigger {name}")
    _m005_current_decisions(db)
    assert db.execute("select * from decision_current order by 1, 2, 3").fetchall() == before
    assert db.execute("select * from decision_stack order by id").fetchall() == stack

    ta_ref = verdicts(db, "title_abstract", required=required)
    ta = finals(db, "title_abstract", required=required)
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
    # the stopping aid's sequence: each record's leaning as the replay gives it
    assert [
        f.kind
        if f.kind in ("include", "exclude", "maybe")
        else f.lean
        if f.kind == "awaiting"
        else "maybe"
        for f in (ta[rid] for rid in ta if rid in ta_ref and ta[rid].source != "criteria")
    ] == [_leaning(ta_ref[rid]) for rid in ta if rid in ta_ref and ta_ref[rid].source != "criteria"]
    canonical = len(stage_records(db, "title_abstract"))
    sequence = screening_sequence(db, ta_ref)
    stop = _stopping(db, canonical, ta)
    assert (stop is None) == (not sequence)
    if stop is not None:
        assert stop["screened"] == len(sequence)
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
