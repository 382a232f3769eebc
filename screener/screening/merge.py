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

from screener.db import DB_NAME, check_review_db, damaged
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
    warnings: list[str] = field(default_factory=list)  # searches in one copy only


@contextmanager
def _read_only(folder: Path) -> Iterator[sqlite_utils.Database]:
    path = folder / DB_NAME
    if not path.exists():
        raise ReviewError(
            f"{folder} is not a review: it has no {DB_NAME}.",
            hint="Pass the folder of the other reviewer's copy of the review.",
        )
    check_review_db(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        if not {"_migrations", "searches", "records", "decisions", "retrieval"} <= tables:
            raise damaged(path, "it has no screener tables (another program's database?)")
        check = conn.execute("pragma quick_check(1)").fetchone()[0]
        if check != "ok":
            raise damaged(path, f"SQLite's quick_check finds: {check}")
        yield sqlite_utils.Database(conn)
    except sqlite3.DatabaseError as exc:
        if type(exc) is not sqlite3.DatabaseError:
            raise
        raise damaged(path, exc) from None
    finally:
        conn.close()


def _same_review(
    db: sqlite_utils.Database, theirs: sqlite_utils.Database, other: Path
) -> list[str]:
    """Refuse a copy that shares no search with this review; warn when their searches differ.

    Searches are compared by the sha256 of the imported file, so the names may differ.
    """
    here = {sha: name for sha, name in db.execute("select sha256, file_name from searches")}
    there = {sha: name for sha, name in theirs.execute("select sha256, file_name from searches")}
    if there and not set(here) & set(there):
        raise ReviewError(
            f"{other} is not a copy of this review: none of its {len(there)} imported "
            f"file(s) is among the {len(here)} imported here (compared by content, sha256).",
            hint="Merge only copies built from the same imports (screener searches lists them).",
        )
    only_there = sorted(name for sha, name in there.items() if sha not in here)
    only_here = sorted(name for sha, name in here.items() if sha not in there)
    warnings = []
    if only_there:
        warnings.append(
            f"{other} holds {len(only_there)} import(s) this review lacks "
            f"({', '.join(only_there[:5])}{', ...' if len(only_there) > 5 else ''}): "
            "decisions on their records are not merged."
        )
    if only_here:
        warnings.append(
            f"This review holds {len(only_here)} import(s) that {other} lacks "
            f"({', '.join(only_here[:5])}{', ...' if len(only_here) > 5 else ''})."
        )
    return warnings


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
        result.warnings = _same_review(db, theirs, other)
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
