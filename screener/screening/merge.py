"""Bring another reviewer's decisions into this review (``screener merge OTHER_REVIEW_DIR``).

Blinded dual screening without a server: each reviewer screens in their own copy of the review
(built from the same imports), then one copy merges the other. Records are matched by stable
keys (PMID, DOI, accession numbers, normalised title + year), never by id, and each decision
goes to the canonical record of its group here.

What is merged: every reviewer's *current* decision per record and stage in the other review
(its undo history is not replayed), except automation (reviewer ``criteria``: run
``screener criteria`` here instead), and the latest retrieval status of each record. The
original time of each decision is kept.

Idempotent: a decision equal to the reviewer's current decision here is skipped ("already
present"); when the same reviewer's decision here differs and is newer, it is kept.
The other review is opened read-only and never changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from screener.db import DB_NAME
from screener.errors import ReviewError
from screener.recordindex import RecordIndex
from screener.screening.decisionfile import PlannedDecision, apply_decisions
from screener.screening.verdict import AUTOMATION_SOURCE, STAGES, current_decisions


@dataclass
class MergeResult:
    added: int = 0
    already: int = 0
    kept_newer: int = 0
    unmatched: list[int] = field(default_factory=list)  # other review's record ids not found
    reviewers: list[str] = field(default_factory=list)  # reviewers whose decisions were read


@contextmanager
def _read_only(folder: Path) -> Iterator[sqlite_utils.Database]:
    path = folder / DB_NAME
    if not path.is_file():
        raise ReviewError(
            f"{folder} is not a review: it has no {DB_NAME}.",
            hint="Pass the folder of the other reviewer's copy of the review.",
        )
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield sqlite_utils.Database(conn)
    finally:
        conn.close()


def merge_review(
    db: sqlite_utils.Database, other: Path, reviewers: list[str] | None = None
) -> MergeResult:
    """Merge the decisions of ``other`` (a review folder) into ``db``; see the module doc.

    ``reviewers`` limits the merge to those reviewer names.
    """
    result = MergeResult()
    index = RecordIndex(db)
    planned: list[PlannedDecision] = []
    names: set[str] = set()
    with _read_only(other) as theirs:
        matched: dict[int, int | None] = {}

        def local(rid: int) -> int | None:
            if rid not in matched:
                row = theirs.execute(
                    "select id, title, year, doi, pmid, accessions from records where id = ?",
                    [rid],
                ).fetchone()
                cols = ("id", "title", "year", "doi", "pmid", "accessions")
                matched[rid] = index.match(dict(zip(cols, row, strict=True))) if row else None
            return matched[rid]

        for stage in STAGES:
            for rid, by_reviewer in sorted(current_decisions(theirs, stage).items()):
                for who, d in sorted(by_reviewer.items()):
                    if d.source == AUTOMATION_SOURCE or (reviewers and who not in reviewers):
                        continue
                    target = local(rid)
                    if target is None:
                        continue
                    names.add(who)
                    planned.append(
                        PlannedDecision(
                            target,
                            stage,
                            who,
                            d.decision,
                            d.reason,
                            d.note,
                            d.source,
                            d.created_at,
                        )
                    )
        for rid, status, reason, who, created in theirs.execute(
            "select record_id, status, reason, reviewer, created_at from retrieval where id in"
            " (select max(id) from retrieval group by record_id) order by record_id"
        ).fetchall():
            if reviewers and who not in reviewers:
                continue
            target = local(rid)
            if target is not None:
                planned.append(
                    PlannedDecision(
                        target, "full_text", who or "", status, reason, None, "human", created
                    )
                )
    applied = apply_decisions(db, planned, keep_newer=True)
    result.added, result.already, result.kept_newer = (
        applied.added,
        applied.already,
        applied.kept_newer,
    )
    result.unmatched = sorted(rid for rid, local_id in matched.items() if local_id is None)
    result.reviewers = sorted(names)
    return result
