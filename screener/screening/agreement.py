"""Agreement between reviewers (Cohen's kappa, percentage agreement) and their conflicts.

Convention for agreement: decisions are compared as **excluded vs not excluded**, so ``maybe``
counts as ``include`` (as Covidence's inter-rater export does): at title/abstract a maybe sends
the record on to full text exactly as an include does. Agreement is computed over the records
at the stage that *both* reviewers have a current human decision on (``human`` or ``import``
source; consensus and automation are not reviewers). With more than two reviewers it is given
for every pair.

Conflicts are the records whose final verdict (screener.screening.verdict) is a conflict: the human
reviewers' current decisions differ (include vs maybe counts as a conflict there, since the
record's final decision is not settled) and no consensus decision has been recorded.

Resolving one is a consensus decision (:func:`resolve`): a row of reviewer ``consensus``, source
``consensus``, noting who resolved it; it settles the verdict whatever the reviewers decided.
:func:`unresolve` cancels the latest one. Both show every reviewer's votes, so the commands and
the app call them only when the review is not blinded (``screener.screening.blinding``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import sqlite_utils

from screener.errors import DataError
from screener.screening.verdict import (
    CONSENSUS_SOURCE,
    DECISIONS,
    HUMAN_SOURCES,
    STAGES,
    Decision,
    current_decisions,
    record_decision,
    stage_records,
    verdicts,
)

CONSENSUS_REVIEWER = "consensus"  # the reviewer name of every consensus row

AGREEMENT_NOTE = "maybe counts as include: agreement is on excluded vs not excluded"


@dataclass(frozen=True)
class Agreement:
    """Agreement of reviewers ``a`` and ``b`` at one stage.

    ``table`` is the 2x2 count table ``((a not excluded & b not excluded, a not excl & b excl),
    (a excl & b not excl, a excl & b excl))``. ``kappa`` and ``percent`` are None when no
    record was decided by both; ``kappa`` is None too when chance agreement is 1 (both
    reviewers put every record in the same single category).
    """

    a: str
    b: str
    n: int
    agree: int
    kappa: float | None
    percent: float | None
    table: tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Conflict:
    """A record the human reviewers disagree on; ``decisions`` holds each one's current
    decision with its reason and note (read the record itself with ``Session.record``)."""

    record_id: int
    stage: str
    title: str
    year: int | None
    decisions: dict[str, Decision]  # human reviewer -> current decision


def cohen_kappa(table: tuple[tuple[int, int], tuple[int, int]]) -> float | None:
    """Cohen's kappa of a 2x2 table (rows: reviewer a, columns: reviewer b)."""
    (p, q), (r, s) = table
    n = p + q + r + s
    if n == 0:
        return None
    observed = (p + s) / n
    a_yes, b_yes = (p + q) / n, (p + r) / n
    chance = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if chance == 1:
        return None
    return (observed - chance) / (1 - chance)


def _human(
    db: sqlite_utils.Database,
    stage: str,
    current: dict[int, dict[str, Decision]] | None = None,
    eligible: set[int] | None = None,
    required: int = 1,
) -> dict[int, dict[str, Decision]]:
    if eligible is None:
        eligible = set(stage_records(db, stage, required=required))
    if current is None:
        current = current_decisions(db, stage)
    out: dict[int, dict[str, Decision]] = {}
    for rid, by_reviewer in current.items():
        if rid not in eligible:
            continue
        humans = {w: d for w, d in by_reviewer.items() if d.source in HUMAN_SOURCES}
        if humans:
            out[rid] = humans
    return out


def _agreement(human: dict[int, dict[str, Decision]], a: str, b: str) -> Agreement:
    counts = [[0, 0], [0, 0]]
    for by in human.values():
        if a in by and b in by:
            i = 1 if by[a].decision == "exclude" else 0
            j = 1 if by[b].decision == "exclude" else 0
            counts[i][j] += 1
    table = ((counts[0][0], counts[0][1]), (counts[1][0], counts[1][1]))
    n = sum(map(sum, counts))
    agree = counts[0][0] + counts[1][1]
    percent = 100 * agree / n if n else None
    return Agreement(a, b, n, agree, cohen_kappa(table), percent, table)


def agreement(
    db: sqlite_utils.Database, stage: str, a: str, b: str, *, required: int = 1
) -> Agreement:
    """Agreement of two reviewers at a stage (maybe counts as include: 'not excluded')."""
    return _agreement(_human(db, stage, required=required), a, b)


def pairwise(
    db: sqlite_utils.Database,
    stage: str,
    current: dict[int, dict[str, Decision]] | None = None,
    eligible: set[int] | None = None,
    *,
    required: int = 1,
) -> list[Agreement]:
    """Agreement for every pair of human reviewers who both decided at least one record.

    ``current`` (``current_decisions(db, stage)``) and ``eligible`` (the record ids at the
    stage) may be passed in when the caller already has them.
    """
    human = _human(db, stage, current, eligible, required)
    names = sorted({w for by in human.values() for w in by})
    pairs = [_agreement(human, a, b) for a, b in combinations(names, 2)]
    return [p for p in pairs if p.n]


def conflicts(db: sqlite_utils.Database, stage: str, *, required: int = 1) -> list[Conflict]:
    """The records at a stage whose reviewers disagree and that have no consensus yet, by id
    (``required``: the protocol's reviewers per record, which decides the full-text records)."""
    final = verdicts(db, stage, required=required)
    ids = sorted(rid for rid, v in final.items() if v.conflict)
    if not ids:
        return []
    human = _human(db, stage, required=required)
    titles = {
        row["id"]: row
        for row in db.query(
            f"select id, title, year from records where id in ({','.join('?' * len(ids))})", ids
        )
    }
    return [
        Conflict(
            rid,
            stage,
            titles[rid]["title"] or "",
            titles[rid]["year"],
            dict(sorted(human.get(rid, {}).items())),
        )
        for rid in ids
    ]


def resolve(
    db: sqlite_utils.Database,
    record_id: int,
    stage: str,
    decision: str,
    reason: str | None = None,
    note: str | None = None,
    by: str | None = None,
) -> int:
    """Record a consensus decision (committed) and return its row id.

    ``reason``: the reason's text (an exclusion at full text needs one); ``by``: who resolved
    it, kept in the note as "resolved by NAME" before ``note``.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    if decision == "exclude" and stage == "full_text" and not (reason or "").strip():
        raise DataError("A full-text exclusion needs a reason.")
    parts = [f"resolved by {by}" if by else "", (note or "").strip()]
    text = "; ".join(p for p in parts if p) or None
    return record_decision(
        db, record_id, stage, CONSENSUS_REVIEWER, decision, reason, text, CONSENSUS_SOURCE
    )


def unresolve(db: sqlite_utils.Database, record_id: int, stage: str) -> int:
    """Cancel the latest consensus decision on a record (an ``undo`` row); return its row id."""
    return record_decision(
        db, record_id, stage, CONSENSUS_REVIEWER, "undo", source=CONSENSUS_SOURCE
    )
