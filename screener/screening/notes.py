"""Where a reviewer is, and what they noted, kept in the database so a crash loses neither.

Rules:

* **Position**: the record a reviewer has on screen, per stage and mode (screening or
  resolving conflicts), is stored in ``settings`` under ``position:<mode>:<stage>:<reviewer>``
  each time it changes. A new session resumes there (or at the next undecided record when the
  stored one has left the stage).
* **Notes**: a note is stored in ``notes`` the moment it is typed (append-only; the latest row
  per record, stage and reviewer is the note), also on a record not yet decided. A decision
  recorded later carries the note too (so exports show it).
"""

from __future__ import annotations

import sqlite_utils

from screener.db import now, transaction


def _key(mode: str, stage: str, reviewer: str) -> str:
    return f"position:{mode}:{stage}:{reviewer}"


def save_position(
    db: sqlite_utils.Database, mode: str, stage: str, reviewer: str, record_id: int
) -> None:
    with transaction(db) as conn:
        conn.execute(
            "insert or replace into settings (key, value) values (?, ?)",
            [_key(mode, stage, reviewer), str(record_id)],
        )


def load_position(db: sqlite_utils.Database, mode: str, stage: str, reviewer: str) -> int | None:
    row = db.execute(
        "select value from settings where key = ?", [_key(mode, stage, reviewer)]
    ).fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else None


def save_note(
    db: sqlite_utils.Database, record_id: int, stage: str, reviewer: str, note: str
) -> None:
    """Store a note at once (an empty note clears it)."""
    with transaction(db) as conn:
        conn.execute(
            "insert into notes (record_id, stage, reviewer, note, created_at)"
            " values (?, ?, ?, ?, ?)",
            [record_id, stage, reviewer, note, now()],
        )


def latest_notes(db: sqlite_utils.Database, stage: str, reviewer: str) -> dict[int, str]:
    """record_id -> this reviewer's latest note at the stage (records with a non-empty note)."""
    out: dict[int, str] = {}
    for record_id, note in db.execute(
        "select record_id, note from notes where stage = ? and reviewer = ? order by id",
        [stage, reviewer],
    ).fetchall():
        out[record_id] = note
    return {rid: note for rid, note in out.items() if note}
