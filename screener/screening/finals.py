"""Final verdicts and the counts built on them, computed by SQLite from the current decisions.

The same rules as :mod:`screener.screening.verdict` (read them there), evaluated in SQL so that
``screener status`` and ``screener prisma`` stay under a second at 100,000 records: the table
``decision_current`` (kept by triggers as decisions are appended, migration
``005_current_decisions``) holds each reviewer's current decision, so nothing replays the log.
tests/test_finals.py compares everything here with the Python replay of ``verdict`` on random
logs (undo, conflicts, consensus, awaiting, automation, duplicates, reports not retrieved).

A record's *kind* at a stage is its final decision (``include``, ``exclude``, ``maybe``) or
``conflict`` / ``awaiting`` (not final); records without a verdict are absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from screener.screening.agreement import Agreement, cohen_kappa
from screener.screening.verdict import AUTOMATION_SOURCE, CONSENSUS_SOURCE, HUMAN_SOURCES

PASSED = ("include", "maybe")
_HUMAN = "d.source IN ('" + "', '".join(HUMAN_SOURCES) + "')"
# the reviewers of a record in the order they first decided it: min() over first * 2^32 + id
# picks the row of the first reviewer (row ids stay below 2^32)
_FIRST = "c.first * 4294967296 + d.id"

# One row per record with a current decision at the stage: the latest consensus row, the number
# of human reviewers, whether they agree, the latest human row, the first human row with a
# reason and the first human row (in the order the reviewers first decided), the latest
# automation row.
_PER_RECORD = f"""
WITH agg AS (
  SELECT c.record_id AS record_id,
    max(CASE WHEN d.source = '{CONSENSUS_SOURCE}' THEN d.id END) AS cons,
    sum({_HUMAN}) AS humans,
    min(CASE WHEN {_HUMAN} THEN d.decision END) IS max(CASE WHEN {_HUMAN} THEN d.decision END)
      AS agree,
    max(CASE WHEN {_HUMAN} THEN d.id END) AS last,
    min(CASE WHEN {_HUMAN} AND d.reason <> '' THEN {_FIRST} END) % 4294967296 AS why,
    min(CASE WHEN {_HUMAN} THEN {_FIRST} END) % 4294967296 AS lean,
    max(CASE WHEN d.source = '{AUTOMATION_SOURCE}' THEN d.id END) AS auto
  FROM decision_current c JOIN decisions d ON d.id = c.top
  WHERE c.stage = ? GROUP BY c.record_id
)
SELECT a.record_id, a.humans, a.agree, dw.reason, dn.decision, dc.decision, dc.reason,
  dl.decision, dl.source, da.decision, da.reason
FROM agg a LEFT JOIN decisions dc ON dc.id = a.cons LEFT JOIN decisions dl ON dl.id = a.last
  LEFT JOIN decisions da ON da.id = a.auto LEFT JOIN decisions dw ON dw.id = a.why
  LEFT JOIN decisions dn ON dn.id = a.lean
"""


@dataclass(frozen=True, slots=True)
class Final:
    """One record's verdict at a stage (``kind``: see the module docstring)."""

    kind: str
    reason: str | None
    source: str  # human | import | consensus | criteria
    lean: str | None  # the first human reviewer's current decision (None without one)


def finals(
    db: sqlite_utils.Database,
    stage: str,
    *,
    required: int,
    eligible: set[int] | None = None,
) -> dict[int, Final]:
    """record_id -> Final for the records at ``stage`` with a verdict (final, conflict or
    awaiting). At title/abstract the canonical records; at full text ``eligible`` (the records
    passed at title/abstract: :func:`passed`) when given, else computed."""
    if eligible is None:
        eligible = (
            canonical_set(db)
            if stage == "title_abstract"
            else passed(finals(db, "title_abstract", required=required), canonical_set(db))
        )
    out: dict[int, Final] = {}
    for rid, humans, agree, why, lean, c_dec, c_why, h_dec, h_src, a_dec, a_why in db.execute(
        _PER_RECORD, [stage]
    ):
        if rid not in eligible:
            continue
        if c_dec is not None:
            out[rid] = Final(c_dec, c_why, CONSENSUS_SOURCE, lean)
        elif humans:
            if not agree:
                out[rid] = Final("conflict", None, "human", lean)
            elif humans < required:
                out[rid] = Final("awaiting", None, h_src, lean)
            else:
                out[rid] = Final(h_dec, why, h_src, lean)
        elif a_dec is not None:
            out[rid] = Final(a_dec, a_why, AUTOMATION_SOURCE, None)
    return out


def canonical_set(db: sqlite_utils.Database) -> set[int]:
    """The ids of the records kept (``duplicate_of IS NULL``)."""
    return {r for (r,) in db.execute("SELECT id FROM records WHERE duplicate_of IS NULL")}


def passed(title_abstract: dict[int, Final], canonical: Iterable[int]) -> set[int]:
    """The records at full text: canonical, with a final include or maybe at title/abstract."""
    return {
        rid for rid in canonical if (f := title_abstract.get(rid)) is not None and f.kind in PASSED
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


def reviewer_counts(
    db: sqlite_utils.Database, stage: str, assessed: set[int], reviewer: str | None = None
) -> dict[str, dict[tuple[str, str | None], int]]:
    """reviewer -> (decision, reason) -> number of their current human decisions on
    ``assessed`` records (grouped by SQLite)."""
    skip = sorted(records_with_decisions(db, stage) - assessed)
    who = "" if reviewer is None else " AND c.reviewer = ?"
    out: dict[str, dict[tuple[str, str | None], int]] = {}
    for name, decision, reason, n in db.execute(
        "SELECT c.reviewer, d.decision, d.reason, count(*) FROM decision_current c"
        f" JOIN decisions d ON d.id = c.top WHERE c.stage = ? AND {_HUMAN}{who}"
        " AND c.record_id NOT IN (SELECT value FROM json_each(?))"
        " GROUP BY c.reviewer, d.decision, d.reason",
        [stage, json.dumps(skip)] if reviewer is None else [stage, reviewer, json.dumps(skip)],
    ):
        out.setdefault(name, {})[(decision, reason)] = n
    return out


def records_with_decisions(db: sqlite_utils.Database, stage: str) -> set[int]:
    """The records with a row in ``decision_current`` at ``stage`` (any reviewer, any source)."""
    return {
        r
        for (r,) in db.execute(
            "SELECT DISTINCT record_id FROM decision_current WHERE stage = ?", [stage]
        )
    }


def agreements(db: sqlite_utils.Database, stage: str, eligible: set[int]) -> list[Agreement]:
    """:func:`screener.screening.agreement.pairwise` counted in SQL: every pair of human
    reviewers with current decisions on at least one common record of ``eligible``."""
    skip = sorted(records_with_decisions(db, stage) - eligible)
    tables: dict[tuple[str, str], list[list[int]]] = {}
    for a, b, a_out, b_out, n in db.execute(
        f"""SELECT a.reviewer, b.reviewer, coalesce(da.decision = 'exclude', 0),
          coalesce(db.decision = 'exclude', 0), count(*)
        FROM decision_current a
        JOIN decision_current b
          ON b.stage = a.stage AND b.record_id = a.record_id AND b.reviewer > a.reviewer
        JOIN decisions da ON da.id = a.top JOIN decisions db ON db.id = b.top
        WHERE a.stage = ? AND {_HUMAN.replace("d.", "da.")} AND {_HUMAN.replace("d.", "db.")}
          AND a.record_id NOT IN (SELECT value FROM json_each(?))
        GROUP BY a.reviewer, b.reviewer, 3, 4""",
        [stage, json.dumps(skip)],
    ):
        tables.setdefault((a, b), [[0, 0], [0, 0]])[a_out][b_out] = n
    out = []
    for (a, b), counts in sorted(tables.items()):
        table = ((counts[0][0], counts[0][1]), (counts[1][0], counts[1][1]))
        n = sum(map(sum, counts))
        agree = counts[0][0] + counts[1][1]
        out.append(Agreement(a, b, n, agree, cohen_kappa(table), 100 * agree / n, table))
    return out
