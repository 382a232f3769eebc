"""Migration 006: each record's verdict inputs per stage, and their tally, kept by triggers.

``screener status`` and ``screener prisma`` read these instead of grouping 150,000 decisions
(issue 15: under a second at 100,000 records). They hold only facts of the decision log, never
a verdict: the verdict depends on the protocol's number of required reviewers, which is read
from review.toml when counting (:mod:`screener.screening.finals` applies the rules of
:mod:`screener.screening.verdict` to these rows).

``verdict_summary``: one row per (stage, record) with a row in ``decision_current`` (migration
005), from the reviewers' current decisions (the tops of their stacks):

* ``humans``: how many human reviewers (sources human and import) have a current decision;
  ``agree``: 1 when their decisions are all the same (also when there is none);
* ``decision``, ``source``: the latest human row's decision and source; ``reason``: the first
  non-empty human reason, in the order the reviewers first decided the record; ``lean``: the
  first such reviewer's current decision;
* ``cons_decision``, ``cons_reason``: the latest current consensus row; ``auto_decision``,
  ``auto_reason``: the latest current automation (criteria) row;
* ``first_person``: the id of the first decision row at the stage not from automation (undo
  rows included): the order in which people first screened the records (the stopping aid).

``verdict_tally``: how many summary rows share each combination of those columns but the
record, ``lean`` and ``first_person`` (absent values stored as ''): with it the counts of a
stage are a few dozen rows whatever the size of the review.

``decision_reviewers``: how many decision rows each (reviewer, source) pair has.

``reviewer_tally``: per stage, reviewer, decision and reason ('' for none), how many records
have that current human decision (sources human and import) by that reviewer.

``pair_tally``: per stage and pair of human reviewers ``a < b`` (by name), how many records
both have a current human decision on, by whether each one's is ``exclude`` (``a_out``,
``b_out``): the 2x2 tables of Cohen's kappa (screener.screening.agreement).

The tallies count every record, duplicates and records not at the stage included; the
counting code subtracts those few records' share (screener.screening.finals).

Triggers recompute a record's summary row whenever its ``decision_current`` rows change (a
decision appended or undone) or a decision row is updated, as one statement's work inside the
writer's transaction; the tally follows the summary. Dropping and rebuilding both from the log
gives the same rows (tests/test_finals.py).
"""

from __future__ import annotations

import sqlite_utils

SUMMARY_COLUMNS = (
    "stage, record_id, humans, agree, decision, source, reason, lean, cons_decision,"
    " cons_reason, auto_decision, auto_reason, first_person"
)
# the columns of a summary row that the tally groups by (absent values as '')
TALLY_KEY = (
    "stage",
    "humans",
    "agree",
    "decision",
    "source",
    "reason",
    "cons_decision",
    "cons_reason",
    "auto_decision",
    "auto_reason",
)

# The summary row of every (stage, record) that {where} selects in decision_current. The
# reviewers of a record in the order they first decided it: min() over first * 2^32 + id picks
# the row of the first reviewer (row ids stay below 2^32).
_HUMAN = "d.source IN ('human', 'import')"
_FIRST = "c.first * 4294967296 + d.id"
SUMMARY_SELECT = f"""
SELECT a.stage, a.record_id, a.humans, a.agree, dl.decision, dl.source, dw.reason, dn.decision,
  dc.decision, dc.reason, da.decision, da.reason,
  (SELECT min(x.id) FROM decisions x
   WHERE x.record_id = a.record_id AND x.stage = a.stage AND x.source <> 'criteria')
FROM (
  SELECT c.stage AS stage, c.record_id AS record_id,
    coalesce(sum({_HUMAN}), 0) AS humans,
    min(CASE WHEN {_HUMAN} THEN d.decision END) IS max(CASE WHEN {_HUMAN} THEN d.decision END)
      AS agree,
    max(CASE WHEN {_HUMAN} THEN d.id END) AS last,
    min(CASE WHEN {_HUMAN} AND d.reason <> '' THEN {_FIRST} END) % 4294967296 AS why,
    min(CASE WHEN {_HUMAN} THEN {_FIRST} END) % 4294967296 AS lean,
    max(CASE WHEN d.source = 'consensus' THEN d.id END) AS cons,
    max(CASE WHEN d.source = 'criteria' THEN d.id END) AS auto
  FROM decision_current c LEFT JOIN decisions d ON d.id = c.top
  {{where}}
  GROUP BY c.stage, c.record_id
) a LEFT JOIN decisions dl ON dl.id = a.last LEFT JOIN decisions dw ON dw.id = a.why
  LEFT JOIN decisions dn ON dn.id = a.lean LEFT JOIN decisions dc ON dc.id = a.cons
  LEFT JOIN decisions da ON da.id = a.auto
"""


def _refresh(stage: str, record: str) -> str:
    """The statements that recompute one record's summary row (inside a trigger)."""
    where = f"WHERE c.stage = {stage} AND c.record_id = {record}"
    return (
        f"DELETE FROM verdict_summary WHERE stage = {stage} AND record_id = {record};\n"
        f"INSERT INTO verdict_summary ({SUMMARY_COLUMNS})"
        f" {SUMMARY_SELECT.format(where=where)};"
    )


def _tally(row: str, step: str) -> str:
    key = [f"{row}.{c}" if c in ("stage", "humans", "agree") else f"coalesce({row}.{c}, '')"
           for c in TALLY_KEY]  # fmt: skip
    match = " AND ".join(f"{c} = {k}" for c, k in zip(TALLY_KEY, key, strict=True))
    return (
        f"INSERT OR IGNORE INTO verdict_tally ({', '.join(TALLY_KEY)}, n)"
        f" VALUES ({', '.join(key)}, 0);\n"
        f"UPDATE verdict_tally SET n = n {step} 1 WHERE {match};"
    )


_H = "('human', 'import')"


def _reviewer_cell(row: str, decision: str) -> str:
    """The reviewer_tally key of one current decision ({decision}: its decisions row)."""
    return f"{row}.stage, {row}.reviewer, {decision}.decision, coalesce({decision}.reason, '')"


def _pair_cells(x: str, dx: str, where: str) -> str:
    """The pair_tally keys of reviewer row ``x`` (decision_current or decisions) whose current
    decision is ``dx`` with every other human reviewer of the same record and stage."""
    x_out, y_out = f"coalesce({dx}.decision = 'exclude', 0)", "coalesce(dy.decision = 'exclude', 0)"
    return (
        f"SELECT {x}.stage, min({x}.reviewer, y.reviewer), max({x}.reviewer, y.reviewer),"
        f" CASE WHEN {x}.reviewer < y.reviewer THEN {x_out} ELSE {y_out} END,"
        f" CASE WHEN {x}.reviewer < y.reviewer THEN {y_out} ELSE {x_out} END"
        f" FROM decision_current y JOIN decisions dy ON dy.id = y.top"
        f" WHERE {where} AND y.stage = {x}.stage AND y.record_id = {x}.record_id"
        f" AND y.reviewer <> {x}.reviewer AND dy.source IN {_H}"
    )


def _move(table: str, columns: str, cells: str, step: str) -> str:
    """Add (+) or take (-) one from each cell of ``table`` that the SELECT ``cells`` gives."""
    add = f"INSERT OR IGNORE INTO {table} ({columns}, n) SELECT *, 0 FROM ({cells});\n"
    return (add if step == "+" else "") + (
        f"UPDATE {table} SET n = n {step} 1 WHERE ({columns}) IN ({cells});"
    )


_REVIEWER_COLUMNS = "stage, reviewer, decision, reason"
_PAIR_COLUMNS = "stage, a, b, a_out, b_out"


def _current_moved() -> str:
    """decision_current row ``old`` -> ``new`` (its top changed): move the tallies."""
    out = []
    for row, step in (("old", "-"), ("new", "+")):
        one = (
            f"SELECT {_reviewer_cell(row, 'd')} FROM decisions d"
            f" WHERE d.id = {row}.top AND d.source IN {_H}"
        )
        out.append(_move("reviewer_tally", _REVIEWER_COLUMNS, one, step))
        pairs = _pair_cells(row, "dx", f"dx.id = {row}.top AND dx.source IN {_H}").replace(
            "FROM decision_current y", "FROM decisions dx, decision_current y"
        )
        out.append(_move("pair_tally", _PAIR_COLUMNS, pairs, step))
    return "\n".join(out)


def _decision_edited() -> str:
    """A decisions row that is someone's current decision changed: move the tallies."""
    out = []
    for row, step in (("old", "-"), ("new", "+")):
        one = f"SELECT {_reviewer_cell(row, row)} WHERE {row}.source IN {_H}"
        out.append(_move("reviewer_tally", _REVIEWER_COLUMNS, one, step))
        pairs = _pair_cells(row, row, f"{row}.source IN {_H}")
        out.append(_move("pair_tally", _PAIR_COLUMNS, pairs, step))
    return "\n".join(out)


_IS_TOP = (
    "EXISTS (SELECT 1 FROM decision_current c WHERE c.stage = new.stage"
    " AND c.record_id = new.record_id AND c.reviewer = new.reviewer AND c.top = new.id)"
)


def _triggers() -> list[str]:
    """The triggers' statements (built when the migration runs)."""
    return [
        "CREATE TRIGGER decision_reviewer_seen AFTER INSERT ON decisions BEGIN\n"
        + _move("decision_reviewers", "reviewer, source", "SELECT new.reviewer, new.source", "+")
        + "\nEND",
        "CREATE TRIGGER decision_reviewer_edited AFTER UPDATE OF source ON decisions BEGIN\n"
        + _move("decision_reviewers", "reviewer, source", "SELECT old.reviewer, old.source", "-")
        + "\n"
        + _move("decision_reviewers", "reviewer, source", "SELECT new.reviewer, new.source", "+")
        + "\nEND",
        "CREATE TRIGGER tallies_current_moved AFTER UPDATE OF top ON decision_current BEGIN\n"
        + _current_moved()
        + "\nEND",
        f"CREATE TRIGGER tallies_decision_edited AFTER UPDATE ON decisions WHEN {_IS_TOP} BEGIN\n"
        + _decision_edited()
        + "\nEND",
        # a reviewer's first row on a record: a decision sets ``top`` next (the trigger below
        # refreshes then); only an undo on an empty stack stays an insert (first_person may move)
        "CREATE TRIGGER verdict_current_added AFTER INSERT ON decision_current"
        " WHEN (SELECT decision FROM decisions WHERE id = new.first) IS 'undo' BEGIN\n"
        + _refresh("new.stage", "new.record_id")
        + "\nEND",
        "CREATE TRIGGER verdict_current_changed AFTER UPDATE ON decision_current BEGIN\n"
        + _refresh("new.stage", "new.record_id")
        + "\nEND",
        "CREATE TRIGGER verdict_decision_changed AFTER UPDATE ON decisions BEGIN\n"
        + _refresh("new.stage", "new.record_id")
        + "\nEND",
        "CREATE TRIGGER verdict_tally_added AFTER INSERT ON verdict_summary BEGIN\n"
        + _tally("new", "+")
        + "\nEND",
        "CREATE TRIGGER verdict_tally_removed AFTER DELETE ON verdict_summary BEGIN\n"
        + _tally("old", "-")
        + "\nEND",
    ]


def m006_verdict_summary(db: sqlite_utils.Database) -> None:
    """verdict_summary and verdict_tally (see above), filled from the log, then the triggers."""
    conn = db.conn
    conn.execute(
        "CREATE TABLE verdict_summary (stage TEXT NOT NULL, record_id INTEGER NOT NULL,"
        " humans INTEGER NOT NULL, agree INTEGER NOT NULL, decision TEXT, source TEXT,"
        " reason TEXT, lean TEXT, cons_decision TEXT, cons_reason TEXT, auto_decision TEXT,"
        " auto_reason TEXT, first_person INTEGER, PRIMARY KEY (stage, record_id)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE verdict_tally (stage TEXT NOT NULL, humans INTEGER NOT NULL,"
        " agree INTEGER NOT NULL, decision TEXT NOT NULL, source TEXT NOT NULL,"
        " reason TEXT NOT NULL, cons_decision TEXT NOT NULL, cons_reason TEXT NOT NULL,"
        " auto_decision TEXT NOT NULL, auto_reason TEXT NOT NULL, n INTEGER NOT NULL,"
        f" PRIMARY KEY ({', '.join(TALLY_KEY)})) WITHOUT ROWID"
    )
    conn.execute(
        f"INSERT INTO verdict_summary ({SUMMARY_COLUMNS}) {SUMMARY_SELECT.format(where='')}"
    )
    key = ", ".join(c if c in ("stage", "humans", "agree") else f"coalesce({c}, '')"
                    for c in TALLY_KEY)  # fmt: skip
    conn.execute(
        f"INSERT INTO verdict_tally ({', '.join(TALLY_KEY)}, n)"
        f" SELECT {key}, count(*) FROM verdict_summary GROUP BY {key}"
    )
    conn.execute(
        "CREATE TABLE decision_reviewers (reviewer TEXT NOT NULL, source TEXT NOT NULL,"
        " n INTEGER NOT NULL, PRIMARY KEY (reviewer, source)) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT INTO decision_reviewers SELECT reviewer, source, count(*) FROM decisions"
        " GROUP BY 1, 2"
    )
    conn.execute(
        "CREATE TABLE reviewer_tally (stage TEXT NOT NULL, reviewer TEXT NOT NULL,"
        " decision TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL,"
        f" PRIMARY KEY ({_REVIEWER_COLUMNS})) WITHOUT ROWID"
    )
    conn.execute(
        f"INSERT INTO reviewer_tally ({_REVIEWER_COLUMNS}, n)"
        f" SELECT {_reviewer_cell('c', 'd')}, count(*) FROM decision_current c"
        f" JOIN decisions d ON d.id = c.top WHERE d.source IN {_H} GROUP BY 1, 2, 3, 4"
    )
    conn.execute(
        "CREATE TABLE pair_tally (stage TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,"
        " a_out INTEGER NOT NULL, b_out INTEGER NOT NULL, n INTEGER NOT NULL,"
        f" PRIMARY KEY ({_PAIR_COLUMNS})) WITHOUT ROWID"
    )
    each_pair_once = f"dx.id = c.top AND dx.source IN {_H} AND c.reviewer < y.reviewer"
    pairs = _pair_cells("c", "dx", each_pair_once).replace(
        "FROM decision_current y", "FROM decision_current c, decisions dx, decision_current y"
    )
    conn.execute(
        f"INSERT INTO pair_tally ({_PAIR_COLUMNS}, n) SELECT *, count(*) FROM ({pairs})"
        " GROUP BY 1, 2, 3, 4, 5"
    )
    for statement in _triggers():
        conn.execute(statement)
