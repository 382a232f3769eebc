"""One deduplication run: block, score, decide, store the pairs, regroup."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from screener.dedupe import store
from screener.dedupe.blocking import candidate_pairs
from screener.dedupe.model import MODEL, Model
from screener.dedupe.rules import AUTO, REVIEW, decide
from screener.dedupe.scoring import compare


@dataclass(frozen=True)
class DedupeSummary:
    records: int  # records in the review
    new: int  # records compared in this run (not compared before)
    candidates: int  # pairs scored
    auto: int  # pairs linked automatically in this run
    review: int  # pairs sent to the review queue in this run
    groups: int  # duplicate groups in the review after the run
    duplicates: int  # records pointing to a kept record after the run
    changed: int  # records whose duplicate_of changed in this run


def deduplicate(
    db: sqlite_utils.Database,
    prefer_databases: Sequence[str] = (),
    full: bool = False,
    model: Model = MODEL,
) -> DedupeSummary:
    """Link duplicates among the records not compared before (all records with ``full``).

    ``model``: the score's coefficients (the fitted ``MODEL``; the accuracy bench passes
    models fitted without the set it measures).

    Human decisions on pairs (confirmed/rejected) are never overwritten. Idempotent: a second
    run with no new records compares nothing and changes nothing.
    """
    through = 0 if full else store.compared_through(db)
    if not full and not store.has_records_after(db, through):
        return _unchanged(db)
    records = store.load(db)
    new = [i for i, f in enumerate(records) if f.id > through]
    existing = store.pair_statuses(db)
    found: list[store.FoundPair] = []
    auto = review = 0
    candidates = candidate_pairs(records, new) if new else []
    for i, j in candidates:
        a, b = records[i], records[j]
        if existing.get((a.id, b.id)) in store.HUMAN:
            continue
        scores = compare(a, b)
        verdict = decide(a, b, scores, model)
        if verdict.status is None:
            continue
        found.append((a.id, b.id, verdict.score, json.dumps(scores, sort_keys=True), verdict))
        auto += verdict.status == AUTO
        review += verdict.status == REVIEW
    with store.transaction(db):
        if full:
            seen = {(row[0], row[1]) for row in found}
            store.forget_pairs(
                db, [p for p, s in existing.items() if p not in seen and s not in store.HUMAN]
            )
        store.write_pairs(db, found)
        groups, changed = store.regroup(db, prefer_databases, {f.id: f for f in records})
        if records:
            store.set_compared_through(db, max(f.id for f in records))
    duplicates = db.execute(
        "select count(*) from records where duplicate_of is not null"
    ).fetchone()[0]
    return DedupeSummary(
        len(records), len(new), len(candidates), auto, review, groups, duplicates, changed
    )


def _unchanged(db: sqlite_utils.Database) -> DedupeSummary:
    """Nothing new to compare: the review as it stands."""
    total = db.execute("select count(*) from records").fetchone()[0]
    duplicates, groups = db.execute(
        "select count(*), count(distinct duplicate_of) from records where duplicate_of is not null"
    ).fetchone()
    return DedupeSummary(total, 0, 0, 0, 0, groups, duplicates, 0)
