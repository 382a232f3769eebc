"""Resolving disagreements: which records the reviewers disagree on, their votes, the consensus.

Rules:

* A record *disagreed on* at a stage is one at the stage whose human reviewers' current
  decisions (sources ``human`` and ``import``) are not all the same. It stays disagreed on after
  a consensus is recorded (so a resolution can be seen and changed); it is a *conflict*
  (``screener.screening.agreement.conflicts``) only while no consensus decision is current.
* A consensus decision is recorded by :func:`screener.screening.agreement.resolve` (reviewer
  ``consensus``, source ``consensus``, the note saying who resolved it) and taken back by
  :func:`~screener.screening.agreement.unresolve` (an ``undo`` row).
* The votes are every reviewer's decisions: resolving needs the review unblinded
  (:func:`screener.screening.blinding.require_unblinded`).
"""

from __future__ import annotations

import sqlite_utils

from screener.screening.agreement import CONSENSUS_REVIEWER
from screener.screening.verdict import (
    CONSENSUS_SOURCE,
    HUMAN_SOURCES,
    Decision,
    current_decisions,
    stage_records,
)

__all__ = ["CONSENSUS_REVIEWER", "CONSENSUS_SOURCE", "disagreements", "human_votes"]


def human_votes(
    db: sqlite_utils.Database, stage: str, record_id: int | None = None
) -> dict[int, dict[str, Decision]]:
    """record_id -> human reviewer -> current decision (sorted by reviewer name)."""
    out: dict[int, dict[str, Decision]] = {}
    for rid, by in current_decisions(db, stage, record_id=record_id).items():
        humans = {w: d for w, d in sorted(by.items()) if d.source in HUMAN_SOURCES}
        if humans:
            out[rid] = humans
    return out


def disagreements(db: sqlite_utils.Database, stage: str, *, required: int) -> list[int]:
    """The records at the stage whose human reviewers disagree, resolved or not, by id
    (``required``: the protocol's reviewers per record, which decides the full-text records)."""
    at_stage = set(stage_records(db, stage, required=required))
    return sorted(
        rid
        for rid, by in human_votes(db, stage).items()
        if rid in at_stage and len({d.decision for d in by.values()}) > 1
    )
