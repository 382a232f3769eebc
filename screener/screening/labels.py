"""Free labels (tags) on records, as Rayyan users know them: "check dose", "RCT", "ask Ann".

Rules:

* A label is any short text; it belongs to the record (every stage, every reviewer sees it),
  except while the review is blinded (:mod:`screener.screening.blinding`): then a reviewer sees,
  adds and removes only their own labels (the functions' ``reviewer`` argument).
* The ``labels`` table is append-only: each row adds or removes one label on one record, with
  who and when. A record carries a label when the latest row for (record, label) is ``add``.
* Labels are compared without regard to case ("RCT" and "rct" are one label); the spelling of
  the latest ``add`` is the one shown.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from screener.db import now, transaction

ACTIONS = ("add", "remove")
MAX_LENGTH = 60


def clean_label(text: str) -> str:
    """The label as stored: spaces collapsed, at most :data:`MAX_LENGTH` characters."""
    label = " ".join(text.split())
    if not label:
        raise ValueError("a label cannot be empty")
    return label[:MAX_LENGTH]


def set_label(
    db: sqlite_utils.Database, record_id: int, label: str, reviewer: str, on: bool = True
) -> str:
    """Add (``on``) or remove a label on a record (committed at once); returns the label."""
    label = clean_label(label)
    with transaction(db) as conn:
        conn.execute(
            "insert into labels (record_id, label, action, reviewer, created_at)"
            " values (?, ?, ?, ?, ?)",
            [record_id, label, "add" if on else "remove", reviewer, now()],
        )
    return label


def record_labels(
    db: sqlite_utils.Database,
    record_ids: Iterable[int] | None = None,
    reviewer: str | None = None,
) -> dict[int, list[str]]:
    """record_id -> its current labels (sorted, case-insensitively), for records with any.

    With ``reviewer`` (a blinded review: each reviewer sees only their own labels) only that
    reviewer's rows count: their latest add or remove of each label.
    """
    wanted = None if record_ids is None else set(record_ids)
    sql = "select record_id, label, action from labels"
    args: list[object] = []
    where = []
    if reviewer is not None:
        where.append("reviewer = ?")
        args.append(reviewer)
    if wanted is not None and len(wanted) <= 100:  # the record shown: read its rows only
        where.append(f"record_id in ({', '.join('?' * len(wanted))})")
        args.extend(sorted(wanted))
    if where:
        sql += " where " + " and ".join(where)
    latest: dict[tuple[int, str], tuple[str, str]] = {}
    for record_id, label, action in db.execute(sql + " order by id", args).fetchall():
        if wanted is not None and record_id not in wanted:
            continue
        latest[(record_id, label.casefold())] = (action, label)
    out: dict[int, list[str]] = {}
    for (record_id, _key), (action, label) in latest.items():
        if action == "add":
            out.setdefault(record_id, []).append(label)
    return {rid: sorted(labels, key=str.casefold) for rid, labels in out.items()}


def has_label(
    db: sqlite_utils.Database, record_id: int, label: str, reviewer: str | None = None
) -> bool:
    """Does the record carry the label (with ``reviewer``: as that reviewer sees it)?"""
    key = clean_label(label).casefold()
    labels = record_labels(db, [record_id], reviewer).get(record_id, [])
    return any(x.casefold() == key for x in labels)


def all_labels(db: sqlite_utils.Database, reviewer: str | None = None) -> list[str]:
    """Every label in use on at least one record (with ``reviewer``: that reviewer's labels),
    sorted case-insensitively."""
    seen: dict[str, str] = {}
    for labels in record_labels(db, reviewer=reviewer).values():
        for label in labels:
            seen.setdefault(label.casefold(), label)
    return sorted(seen.values(), key=str.casefold)
