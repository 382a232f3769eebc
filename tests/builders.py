"""Small reviews for tests: a ``searches`` row, its records and decisions.

Records are stored by ``screener.searches.store_records``, the function ``screener import`` uses,
so a test's records are in the database exactly as imported records would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlite_utils

from screener.db import transaction
from screener.record import Record
from screener.screening.verdict import record_decision
from screener.searches import store_records


def new_search(
    db: sqlite_utils.Database,
    *,
    database: str = "PubMed",
    round: int = 1,
    source_type: str = "database",
    file_name: str | None = None,
    sha256: str | None = None,
    format: str = "medline",
    n_records: int = 0,
) -> int:
    """Insert one ``searches`` row (file name and sha256 made up unless given); return its id."""
    number = db.execute("select count(*) from searches").fetchone()[0] + 1
    row = {
        "database": database,
        "source_type": source_type,
        "round": round,
        "file_name": file_name or f"{database}.txt",
        "sha256": sha256 or f"sha-{number}",
        "format": format,
        "n_records": n_records,
    }
    return int(db["searches"].insert(row).last_pk)  # type: ignore[union-attr]


def add_records(
    db: sqlite_utils.Database,
    search_id: int,
    records: Sequence[Record],
    positions: Sequence[int] | None = None,
) -> list[int]:
    """Insert ``records`` into search ``search_id`` at ``positions`` (0, 1, ... unless given)."""
    places = range(len(records)) if positions is None else positions
    if len(places) != len(records):
        raise ValueError("one position per record")
    last = db.execute("select coalesce(max(id), 0) from records").fetchone()[0]
    with transaction(db) as conn:
        store_records(conn, records, search_id, places)
    rows = db.execute("select id from records where id > ? order by id", [last]).fetchall()
    return [int(row[0]) for row in rows]


def add_search(
    db: sqlite_utils.Database,
    records: Sequence[Record],
    *,
    n_records: int | None = None,
    positions: Sequence[int] | None = None,
    **search: Any,
) -> list[int]:
    """A search (``search``: the keywords of ``new_search``) holding ``records``, ``n_records``
    of them unless given; return the new record ids."""
    count = len(records) if n_records is None else n_records
    return add_records(db, new_search(db, n_records=count, **search), records, positions)


def decide(
    db: sqlite_utils.Database,
    stage: str,
    reviewer: str,
    decisions: Mapping[int, str],
    reason: str | None = None,
) -> None:
    """One decision per record id, in order; ``reason`` goes with the exclusions only."""
    for record_id, decision in decisions.items():
        why = reason if decision == "exclude" else None
        record_decision(db, record_id, stage, reviewer, decision, reason=why)
