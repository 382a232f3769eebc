"""Human decisions on pairs (review queue, manual link/unlink), explanations and PRISMA counts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from screener.db import now
from screener.dedupe import store
from screener.dedupe.blocking import candidate_pairs
from screener.dedupe.features import features
from screener.dedupe.model import MODEL, contributions, logit, probability
from screener.dedupe.rules import decide
from screener.dedupe.scoring import compare
from screener.errors import DataError

PAIR_DECISIONS = ("confirmed", "rejected")


@dataclass(frozen=True)
class Pair:
    id: int
    record_a: int
    record_b: int
    score: float
    scores: dict[str, Any]
    rule: str
    status: str
    reviewer: str | None
    decided_at: str | None


def _pair(row: dict[str, Any]) -> Pair:
    return Pair(
        row["id"],
        row["record_a"],
        row["record_b"],
        float(row["score"] or 0),
        json.loads(row["scores"] or "{}"),
        row["rule"] or "",
        row["status"],
        row["reviewer"],
        row["decided_at"],
    )


def _roots(db: sqlite_utils.Database) -> dict[int, int]:
    """record id -> the record kept for its group (only for records that are duplicates)."""
    return dict(db.execute("select id, duplicate_of from records where duplicate_of is not null"))


def review_queue(db: sqlite_utils.Database) -> list[Pair]:
    """Pairs waiting for a human, best first; pairs already inside one group are left out."""
    roots = _roots(db)
    out = []
    for row in db.query(
        "select * from duplicate_pairs where status = 'review' order by score desc, id"
    ):
        a, b = row["record_a"], row["record_b"]
        if roots.get(a, a) != roots.get(b, b):
            out.append(_pair(row))
    return out


def pairs_of(db: sqlite_utils.Database, record_id: int) -> list[Pair]:
    return [
        _pair(row)
        for row in db.query(
            "select * from duplicate_pairs where record_a = ? or record_b = ? order by id",
            [record_id, record_id],
        )
    ]


def _require(db: sqlite_utils.Database, *ids: int) -> None:
    for record_id in ids:
        if not db.execute("select 1 from records where id = ?", [record_id]).fetchone():
            raise DataError(f"Record {record_id} does not exist in this review.")


def _set_pair(
    db: sqlite_utils.Database, a: int, b: int, status: str, reviewer: str, rule: str
) -> None:
    if a == b:
        raise DataError(f"Record {a} cannot be linked to itself.")
    a, b = min(a, b), max(a, b)
    first, second = (features(r) for r in store.rows(db, "where r.id in (?, ?)", [a, b]))
    scores = compare(first, second)
    score = decide(first, second, scores).score
    stamp = now()
    db.execute(
        "insert into duplicate_pairs (record_a, record_b, score, scores, rule, status, reviewer,"
        " decided_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " on conflict(record_a, record_b) do update set status = excluded.status,"
        " reviewer = excluded.reviewer, decided_at = excluded.decided_at, rule = excluded.rule",
        [a, b, score, json.dumps(scores, sort_keys=True), rule, status, reviewer, stamp, stamp],
    )


def decide_pair(
    db: sqlite_utils.Database,
    pair_id: int,
    status: str,
    reviewer: str,
    prefer_databases: Sequence[str] = (),
) -> None:
    """Confirm or reject a queued pair; the groups are recomputed at once."""
    if status not in PAIR_DECISIONS:
        raise DataError(f"A pair decision is confirmed or rejected, not {status!r}.")
    row = db.execute(
        "select record_a, record_b from duplicate_pairs where id = ?", [pair_id]
    ).fetchone()
    if row is None:
        raise DataError(f"Pair {pair_id} does not exist in this review.")
    with store.transaction(db):
        db.execute(
            "update duplicate_pairs set status = ?, reviewer = ?, decided_at = ? where id = ?",
            [status, reviewer, now(), pair_id],
        )
        store.regroup(db, prefer_databases)


def link(
    db: sqlite_utils.Database,
    record_id: int,
    other_id: int,
    reviewer: str,
    prefer_databases: Sequence[str] = (),
) -> int:
    """Mark two records as duplicates (e.g. found mid-screening); returns the kept record's id.

    Stored as a confirmed pair, so every later run honours it.
    """
    _require(db, record_id, other_id)
    with store.transaction(db):
        _set_pair(db, record_id, other_id, "confirmed", reviewer, "manual")
        store.regroup(db, prefer_databases)
    roots = _roots(db)
    return roots.get(record_id, record_id)


def unlink(
    db: sqlite_utils.Database,
    record_id: int,
    reviewer: str,
    other_id: int | None = None,
    prefer_databases: Sequence[str] = (),
) -> list[int]:
    """Say a record is not a duplicate of ``other_id`` (default: of any record in its group).

    Stored as rejected pairs, which no later run overrides. Returns the ids it was split from.
    """
    _require(db, record_id)
    roots = _roots(db)
    root = roots.get(record_id, record_id)
    if other_id is None:
        others = [r for r, k in roots.items() if k == root and r != record_id]
        if root != record_id:
            others.append(root)
        if not others:
            raise DataError(f"Record {record_id} is not linked to any record.")
    else:
        _require(db, other_id)
        others = [other_id]
    with store.transaction(db):
        for other in sorted(others):
            _set_pair(db, record_id, other, "rejected", reviewer, "manual")
        store.regroup(db, prefer_databases)
    return sorted(others)


def duplicates_removed(db: sqlite_utils.Database, round: int | None = None) -> int:
    """Records linked to a kept record (PRISMA "duplicate records removed"), optionally only
    those imported in search round ``round``."""
    sql = "select count(*) from records r"
    params: list[Any] = []
    if round is not None:
        sql += " join searches s on s.id = r.search_id where s.round = ? and"
        params.append(round)
    else:
        sql += " where"
    return int(db.execute(sql + " r.duplicate_of is not null", params).fetchone()[0])


def decisions_on_duplicates(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Screening decisions recorded on records that are now duplicates (kept, never moved)."""
    return list(
        db.query(
            "select d.*, r.duplicate_of as kept_record from decisions d join records r"
            " on r.id = d.record_id where r.duplicate_of is not null order by d.id"
        )
    )


def group(db: sqlite_utils.Database, record_id: int) -> list[int]:
    """Every record of a record's group, the kept one first."""
    roots = _roots(db)
    root = roots.get(record_id, record_id)
    return [root, *sorted(r for r, k in roots.items() if k == root)]


def explain(db: sqlite_utils.Database, record_id: int, limit: int = 5) -> list[str]:
    """Why a record is or is not linked: its group, its pairs, and its closest non-links."""
    _require(db, record_id)
    lines = []
    members = group(db, record_id)
    root = members[0]
    if len(members) == 1:
        lines.append(f"Record {record_id} is kept: it is linked to no other record.")
    elif root == record_id:
        lines.append(
            f"Record {record_id} is kept for a group of {len(members)}: "
            + ", ".join(map(str, members[1:]))
            + " point to it."
        )
    else:
        lines.append(
            f"Record {record_id} is a duplicate of record {root} "
            f"(group of {len(members)}: {', '.join(map(str, members))})."
        )
    known = set()
    for p in pairs_of(db, record_id):
        other = p.record_b if p.record_a == record_id else p.record_a
        known.add(other)
        who = f" by {p.reviewer} at {p.decided_at}" if p.reviewer else ""
        lines.append(f"  pair {p.id} with {other}: {p.status}{who}; rule {p.rule}")
        lines += contribution_lines(p.scores)
    records = store.load(db)
    index = next(i for i, f in enumerate(records) if f.id == record_id)
    shown = 0
    for i, j in candidate_pairs(records, [index]):
        near = records[j if i == index else i]
        if near.id in known or shown >= limit:
            continue
        scores = compare(records[i], records[j])
        verdict = decide(records[i], records[j], scores)
        lines.append(f"  not linked to {near.id}: {verdict.rule}")
        lines += contribution_lines(scores)
        shown += 1
    if shown == 0 and not known:
        lines.append("  no other record shares a key or a similar title with it.")
    return lines


def contribution_lines(scores: dict[str, Any]) -> list[str]:
    """Each field's evidence and its contribution to the score (``--explain``)."""
    lines = ["      field          evidence   input   weight   contribution"]
    for name, value, part in contributions(scores):
        raw = scores.get("year_gap" if name == "year" else name)
        shown = "-" if raw is None or raw is False else ("yes" if raw is True else f"{raw}")
        if name == "year" and raw is not None:
            shown = f"{raw} apart"
        weight = MODEL.weights.get(name, 0.0)
        lines.append(f"      {name:<14} {shown:<10} {value:+6.2f}   {weight:6.3f}   {part:+7.2f}")
    z = logit(scores)
    lines.append(f"      {'intercept':<14} {'':<10} {'':6}   {'':6}   {MODEL.intercept:+7.2f}")
    lines.append(f"      sum {z:+.2f} -> probability {probability(scores):.3f}")
    flags = [f"{k} {v}" for k, v in sorted(scores.items()) if k in _CONSTRAINT_FIELDS and v]
    if flags:
        lines.append("      also: " + "; ".join(flags))
    return lines


# evidence that the constraints (rules.constraint) use but the score does not
_CONSTRAINT_FIELDS = (
    "conference",
    "cross_language",
    "doi",
    "ids",
    "notice",
    "pmid",
    "title_numbers",
)
