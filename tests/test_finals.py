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


# (record, stage, reviewer, decision, reason, source): each record's summary row differs from
# another's in one tally column only (stage, humans, agree, decision, source, reason, consensus
# decision and reason, automation decision and reason); records 10, 14 and 17 hold an empty
# reason where 8, 12 and 2 hold none; 15 and 16 have two consensus and two automation reviewers;
# 18's reason is named X (a protocol's reasons are any names)
TA, FT = "title_abstract", "full_text"
ONE_COLUMN_APART = [
    (0, TA, "ann", "include", None, "human"),
    (0, FT, "ann", "include", None, "human"),
    (1, TA, "ann", "include", None, "human"),
    (1, TA, "bob", "include", None, "human"),
    (2, TA, "ann", "exclude", None, "human"),
    (2, TA, "bob", "include", None, "human"),
    (3, TA, "ann", "maybe", None, "human"),
    (4, TA, "ann", "include", None, "import"),
    (5, TA, "ann", "exclude", "R1", "human"),
    (6, TA, "ann", "exclude", "R2", "human"),
    *[(r, TA, "ann", "include", None, "human") for r in (7, 8, 9, 10)],
    (7, TA, "consensus", "include", None, "consensus"),
    (8, TA, "consensus", "exclude", None, "consensus"),
    (9, TA, "consensus", "exclude", "R1", "consensus"),
    (10, TA, "consensus", "exclude", "", "consensus"),
    (11, TA, "criteria", "include", None, "criteria"),
    (12, TA, "criteria", "exclude", None, "criteria"),
    (13, TA, "criteria", "exclude", "Year", "criteria"),
    (14, TA, "criteria", "exclude", "", "criteria"),
    (15, TA, "consensus", "exclude", "R1", "consensus"),
    (15, TA, "lead", "include", None, "consensus"),
    (16, TA, "criteria", "exclude", "Year", "criteria"),
    (16, TA, "lang", "exclude", "Lang", "criteria"),
    (17, TA, "ann", "exclude", "", "human"),
    (18, TA, "ann", "exclude", "X", "human"),
]


def test_tables_of_a_log_whose_records_differ_in_one_column_hold_hand_counted_rows() -> None:
    """Worked by hand: the tallies and verdicts of ONE_COLUMN_APART, kept by the triggers and
    rebuilt by the migration's fill (every column of a tally's key tells records apart; the
    latest of two consensus or automation rows decides)."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title=f"T{i}") for i in range(19)])
    for r, stage, who, decision, reason, source in ONE_COLUMN_APART:
        record_decision(db, ids[r], stage, who, decision, reason, None, source)
    h, c, a = "human", "consensus", "criteria"
    expected_ta = {
        0: ("include", None, h),
        1: ("include", None, h),
        2: ("conflict", None, h),
        3: ("maybe", None, h),
        4: ("include", None, "import"),
        5: ("exclude", "R1", h),
        6: ("exclude", "R2", h),
        7: ("include", None, c),
        8: ("exclude", None, c),
        9: ("exclude", "R1", c),
        10: ("exclude", "", c),
        11: ("include", None, a),
        12: ("exclude", None, a),
        13: ("exclude", "Year", a),
        14: ("exclude", "", a),
        15: ("include", None, c),
        16: ("exclude", "Lang", a),
        17: ("exclude", None, h),
        18: ("exclude", "X", h),
    }

    def check() -> None:
        got = finals(db, TA, required=1)
        assert {ids.index(rid): (f.kind, f.reason, f.source) for rid, f in got.items()} == (
            expected_ta
        )
        full_text = finals(db, FT, required=1, eligible=set(ids))
        assert {ids.index(r): (f.kind, f.source) for r, f in full_text.items()} == {
            0: ("include", h)
        }
        # 20 summary rows; 8 and 10, 12 and 14 share a key ('' and none alike): 18 cells
        tally = db.execute("select n from verdict_tally where n <> 0 order by n").fetchall()
        assert [n for (n,) in tally] == [1] * 16 + [2, 2]
        assert sorted(db.execute("select * from decision_reviewers where n <> 0")) == [
            ("ann", "human", 13), ("ann", "import", 1), ("bob", "human", 2),
            ("consensus", "consensus", 5), ("criteria", "criteria", 5),
            ("lang", "criteria", 1), ("lead", "consensus", 1),
        ]  # fmt: skip
        assert sorted(db.execute("select * from reviewer_tally where n <> 0")) == [
            (FT, "ann", "include", "", 1), (TA, "ann", "exclude", "", 2),
            (TA, "ann", "exclude", "R1", 1), (TA, "ann", "exclude", "R2", 1),
            (TA, "ann", "exclude", "X", 1),
            (TA, "ann", "include", "", 7), (TA, "ann", "maybe", "", 1),
            (TA, "bob", "include", "", 2),
        ]  # fmt: skip
        assert sorted(db.execute("select * from pair_tally where n <> 0")) == [
            (TA, "ann", "bob", 0, 0, 1), (TA, "ann", "bob", 1, 0, 1)
        ]  # fmt: skip

    check()
    assert_tables_as_rebuilt(db)
    check()


def test_pair_tally_of_a_hand_log_counts_each_pair_of_people_once() -> None:
    """Worked by hand: the 2x2 cells of every pair of human reviewers (import included), not
    of consensus or automation, each pair once whoever decided first, kept by the triggers and
    rebuilt by the fill."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title=f"T{i}") for i in range(5)])
    for r, who, decision, source in [
        (0, "ann", "exclude", "human"),
        (0, "bob", "include", "human"),
        (0, "cat", "exclude", "human"),
        (0, "imp", "include", "import"),
        (0, "criteria", "exclude", "criteria"),
        (0, "consensus", "include", "consensus"),
        (1, "ann", "include", "human"),
        (1, "bob", "exclude", "human"),
        (2, "bob", "exclude", "human"),
        (2, "ann", "include", "human"),
        (3, "ann", "include", "human"),
        (3, "bob", "include", "human"),
        (4, "fay", "exclude", "human"),
        (4, "eve", "include", "import"),  # an import reviewer first by name
    ]:
        record_decision(db, ids[r], TA, who, decision, None, None, source)
    expected = [
        (TA, "ann", "bob", 0, 0, 1), (TA, "ann", "bob", 0, 1, 2), (TA, "ann", "bob", 1, 0, 1),
        (TA, "ann", "cat", 1, 1, 1),
        (TA, "ann", "imp", 1, 0, 1), (TA, "bob", "cat", 0, 1, 1), (TA, "bob", "imp", 0, 0, 1),
        (TA, "cat", "imp", 1, 0, 1), (TA, "eve", "fay", 0, 1, 1),
    ]  # fmt: skip
    assert sorted(db.execute("select * from pair_tally where n <> 0")) == expected
    assert_tables_as_rebuilt(db)
    assert sorted(db.execute("select * from pair_tally")) == expected


def test_tables_follow_changed_undone_and_edited_decisions_as_counted_by_hand() -> None:
    """Worked by hand: reviewers change their minds, undo (one on an empty stack), rows are
    edited (a current one, others not current, sources moved to a pair already counted); the
    tables kept by the triggers hold the counts of the final state, as the fill rebuilds them."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title=f"T{i}") for i in range(3)])
    row = {}
    for step, (r, who, decision, reason, source) in enumerate(
        [
            (0, "ann", "include", None, "human"),  # 1
            (0, "bob", "exclude", "R1", "human"),
            (0, "cat", "include", None, "human"),
            (0, "imp", "maybe", None, "import"),  # 4
            (0, "ann", "exclude", "R2", "human"),  # ann's top moves
            (0, "bob", "undo", None, "human"),  # bob's stack emptied
            (0, "cat", "exclude", "R1", "human"),  # 7
            (1, "ann", "exclude", "R1", "human"),  # 8
            (1, "bob", "include", None, "human"),  # 9
            (1, "ann", "undo", None, "human"),
            (1, "ann", "include", None, "human"),
            (1, "bob", "maybe", None, "human"),  # 12
            (2, "dan", "undo", None, "human"),  # 13: an undo on an empty stack
            (2, "criteria", "exclude", "Year", "criteria"),
        ],
        start=1,
    ):
        row[step] = record_decision(db, ids[r], TA, who, decision, reason, None, source)
    for sql, step in [
        ("update decisions set decision = 'include', reason = null where id = ?", 7),  # current
        ("update decisions set reason = 'R3' where id = ?", 1),  # not current
        ("update decisions set source = 'import' where id = ?", 9),  # not current
        ("update decisions set source = 'human' where id = ?", 4),  # current
        ("update decisions set source = 'import' where id = ?", 8),  # (ann, import) new
        ("update decisions set source = 'import' where id = ?", 1),  # (ann, import) counted
    ]:
        db.execute(sql, [row[step]])

    def check() -> None:
        assert sorted(db.execute("select * from pair_tally where n <> 0")) == [
            (TA, "ann", "bob", 0, 0, 1), (TA, "ann", "cat", 1, 0, 1),
            (TA, "ann", "imp", 1, 0, 1), (TA, "cat", "imp", 0, 0, 1),
        ]  # fmt: skip
        assert sorted(db.execute("select * from reviewer_tally where n <> 0")) == [
            (TA, "ann", "exclude", "R2", 1), (TA, "ann", "include", "", 1),
            (TA, "bob", "maybe", "", 1), (TA, "cat", "include", "", 1),
            (TA, "imp", "maybe", "", 1),
        ]  # fmt: skip
        assert sorted(db.execute("select * from decision_reviewers where n <> 0")) == [
            ("ann", "human", 3), ("ann", "import", 2), ("bob", "human", 3), ("bob", "import", 1),
            ("cat", "human", 2), ("criteria", "criteria", 1), ("dan", "human", 1),
            ("imp", "human", 1),
        ]  # fmt: skip
        # (record, humans, agree, decision, source, reason, lean, first_person)
        summary = db.execute(
            "select record_id, humans, agree, decision, source, reason, lean, first_person,"
            " auto_decision, auto_reason from verdict_summary order by record_id"
        ).fetchall()
        assert summary == [
            (ids[0], 3, 0, "include", "human", "R2", "exclude", row[1], None, None),
            (ids[1], 2, 0, "maybe", "human", None, "include", row[8], None, None),
            (ids[2], 0, 1, None, None, None, None, row[13], "exclude", "Year"),
        ]
        tally = db.execute("select * from verdict_tally where n <> 0 order by humans").fetchall()
        assert tally == [
            (TA, 0, 1, "", "", "", "", "", "exclude", "Year", 1),
            (TA, 2, 0, "maybe", "human", "", "", "", "", "", 1),
            (TA, 3, 0, "include", "human", "R2", "", "", "", "", 1),
        ]
        assert stopping_sequence(db, 1) == [("conflict", "exclude"), ("conflict", "include")]

    check()
    assert_tables_as_rebuilt(db)
    check()


def test_tallies_count_only_a_reviewers_human_rows_when_they_have_rows_of_other_sources() -> None:
    """Worked by hand: a reviewer's name may carry consensus or automation rows too (decision
    files give any source); only their human and imported current decisions are tallied, and
    pairs are of one stage, as kept by the triggers and rebuilt by the fill."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title=f"T{i}") for i in range(6)])
    row = {}
    for key, (r, stage, who, decision, reason, source) in enumerate(
        [
            (0, TA, "ann", "exclude", "R1", "human"),
            (1, TA, "bob", "include", None, "human"),
            (1, TA, "ann", "exclude", "R1", "consensus"),
            (2, TA, "ann", "exclude", None, "human"),
            (2, TA, "bob", "include", None, "human"),
            (3, TA, "bob", "exclude", None, "criteria"),  # 6
            (3, TA, "ann", "include", None, "human"),
            (4, TA, "ann", "include", None, "human"),
            (4, TA, "bob", "exclude", None, "human"),
            (5, TA, "ann", "include", None, "human"),
            (5, FT, "bob", "exclude", None, "human"),
            (1, TA, "ann", "include", None, "human"),  # from a consensus row to a human one
            (3, TA, "ann", "maybe", None, "human"),  # 13: beside bob's automation row
            (5, TA, "ann", "maybe", None, "human"),  # 14: bob decided at the other stage
            (1, TA, "ann", "exclude", "R1", "consensus"),  # from a human row to consensus
        ],
        start=1,
    ):
        row[key] = record_decision(db, ids[r], stage, who, decision, reason, None, source)
    # current rows edited: bob's automation row made human beside ann's human one, then ann's
    # made consensus; ann's at title/abstract where bob decided only at full text
    db.execute("update decisions set source = 'human' where id = ?", [row[6]])
    db.execute("update decisions set source = 'consensus' where id = ?", [row[13]])
    db.execute("update decisions set reason = 'R9' where id = ?", [row[14]])

    def check() -> None:
        assert sorted(db.execute("select * from reviewer_tally where n <> 0")) == [
            (FT, "bob", "exclude", "", 1),
            (TA, "ann", "exclude", "", 1), (TA, "ann", "exclude", "R1", 1),
            (TA, "ann", "include", "", 1), (TA, "ann", "maybe", "R9", 1),
            (TA, "bob", "exclude", "", 2), (TA, "bob", "include", "", 2),
        ]  # fmt: skip
        assert sorted(db.execute("select * from pair_tally where n <> 0")) == [
            (TA, "ann", "bob", 0, 1, 1), (TA, "ann", "bob", 1, 0, 1),
        ]  # fmt: skip

    check()
    assert_tables_as_rebuilt(db)
    check()


def test_an_edited_decision_counts_in_a_pair_cell_never_used_before() -> None:
    """The second reviewer by name edits their current decision into a 2x2 cell no record had:
    the cell is made and counted (by hand: ann excludes, bob's exclude becomes an include)."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title="A")])
    record_decision(db, ids[0], TA, "ann", "exclude")
    bob = record_decision(db, ids[0], TA, "bob", "exclude")
    db.execute("update decisions set decision = 'include' where id = ?", [bob])
    assert db.execute("select * from pair_tally where n <> 0").fetchall() == [
        (TA, "ann", "bob", 1, 0, 1)
    ]
    assert_tables_as_rebuilt(db)


def test_an_undo_on_an_empty_stack_as_a_records_last_change_keeps_its_row() -> None:
    """The summary row of a record whose last change is a new reviewer's undo on an empty
    stack (the one refresh made by the trigger on a decision_current insert): every column of
    the row, worked by hand, and the same row as the fill rebuilds it."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title="T0"), Record(title="T1")])
    rows = [
        (0, "criteria", "exclude", "Year", "criteria"),  # first row, but automation
        (0, "imp", "exclude", "R3", "import"),  # the first person, a reason
        (0, "ann", "include", None, "human"),
        (0, "bob", "include", None, "human"),  # the latest human row
        (0, "consensus", "exclude", "R2", "consensus"),
        (0, "lead", "include", None, "consensus"),  # the latest consensus row
        (0, "lang", "include", None, "criteria"),  # the latest automation row
        (1, "ann", "exclude", "", "human"),  # the first person, an empty reason
        (1, "bob", "exclude", "R1", "human"),  # the first reason
        (1, "imp", "maybe", None, "import"),  # the latest human row, of an import
    ]
    made = [record_decision(db, ids[r], TA, w, d, why, None, s) for r, w, d, why, s in rows]
    for record in ids:  # the last change of each record
        record_decision(db, record, TA, "dan", "undo", None, None, "human")
    summary = db.execute(
        "select humans, agree, decision, source, reason, lean, cons_decision, cons_reason,"
        " auto_decision, auto_reason, first_person from verdict_summary"
        " where stage = ? order by record_id",
        [TA],
    ).fetchall()
    # humans: imp (import counts), ann, bob; imp's exclude against two includes; the latest
    # human row is bob's; the first human reason and the first reviewer (lean) are imp's; the
    # latest consensus row is lead's, the latest automation row lang's; first person: imp's
    # row (automation left out). T1: the import's maybe is the latest human row and the
    # largest decision; ann's '' is no reason, so bob's R1 is the first; ann decided first
    assert summary == [
        (3, 0, "include", "human", "R3", "exclude", "include", None, "include", None, made[1]),
        (3, 0, "maybe", "import", "R1", "exclude", None, None, None, None, made[7]),
    ]
    assert_tables_as_rebuilt(db)


def test_editing_a_current_row_beside_import_and_consensus_rows_moves_only_human_cells() -> None:
    """Worked by hand: a reviewer's current row edited (its reason, then its source moved to
    import with a new decision and reason: cells no record had) on a record where an import
    reviewer and a consensus row also stand; the consensus reviewer is a human co-reviewer on
    two other records, so pair cells with that name exist and must not move."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title=f"T{i}") for i in range(3)])
    ann = record_decision(db, ids[0], TA, "ann", "exclude", "R1", None, "human")
    record_decision(db, ids[0], TA, "imp", "include", None, None, "import")
    record_decision(db, ids[0], TA, "lead", "exclude", "R2", None, "consensus")
    for record, decision, reason in [(ids[1], "exclude", "R1"), (ids[2], "include", None)]:
        record_decision(db, record, TA, "ann", decision, reason, None, "human")
        record_decision(db, record, TA, "lead", "exclude", "R1", None, "human")
    db.execute("update decisions set reason = 'R5' where id = ?", [ann])
    db.execute(
        "update decisions set source = 'import', decision = 'include', reason = 'R9' where id = ?",
        [ann],
    )
    assert sorted(db.execute("select * from reviewer_tally where n <> 0")) == [
        (TA, "ann", "exclude", "R1", 1), (TA, "ann", "include", "", 1),
        (TA, "ann", "include", "R9", 1), (TA, "imp", "include", "", 1),
        (TA, "lead", "exclude", "R1", 2),
    ]  # fmt: skip
    assert sorted(db.execute("select * from pair_tally where n <> 0")) == [
        (TA, "ann", "imp", 0, 0, 1), (TA, "ann", "lead", 0, 1, 1), (TA, "ann", "lead", 1, 1, 1),
    ]  # fmt: skip
    assert_tables_as_rebuilt(db)


def test_a_decision_row_edited_by_hand_leaves_every_summary_row_as_worked_by_hand() -> None:
    """Decisions are never updated by screener, but a person may correct a row with sqlite3
    (here: a note on every row). Each edit recomputes its record's summary row: every column
    worked by hand, before and after, and the same rows as the fill rebuilds them. T0: an
    automation row first (with a reason), an import reviewer the first person with '' as
    reason, two consensus and two automation rows, and a full-text decision; T1: automation
    only (no human row to join); T2, T3: one tally cell each, apart only in the consensus
    reason, and T2 then changes (its old cell taken from, T3's left alone); T4: its one
    reviewer's decision undone (a current row whose top is no decision)."""
    db = connect(":memory:")
    ids = add_search(db, [Record(title=f"T{i}") for i in range(5)])
    rows = [
        (0, TA, "criteria", "exclude", "Year", "criteria"),  # first, automation, a reason
        (0, TA, "imp", "include", "", "import"),  # the first person and lean; '' no reason
        (0, TA, "ann", "exclude", "R3", "human"),  # the first human reason
        (0, TA, "bob", "include", None, "human"),  # the latest human row
        (0, TA, "consensus", "exclude", "R2", "consensus"),
        (0, TA, "lead", "include", None, "consensus"),  # the latest consensus row
        (0, TA, "lang", "include", None, "criteria"),  # the latest automation row
        (0, FT, "ann", "include", None, "human"),  # the first person at full text
        (1, TA, "criteria", "exclude", "Lang", "criteria"),
        (2, TA, "ann", "include", None, "human"),
        (2, TA, "lead", "exclude", "R1", "consensus"),
        (3, TA, "ann", "include", None, "human"),
        (3, TA, "lead", "exclude", "R2", "consensus"),
        (4, TA, "ann", "include", None, "human"),
        (4, TA, "ann", "undo", None, "human"),
    ]
    made = [record_decision(db, ids[r], st, w, d, why, None, s) for r, st, w, d, why, s in rows]
    summary_sql = (
        "select stage, record_id, humans, agree, decision, source, reason, lean, cons_decision,"
        " cons_reason, auto_decision, auto_reason, first_person from verdict_summary"
        " order by record_id, stage"  # full_text before title_abstract
    )
    t0, t1, t2, t3, t4 = ids
    expected = [
        (FT, t0, 1, 1, "include", "human", None, "include", None, None, None, None, made[7]),
        (TA, t0, 3, 0, "include", "human", "R3", "include", "include", None, "include", None,
         made[1]),
        (TA, t1, 0, 1, None, None, None, None, None, None, "exclude", "Lang", None),
        (TA, t2, 1, 1, "include", "human", None, "include", "exclude", "R1", None, None,
         made[9]),
        (TA, t3, 1, 1, "include", "human", None, "include", "exclude", "R2", None, None,
         made[11]),
        # no current decision left: no human (0, not 1), all agree; the undone row is first
        (TA, t4, 0, 1, None, None, None, None, None, None, None, None, made[13]),
    ]  # fmt: skip
    tally_sql = f"select {', '.join(TALLY_KEY)}, n from verdict_tally where n <> 0"
    cells = {
        (TA, 3, 0, "include", "human", "R3", "include", "", "include", "", 1),
        (FT, 1, 1, "include", "human", "", "", "", "", "", 1),
        (TA, 0, 1, "", "", "", "", "", "exclude", "Lang", 1),
        (TA, 1, 1, "include", "human", "", "exclude", "R1", "", "", 1),
        (TA, 1, 1, "include", "human", "", "exclude", "R2", "", "", 1),
        (TA, 0, 1, "", "", "", "", "", "", "", 1),
    }
    assert db.execute(summary_sql).fetchall() == expected
    assert set(db.execute(tally_sql)) == cells
    for row in made:
        db.execute("update decisions set note = 'checked' where id = ?", [row])
        assert db.execute(summary_sql).fetchall() == expected, f"after editing row {row}"
    assert set(db.execute(tally_sql)) == cells
    # T2 gains a second human include: its row moves to a new cell, T3's cell keeps its 1
    record_decision(db, t2, TA, "bob", "include", None, None, "human")
    expected[3] = (*expected[3][:2], 2, *expected[3][3:])
    assert db.execute(summary_sql).fetchall() == expected
    cells -= {(TA, 1, 1, "include", "human", "", "exclude", "R1", "", "", 1)}
    cells |= {(TA, 2, 1, "include", "human", "", "exclude", "R1", "", "", 1)}
    assert set(db.execute(tally_sql)) == cells
    assert_tables_as_rebuilt(db)
