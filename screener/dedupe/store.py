"""Reading records for comparison and writing pairs and groups back (the only SQL of dedupe)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from screener.db import now
from screener.db import transaction as write_transaction
from screener.dedupe.clustering import Member, components, keeper
from screener.dedupe.features import FeatureCache, Features, features
from screener.dedupe.rules import Verdict

COMPARED_THROUGH = "dedupe.compared_through"  # settings key: highest record id compared
HUMAN = ("confirmed", "rejected")

_COLUMNS = (
    "r.id, r.title, r.title_translated, substr(r.abstract, 1, 400) as abstract, r.authors, "
    "r.year, r.journal, r.journal_abbrev, r.volume, r.issue, r.pages, r.doi, r.pmid, r.pmcid, "
    "r.accessions, r.issn, r.language, r.publication_types, s.round, s.database"
)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One transaction for a batch of writes: the review's one helper, screener.db.transaction
    (BEGIN IMMEDIATE; joins an outer transaction)."""
    with write_transaction(db):
        yield


def rows(
    db: sqlite_utils.Database, where: str = "", params: Sequence[Any] = ()
) -> Iterator[dict[str, Any]]:
    sql = f"select {_COLUMNS} from records r left join searches s on s.id = r.search_id {where}"
    cursor = db.execute(sql + " order by r.id", list(params))
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def load(db: sqlite_utils.Database) -> list[Features]:
    cache = FeatureCache()
    return [features(row, cache) for row in rows(db)]


def load_ids(db: sqlite_utils.Database, ids: Sequence[int]) -> list[Features]:
    out: list[Features] = []
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        part = unique[start : start + 500]
        marks = ",".join("?" * len(part))
        out.extend(features(row) for row in rows(db, f"where r.id in ({marks})", part))
    return out


def compared_through(db: sqlite_utils.Database) -> int:
    row = db.execute("select value from settings where key = ?", [COMPARED_THROUGH]).fetchone()
    return int(row[0]) if row else 0


def has_records_after(db: sqlite_utils.Database, record_id: int) -> bool:
    return (
        db.execute("select 1 from records where id > ? limit 1", [record_id]).fetchone() is not None
    )


def set_compared_through(db: sqlite_utils.Database, record_id: int) -> None:
    db.execute(
        "insert into settings (key, value) values (?, ?) "
        "on conflict(key) do update set value = excluded.value",
        [COMPARED_THROUGH, str(record_id)],
    )


def pair_statuses(db: sqlite_utils.Database) -> dict[tuple[int, int], str]:
    return {
        (a, b): status
        for a, b, status in db.execute("select record_a, record_b, status from duplicate_pairs")
    }


FoundPair = tuple[int, int, float, str, Verdict]  # record_a, record_b, score, scores JSON


def write_pairs(db: sqlite_utils.Database, found: list[FoundPair]) -> None:
    """Insert or refresh machine pairs (never over a human decision)."""
    stamp = now()
    db.conn.executemany(
        "insert into duplicate_pairs (record_a, record_b, score, scores, rule, status, created_at)"
        " values (?, ?, ?, ?, ?, ?, ?) on conflict(record_a, record_b) do update set"
        " score = excluded.score, scores = excluded.scores, rule = excluded.rule,"
        " status = excluded.status where duplicate_pairs.status not in ('confirmed', 'rejected')",
        [(a, b, score, scores, v.rule, v.status, stamp) for a, b, score, scores, v in found],
    )


def forget_pairs(db: sqlite_utils.Database, pairs: Sequence[tuple[int, int]]) -> None:
    """Drop machine pairs that a full re-run no longer finds (human decisions stay)."""
    db.conn.executemany(
        "delete from duplicate_pairs where record_a = ? and record_b = ? "
        "and status not in ('confirmed', 'rejected')",
        list(pairs),
    )


def _members(
    db: sqlite_utils.Database, ids: Sequence[int], known: dict[int, Features] | None
) -> dict[int, Member]:
    screened = {r[0] for r in db.execute("select distinct record_id from decisions")}
    found = load_ids(db, ids) if known is None else [known[i] for i in ids]
    return {
        f.id: Member(f.id, f.round, f.database, f.completeness, f.id in screened, f.doi, f.pmid)
        for f in found
    }


def regroup(
    db: sqlite_utils.Database, prefer: Sequence[str], known: dict[int, Features] | None = None
) -> tuple[int, int]:
    """Recompute every group from the pairs and set ``duplicate_of``; (groups, changed rows).

    ``known``: the features of every record when the caller has them already.
    """
    confirmed, auto, rejected = [], [], []
    for a, b, status, score in db.execute(
        "select record_a, record_b, status, score from duplicate_pairs "
        "where status in ('auto', 'confirmed', 'rejected')"
    ):
        if status == "confirmed":
            confirmed.append((a, b))
        elif status == "auto":
            auto.append((a, b, float(score or 0)))
        else:
            rejected.append((a, b))
    linked = {x for a, b in confirmed for x in (a, b)} | {x for a, b, _ in auto for x in (a, b)}
    members = _members(db, sorted(linked), known)
    target: dict[int, int] = {}
    groups = components(members, confirmed, auto, rejected)
    for group in groups:
        keep = keeper(group, members, prefer)
        for record_id in group:
            if record_id != keep:
                target[record_id] = keep
    current = dict(
        db.execute("select id, duplicate_of from records where duplicate_of is not null")
    )
    changes: list[tuple[int | None, int]] = [
        (dup_of, rid) for rid, dup_of in target.items() if current.get(rid) != dup_of
    ]
    changes += [(None, rid) for rid in current if rid not in target]
    db.conn.executemany("update records set duplicate_of = ? where id = ?", changes)
    return len(groups), len(changes)
