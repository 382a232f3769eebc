"""The current and final decisions per record and stage, derived from the append-only log.

Rules (every count of the review rests on them):

* Decisions are rows of ``decisions``; nothing is updated or deleted. ``undo`` cancels that
  reviewer's latest not-yet-cancelled decision for the record and stage (a stack per reviewer).
* A reviewer's *current* decision is the top of that stack (None when empty).
* The *final* verdict of a record at a stage:
  1. a ``consensus`` decision (source ``consensus``) when one is current;
  2. else the human reviewers' current decisions (sources ``human`` and ``import``): when they
     all agree, that decision; when they differ, a conflict (decision None, ``conflict`` True);
  3. else an automation decision (source ``criteria``, e.g. a year limit): exclude with its
     reason. A human decision always wins over automation.
  4. else undecided (no verdict).
* Records at ``title_abstract``: the canonical records (``duplicate_of IS NULL``).
  Records at ``full_text``: those whose final title/abstract verdict is include or maybe.
* A full-text record whose latest ``retrieval`` row says ``not_retrieved`` is not assessed.
* Reasons are stored as the reason's text from review.toml (not its number).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils

from screener.db import now

STAGES = ("title_abstract", "full_text")
DECISIONS = ("include", "exclude", "maybe")
HUMAN_SOURCES = ("human", "import")
AUTOMATION_SOURCE = "criteria"
CONSENSUS_SOURCE = "consensus"


@dataclass(frozen=True)
class Decision:
    """A reviewer's current decision on one record at one stage."""

    id: int
    decision: str
    reason: str | None
    note: str | None
    source: str
    created_at: str


@dataclass(frozen=True)
class Verdict:
    record_id: int
    stage: str
    decision: str | None  # include | exclude | maybe | None (conflict)
    reason: str | None
    source: str  # human | import | consensus | criteria
    conflict: bool = False
    reviewers: dict[str, str] = field(default_factory=dict)  # reviewer -> current decision


def record_decision(
    db: sqlite_utils.Database,
    record_id: int,
    stage: str,
    reviewer: str,
    decision: str,
    reason: str | None = None,
    note: str | None = None,
    source: str = "human",
) -> int:
    """Append one decision (committed at once) and return its id."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if decision not in (*DECISIONS, "undo"):
        raise ValueError(f"unknown decision {decision!r}")
    with db.conn:
        cursor = db.execute(
            "insert into decisions (record_id, stage, reviewer, decision, reason, note, source,"
            " created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [record_id, stage, reviewer, decision, reason, note, source, now()],
        )
    return int(cursor.lastrowid or 0)


def current_decisions(
    db: sqlite_utils.Database, stage: str, reviewer: str | None = None
) -> dict[int, dict[str, Decision]]:
    """record_id -> reviewer -> current Decision (undo applied), for one stage."""
    sql = (
        "select id, record_id, reviewer, decision, reason, note, source, created_at"
        " from decisions where stage = ?"
    )
    params: list[object] = [stage]
    if reviewer is not None:
        sql += " and reviewer = ?"
        params.append(reviewer)
    stacks: dict[tuple[int, str], list[Decision]] = defaultdict(list)
    for row in db.execute(sql + " order by id", params).fetchall():
        row_id, record_id, who, decision, reason, note, source, created = row
        stack = stacks[(record_id, who)]
        if decision == "undo":
            if stack:
                stack.pop()
        else:
            stack.append(Decision(row_id, decision, reason, note, source, created))
    out: dict[int, dict[str, Decision]] = defaultdict(dict)
    for (record_id, who), stack in stacks.items():
        if stack:
            out[record_id][who] = stack[-1]
    return dict(out)


def _final(record_id: int, stage: str, current: dict[str, Decision]) -> Verdict | None:
    consensus = [d for d in current.values() if d.source == CONSENSUS_SOURCE]
    humans = {w: d for w, d in current.items() if d.source in HUMAN_SOURCES}
    shown = {w: d.decision for w, d in humans.items()}
    if consensus:
        last = max(consensus, key=lambda d: d.id)
        return Verdict(record_id, stage, last.decision, last.reason, CONSENSUS_SOURCE, False, shown)
    if humans:
        kinds = {d.decision for d in humans.values()}
        if len(kinds) == 1:
            last = max(humans.values(), key=lambda d: d.id)
            reason = next((d.reason for d in humans.values() if d.reason), None)
            return Verdict(record_id, stage, last.decision, reason, last.source, False, shown)
        return Verdict(record_id, stage, None, None, "human", True, shown)
    automation = [d for d in current.values() if d.source == AUTOMATION_SOURCE]
    if automation:
        last = max(automation, key=lambda d: d.id)
        return Verdict(record_id, stage, last.decision, last.reason, AUTOMATION_SOURCE)
    return None


def stage_records(db: sqlite_utils.Database, stage: str) -> list[int]:
    """The records to be screened at a stage, in import order."""
    canonical = [
        r[0] for r in db.execute("select id from records where duplicate_of is null order by id")
    ]
    if stage == "title_abstract":
        return canonical
    passed = verdicts(db, "title_abstract")
    return [
        rid
        for rid in canonical
        if (v := passed.get(rid)) is not None and v.decision in ("include", "maybe")
    ]


def verdicts(db: sqlite_utils.Database, stage: str) -> dict[int, Verdict]:
    """record_id -> final Verdict for every record with a current decision at ``stage``.

    Only records that are at the stage count (canonical; passed title/abstract for full text).
    """
    current = current_decisions(db, stage)
    eligible = set(stage_records(db, stage)) if stage == "full_text" else None
    duplicates = {r[0] for r in db.execute("select id from records where duplicate_of is not null")}
    out: dict[int, Verdict] = {}
    for record_id, by_reviewer in current.items():
        if record_id in duplicates or (eligible is not None and record_id not in eligible):
            continue
        verdict = _final(record_id, stage, by_reviewer)
        if verdict is not None:
            out[record_id] = verdict
    return out


def not_retrieved(db: sqlite_utils.Database) -> dict[int, str | None]:
    """record_id -> reason, for full-text records whose latest retrieval row is not_retrieved."""
    latest: dict[int, tuple[str, str | None]] = {}
    for record_id, status, reason in db.execute(
        "select record_id, status, reason from retrieval order by id"
    ).fetchall():
        latest[record_id] = (status, reason)
    return {rid: reason for rid, (status, reason) in latest.items() if status == "not_retrieved"}


def included(db: sqlite_utils.Database) -> list[int]:
    """Records finally included at full text (retrieved), in import order."""
    final = verdicts(db, "full_text")
    missing = not_retrieved(db)
    return sorted(rid for rid, v in final.items() if v.decision == "include" and rid not in missing)
