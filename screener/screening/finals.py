"""Final verdicts and the counts built on them, computed by SQLite from the verdict summary.

The same rules as :mod:`screener.screening.verdict` (read them there), evaluated in SQL so that
``screener status`` and ``screener prisma`` stay under a second at 100,000 records. The tables
come from migrations: ``decision_current`` (005) holds each reviewer's current decision,
``verdict_summary`` (006, :mod:`screener.verdict_tables`) what a record's verdict rests on per
stage, ``verdict_tally`` how many records share each such state; triggers keep all three
current as decisions are appended, so nothing replays the log. The rules need the protocol's
number of required reviewers, so they are applied here, when counting: ``_KIND``, ``_REASON``
and ``_SOURCE`` below are the one statement of them in SQL, read by every function here.
tests/test_finals.py compares everything here with the Python replay of ``verdict`` on random
logs (undo, conflicts, consensus, awaiting, automation, duplicates, reports not retrieved).

A record's *kind* at a stage is its final decision (``include``, ``exclude``, ``maybe``) or
``conflict`` / ``awaiting`` (not final); records without a verdict are absent.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from screener.screening.agreement import Agreement, cohen_kappa
from screener.screening.verdict import AUTOMATION_SOURCE, CONSENSUS_SOURCE, HUMAN_SOURCES

PASSED = ("include", "maybe")
_HUMAN = "d.source IN ('" + "', '".join(HUMAN_SOURCES) + "')"
_HUMAN_C = "c.source IN ('" + "', '".join(HUMAN_SOURCES) + "')"

# The verdict of a summary (or tally) row with :required human reviewers per record (absent
# values are NULL in verdict_summary and '' in verdict_tally): a consensus decision; else the
# human reviewers' (a conflict when they differ, awaiting when fewer than required decided);
# else automation's; else none (NULL).
_CONSENSUS = "nullif(cons_decision, '') IS NOT NULL"
_KIND = f"""CASE WHEN {_CONSENSUS} THEN cons_decision
  WHEN humans > 0 THEN CASE WHEN NOT agree THEN 'conflict'
    WHEN humans < :required THEN 'awaiting' ELSE decision END
  ELSE nullif(auto_decision, '') END"""
_REASON = f"""CASE WHEN {_CONSENSUS} THEN cons_reason
  WHEN humans > 0 THEN CASE WHEN agree AND humans >= :required THEN reason END
  ELSE auto_reason END"""
_SOURCE = f"""CASE WHEN {_CONSENSUS} THEN '{CONSENSUS_SOURCE}'
  WHEN humans > 0 THEN CASE WHEN agree THEN source ELSE 'human' END
  ELSE '{AUTOMATION_SOURCE}' END"""
_CANONICAL = "JOIN records r ON r.id = v.record_id AND r.duplicate_of IS NULL"


@dataclass(frozen=True, slots=True)
class Final:
    """One record's verdict at a stage (``kind``: see the module docstring)."""

    kind: str
    reason: str | None
    source: str  # human | import | consensus | criteria


def verdicts_sql(stage: str) -> str:
    """A subquery giving ``record_id, kind, reason, source`` of every record with a verdict
    row at ``stage`` (``kind`` NULL when there is none), for other queries to join; it takes
    the parameter ``:required``."""
    assert stage in ("title_abstract", "full_text")
    return (
        f"(SELECT record_id, {_KIND} AS kind, {_REASON} AS reason, {_SOURCE} AS source"
        f" FROM verdict_summary WHERE stage = '{stage}')"
    )


def finals(
    db: sqlite_utils.Database,
    stage: str,
    *,
    required: int,
    eligible: set[int] | None = None,
) -> dict[int, Final]:
    """record_id -> Final for the records at ``stage`` with a verdict (final, conflict or
    awaiting). At title/abstract the canonical records; at full text ``eligible`` (the records
    passed at title/abstract: :func:`passed_ids`) when given, else computed."""
    if eligible is None and stage == "full_text":
        eligible = passed_ids(db, required)
    join = _CANONICAL if eligible is None else ""
    rows = db.execute(
        f"SELECT * FROM (SELECT v.record_id, {_KIND} AS kind, {_REASON}, {_SOURCE}"
        f" FROM verdict_summary v {join} WHERE v.stage = :stage) WHERE kind IS NOT NULL",
        {"stage": stage, "required": required},
    )
    if eligible is None:
        return {rid: Final(kind, why, src) for rid, kind, why, src in rows}
    return {rid: Final(kind, why, src) for rid, kind, why, src in rows if rid in eligible}


def passed_ids(db: sqlite_utils.Database, required: int) -> set[int]:
    """The records at full text: canonical, with a final include or maybe at title/abstract."""
    return {
        rid
        for (rid,) in db.execute(
            f"SELECT v.record_id FROM verdict_summary v {_CANONICAL}"
            f" WHERE v.stage = 'title_abstract' AND {_KIND} IN {PASSED}",
            {"required": required},
        )
    }


def not_retrieved_ids(db: sqlite_utils.Database) -> set[int]:
    """Records whose latest retrieval row says not_retrieved."""
    return {
        rid
        for (rid,) in db.execute(
            "SELECT r.record_id FROM retrieval r WHERE r.status = 'not_retrieved' AND r.id ="
            " (SELECT max(id) FROM retrieval WHERE record_id = r.record_id)"
        )
    }


def kind_counts(
    db: sqlite_utils.Database, stage: str, required: int
) -> Counter[tuple[str, str | None, str]]:
    """(kind, reason, source) -> number of canonical records with that verdict at ``stage``
    (reason None when there is none): the stage's tally less the records linked as duplicates.
    Meant for title/abstract (at full text the records at the stage are a subset)."""
    params = {"stage": stage, "required": required}
    out: Counter[tuple[str, str | None, str]] = Counter()
    for kind, why, src, n in db.execute(
        f"SELECT {_KIND} AS kind, nullif({_REASON}, ''), {_SOURCE}, sum(n) FROM verdict_tally"
        " WHERE stage = :stage AND n > 0 GROUP BY 1, 2, 3",
        params,
    ):
        if kind is not None:
            out[(kind, why, src)] += n
    for kind, why, src, n in db.execute(
        f"SELECT {_KIND} AS kind, nullif({_REASON}, ''), {_SOURCE}, count(*)"
        " FROM records r JOIN verdict_summary v ON v.stage = :stage AND v.record_id = r.id"
        " WHERE r.duplicate_of IS NOT NULL GROUP BY 1, 2, 3",
        params,
    ):
        if kind is not None:
            out[(kind, why, src)] -= n
    return +out


def not_at_stage(
    db: sqlite_utils.Database, stage: str, required: int, passed: set[int] | None = None
) -> set[int]:
    """The records with a row in ``verdict_summary`` at ``stage`` that are not at the stage:
    at title/abstract those linked as duplicates; at full text those not passed at
    title/abstract (``passed``: :func:`passed_ids` when already computed)."""
    if stage == "full_text":
        at_stage = passed_ids(db, required) if passed is None else passed
        return records_with_decisions(db, stage) - at_stage
    return {
        r
        for (r,) in db.execute(
            "SELECT r.id FROM records r JOIN verdict_summary v"
            " ON v.stage = ? AND v.record_id = r.id WHERE r.duplicate_of IS NOT NULL",
            [stage],
        )
    }


def stopping_sequence(db: sqlite_utils.Database, required: int) -> list[tuple[str, str | None]]:
    """(kind, lean) of each canonical record a person screened at title/abstract, in the order
    first screened, records whose verdict is automation's left out (see ``status._stopping``)."""
    return db.execute(
        f"SELECT kind, lean FROM (SELECT v.first_person, {_KIND} AS kind, {_SOURCE} AS src,"
        f" v.lean FROM verdict_summary v {_CANONICAL} WHERE v.stage = 'title_abstract'"
        f" AND v.first_person IS NOT NULL) WHERE kind IS NOT NULL"
        f" AND src <> '{AUTOMATION_SOURCE}' ORDER BY first_person",
        {"required": required},
    ).fetchall()


def reviewer_counts(
    db: sqlite_utils.Database, stage: str, skip: set[int], reviewer: str | None = None
) -> dict[str, dict[tuple[str, str | None], int]]:
    """reviewer -> (decision, reason) -> number of their current human decisions at ``stage``,
    on records not in ``skip``: the reviewer tally less the share of ``skip``."""
    who = "" if reviewer is None else " AND reviewer = :who"
    counts: Counter[tuple[str, str, str | None]] = Counter()
    params = {"stage": stage, "who": reviewer, "skip": json.dumps(sorted(skip))}
    for name, decision, reason, n in db.execute(
        f"SELECT reviewer, decision, nullif(reason, ''), n FROM reviewer_tally"
        f" WHERE stage = :stage AND n > 0{who}",
        params,
    ):
        counts[(name, decision, reason)] += n
    if skip:
        for name, decision, reason, n in db.execute(
            "SELECT c.reviewer, d.decision, nullif(d.reason, ''), count(*) FROM decision_current c"
            f" JOIN decisions d ON d.id = c.top WHERE c.stage = :stage AND {_HUMAN}"
            f"{who.replace('reviewer', 'c.reviewer')}"
            " AND c.record_id IN (SELECT value FROM json_each(:skip)) GROUP BY 1, 2, 3",
            params,
        ):
            counts[(name, decision, reason)] -= n
    out: dict[str, dict[tuple[str, str | None], int]] = {}
    for (name, decision, reason), n in sorted((+counts).items(), key=str):
        out.setdefault(name, {})[(decision, reason)] = n
    return out


def records_with_decisions(db: sqlite_utils.Database, stage: str) -> set[int]:
    """The records with a row in ``verdict_summary`` at ``stage`` (any reviewer, any source)."""
    return {
        r for (r,) in db.execute("SELECT record_id FROM verdict_summary WHERE stage = ?", [stage])
    }


def agreements(
    db: sqlite_utils.Database,
    stage: str,
    eligible: set[int] | None = None,
    *,
    skip: set[int] | None = None,
) -> list[Agreement]:
    """:func:`screener.screening.agreement.pairwise` counted in SQL: every pair of human
    reviewers with current decisions on at least one common record of ``eligible`` (or on
    every record but ``skip``)."""
    if skip is None:
        skip = records_with_decisions(db, stage) - (eligible or set())
    cells: Counter[tuple[str, str, int, int]] = Counter()
    for a, b, a_out, b_out, n in db.execute(
        "SELECT a, b, a_out, b_out, n FROM pair_tally WHERE stage = ? AND n > 0", [stage]
    ):
        cells[(a, b, a_out, b_out)] += n
    if skip:
        for a, b, a_out, b_out, n in db.execute(
            f"""SELECT a.reviewer, b.reviewer, da.decision = 'exclude', db.decision = 'exclude',
              count(*)
            FROM decision_current a
            JOIN decision_current b
              ON b.stage = a.stage AND b.record_id = a.record_id AND b.reviewer > a.reviewer
            JOIN decisions da ON da.id = a.top JOIN decisions db ON db.id = b.top
            WHERE a.stage = ? AND {_HUMAN.replace("d.", "da.")} AND {_HUMAN.replace("d.", "db.")}
              AND a.record_id IN (SELECT value FROM json_each(?))
            GROUP BY 1, 2, 3, 4""",
            [stage, json.dumps(sorted(skip))],
        ):
            cells[(a, b, a_out, b_out)] -= n
    tables: dict[tuple[str, str], list[list[int]]] = {}
    for (a, b, a_out, b_out), n in (+cells).items():
        tables.setdefault((a, b), [[0, 0], [0, 0]])[a_out][b_out] = n
    out = []
    for (a, b), counts in sorted(tables.items()):
        table = ((counts[0][0], counts[0][1]), (counts[1][0], counts[1][1]))
        n = sum(map(sum, counts))
        agree = counts[0][0] + counts[1][1]
        out.append(Agreement(a, b, n, agree, cohen_kappa(table), 100 * agree / n, table))
    return out
