"""Free labels (tags) on records, as Rayyan users know them: "check dose", "RCT", "ask Ann".

Rules:

* A label is any short text; it belongs to the record (every stage, every reviewer sees it).
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
    db: sqlite_utils.Database, record_ids: Iterable[int] | None = None
) -> dict[int, list[str]]:
    """record_id -> its current labels (sorted, case-insensitively), for records with any."""
    wanted = None if record_ids is None else set(record_ids)
    latest: dict[tuple[int, str], tuple[str, str]] = {}
    for record_id, label, action in db.execute(
        "select record_id, label, action from labels order by id"
    ).fetchall():
        if wanted is not None and record_id not in wanted:
            continue
        latest[(record_id, label.casefold())] = (action, label)
    out: dict[int, list[str]] = {}
    for (record_id, _key), (action, label) in latest.items():
        if action == "add":
            out.setdefault(record_id, []).append(label)
    return {rid: sorted(labels, key=str.casefold) for rid, labels in out.items()}


def has_label(db: sqlite_utils.Database, record_id: int, label: str) -> bool:
    key = clean_label(label).casefold()
    return any(x.casefold() == key for x in record_labels(db, [record_id]).get(record_id, []))


def all_labels(db: sqlite_utils.Database) -> list[str]:
    """Every label in use on at least one record, sorted case-insensitively."""
    seen: dict[str, str] = {}
    for labels in record_labels(db).values():
        for label in labels:
            seen.setdefault(label.casefold(), label)
    return sorted(seen.values(), key=str.casefold)
