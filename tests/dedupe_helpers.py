"""Building small reviews for the dedupe tests: searches and records inserted directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlite_utils

from screener import normalize
from screener.record import Record

PITFALLS = Path(__file__).resolve().parent / "data" / "dedupe" / "pitfalls.json"


def add_search(db: sqlite_utils.Database, database: str = "PubMed", round: int = 1) -> int:
    number = db.execute("select count(*) from searches").fetchone()[0] + 1
    return int(
        db["searches"]
        .insert(  # type: ignore[union-attr]
            {
                "database": database,
                "round": round,
                "file_name": f"{database}-{number}.txt",
                "sha256": f"sha-{number}",
                "format": "test",
                "n_records": 0,
            }
        )
        .last_pk
    )


def add_record(db: sqlite_utils.Database, search_id: int, **fields: Any) -> int:
    fields = dict(fields)
    fields["authors"] = [normalize.author(a) for a in fields.get("authors", [])]
    if "pages" in fields:
        fields["pages"] = normalize.pages(fields["pages"])
    position = (
        db.execute("select count(*) from records where search_id = ?", [search_id]).fetchone()[0]
        + 1
    )
    row = Record(**fields).to_row() | {"search_id": search_id, "position": position}
    return int(db["records"].insert(row).last_pk)  # type: ignore[union-attr]


def pitfall_cases() -> list[dict[str, Any]]:
    return list(json.loads(PITFALLS.read_text(encoding="utf-8"))["cases"])


def duplicate_of(db: sqlite_utils.Database, record_id: int) -> int | None:
    return db.execute("select duplicate_of from records where id = ?", [record_id]).fetchone()[0]
