"""The current and final decisions per record and stage, derived from the append-only log.

Rules (every count of the review rests on them):

* Decisions are rows of ``decisions``; nothing is updated or deleted. ``undo`` cancels that
  reviewer's latest not-yet-cancelled decision for the record and stage (a stack per reviewer).
* A reviewer's *current* decision is the top of that stack (None when empty).
* The protocol says how many human reviewers must decide each record: ``[screening] reviewers``
  of review.toml, N (1 unless set). Every function here that gives a verdict takes it as
  ``required=N``; callers read it from the protocol (``Protocol.reviewers``).
* The *final* verdict of a record at a stage:
  1. a ``consensus`` decision (source ``consensus``) when one is current: final, whoever
     decided before;
  2. else the human reviewers' current decisions (sources ``human`` and ``import``):
     - when they differ, a **conflict** (``decision`` None, ``conflict`` True), even if fewer
       than N have decided: only a consensus decision settles it;
     - when they agree and at least N reviewers decided, that decision;
     - when they agree but fewer than N decided, **awaiting** (``decision`` None, ``awaiting``
       True): not final until the other reviewers decide;
  3. else an automation decision (source ``criteria``, e.g. a year limit): exclude with its
     reason, final without any reviewer. A human decision always wins over automation (a
     record a person opened needs its N human reviewers like any other).
  4. else undecided (no verdict).
  A verdict is *final* when its ``decision`` is set (include, exclude or maybe). Conflicts and
  awaiting records are not final: everything downstream (the full-text queue, PRISMA, exports,
  the hand-off to pooling, ``status``) treats them as undecided.
* Records at ``title_abstract``: the canonical records (``duplicate_of IS NULL``).
  Records at ``full_text``: those whose final title/abstract verdict is include or maybe.
* A full-text record whose latest ``retrieval`` row says ``not_retrieved`` is not assessed.
* Reasons are stored as the reason's text from review.toml (not its number). The reason of an
  agreed exclusion is the first human reason, in the order the reviewers first decided.

How far a stage has got (done, left, awaiting, per reviewer) is
:func:`screener.screening.progress.progress`, built on these rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from screener.db import now, transaction

STAGES = ("title_abstract", "full_text")
STAGE_LABELS = {"title_abstract": "title/abstract", "full_text": "full text"}  # for people
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
    """The final verdict of one record at one stage (the rules of the module docstring)."""

    record_id: int
    stage: str
    decision: str | None  # include | exclude | maybe | None (conflict or awaiting)
    reason: str | None
    source: str  # human | import | consensus | criteria
    conflict: bool = False
    reviewers: dict[str, str] = field(default_factory=dict)  # reviewer -> current decision
    awaiting: bool = False  # fewer than the required human reviewers decided (they agree)

    @property
    def final(self) -> bool:
        """A settled include, exclude or maybe (not a conflict, not awaiting)."""
        return self.decision is not None


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
    with transaction(db) as conn:
        cursor = conn.execute(
            "insert into decisions (record_id, stage, reviewer, decision, reason, note, source,"
            " created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [record_id, stage, reviewer, decision, reason, note, source, now()],
        )
    return int(cursor.lastrowid or 0)


Row = tuple[int, int, str, str, str | None, str | None, str, str]
# (id, record_id, reviewer, decision, reason, note, source, created_at) of one decisions row


_COLUMNS = "id, record_id, reviewer, decision, reason, note, source, created_at"


def _current_rows(
    db: sqlite_utils.Database,
    stage: str,
    reviewer: str | None = None,
    record_id: int | None = None,
) -> dict[tuple[int, str], Row]:
    """(record_id, reviewer) -> the row of that reviewer's current decision (undo applied).

    Keys keep the order in which each (record, reviewer) first appears in the log. Where a
    reviewer never pressed undo on a record, the current row is simply the latest: SQLite finds
    it. Only the (record, reviewer) pairs with an undo are replayed here, as a stack.
    """
    where = "stage = ?"
    params: list[object] = [stage]
    if reviewer is not None:
        where += " and reviewer = ?"
        params.append(reviewer)
    if record_id is not None:
        where += " and record_id = ?"
        params.append(record_id)
    latest = db.execute(
        f"with g as (select min(id) as first, max(id) as last, sum(decision = 'undo') as undos"
        f" from decisions where {where} group by record_id, reviewer)"
        f" select g.undos, {', '.join('d.' + c for c in _COLUMNS.split(', '))}"
        " from g join decisions d on d.id = g.last order by g.first",
        params,
    ).fetchall()
    replayed = _replay(db, where, params, {(r[2], r[3]) for r in latest if r[0]})
    out: dict[tuple[int, str], Row] = {}
    for undos, *row in latest:
        key = (row[1], row[2])
        current = replayed.get(key) if undos else tuple(row)
        if current is not None:
            out[key] = current
    return out


def _replay(
    db: sqlite_utils.Database, where: str, params: list[object], keys: set[tuple[int, str]]
) -> dict[tuple[int, str], Row]:
    """The current rows of the (record, reviewer) pairs in ``keys``, replaying their undos."""
    if not keys:
        return {}
    stacks: dict[tuple[int, str], list[Row]] = {key: [] for key in keys}
    records = sorted({record_id for record_id, _ in keys})
    for start in range(0, len(records), 500):
        chunk = records[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in db.execute(
            f"select {_COLUMNS} from decisions where {where} and record_id in ({marks})"
            " order by id",
            [*params, *chunk],
        ):
            stack = stacks.get((row[1], row[2]))
            if stack is None:
                continue
            if row[3] == "undo":
                if stack:
                    stack.pop()
            else:
                stack.append(row)
    return {key: stack[-1] for key, stack in stacks.items() if stack}


def current_decisions(
    db: sqlite_utils.Database,
    stage: str,
    reviewer: str | None = None,
    record_id: int | None = None,
) -> dict[int, dict[str, Decision]]:
    """record_id -> reviewer -> current Decision (undo applied), for one stage (optionally one
    reviewer and/or one record)."""
    out: dict[int, dict[str, Decision]] = {}
    for (rid, who), row in _current_rows(db, stage, reviewer, record_id).items():
        decision = Decision(row[0], row[3], row[4], row[5], row[6], row[7])
        out.setdefault(rid, {})[who] = decision
    return out


def stage_records(db: sqlite_utils.Database, stage: str, *, required: int = 1) -> list[int]:
    """The records to be screened at a stage, in import order: the canonical records at
    title/abstract; at full text those whose *final* title/abstract verdict (with ``required``
    human reviewers) is include or maybe."""
    canonical = [
        r[0] for r in db.execute("select id from records where duplicate_of is null order by id")
    ]
    if stage == "title_abstract":
        return canonical
    passed = verdicts(db, "title_abstract", required=required)
    return [
        rid
        for rid in canonical
        if (v := passed.get(rid)) is not None and v.decision in ("include", "maybe")
    ]


def _final_rows(
    record_id: int, stage: str, current: list[tuple[str, Row]], required: int
) -> Verdict | None:
    """The final verdict of one record from its reviewers' current rows (the rules above)."""
    consensus: Row | None = None
    automation: Row | None = None
    last: Row | None = None  # the latest human row
    reason: str | None = None  # the first human reason, in reviewer order
    agree = True
    shown: dict[str, str] = {}
    for who, row in current:
        source = row[6]
        if source in HUMAN_SOURCES:
            if last is None:
                last = row
            else:
                if row[3] != last[3]:
                    agree = False
                if row[0] > last[0]:
                    last = row
            if reason is None and row[4]:
                reason = row[4]
            shown[who] = row[3]
        elif source == CONSENSUS_SOURCE:
            if consensus is None or row[0] > consensus[0]:
                consensus = row
        elif source == AUTOMATION_SOURCE and (automation is None or row[0] > automation[0]):
            automation = row
    if consensus is not None:
        return Verdict(record_id, stage, consensus[3], consensus[4], CONSENSUS_SOURCE, False, shown)
    if last is not None:
        if not agree:
            return Verdict(record_id, stage, None, None, "human", True, shown)
        if len(shown) < required:
            return Verdict(record_id, stage, None, None, last[6], False, shown, awaiting=True)
        return Verdict(record_id, stage, last[3], reason, last[6], False, shown)
    if automation is not None:
        return Verdict(record_id, stage, automation[3], automation[4], AUTOMATION_SOURCE)
    return None


def verdicts(
    db: sqlite_utils.Database,
    stage: str,
    title_abstract: dict[int, Verdict] | None = None,
    *,
    required: int = 1,
) -> dict[int, Verdict]:
    """record_id -> Verdict for every record with a current decision at ``stage``: final ones,
    conflicts and records awaiting reviewers (``required`` human reviewers per record: the
    protocol's ``[screening] reviewers``).

    Only records that are at the stage count (canonical; passed title/abstract for full text).
    For ``full_text``, pass the title/abstract verdicts when already computed (saves a pass;
    they must have been computed with the same ``required``).
    """
    by_record: dict[int, list[tuple[str, Row]]] = {}
    for (record_id, who), row in _current_rows(db, stage).items():
        by_record.setdefault(record_id, []).append((who, row))
    duplicates = {r[0] for r in db.execute("select id from records where duplicate_of is not null")}
    eligible: set[int] | None = None
    if stage == "full_text":
        passed = (
            title_abstract
            if title_abstract is not None
            else verdicts(db, "title_abstract", required=required)
        )
        eligible = {
            rid
            for rid, v in passed.items()
            if v.decision in ("include", "maybe") and rid not in duplicates
        }
    out: dict[int, Verdict] = {}
    for record_id, rows in by_record.items():
        if record_id in duplicates or (eligible is not None and record_id not in eligible):
            continue
        verdict = _final_rows(record_id, stage, rows, required)
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


def included(db: sqlite_utils.Database, *, required: int = 1) -> list[int]:
    """Records finally included at full text (retrieved), in import order (``required``: the
    protocol's number of human reviewers per record)."""
    final = verdicts(db, "full_text", required=required)
    missing = not_retrieved(db)
    return sorted(rid for rid, v in final.items() if v.decision == "include" and rid not in missing)
