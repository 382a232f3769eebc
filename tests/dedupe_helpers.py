"""Building small reviews for the dedupe tests: searches and records inserted directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlite_utils
from builders import add_records, new_search

from screener import normalize
from screener.dedupe.features import Features, features
from screener.record import Record

PITFALLS = Path(__file__).resolve().parent / "data" / "dedupe" / "pitfalls.json"


def add_search(db: sqlite_utils.Database, database: str = "PubMed", round: int = 1) -> int:
    return new_search(db, database=database, round=round, format="test")


def add_record(db: sqlite_utils.Database, search_id: int, **fields: Any) -> int:
    fields = dict(fields)
    fields["authors"] = [normalize.author(a) for a in fields.get("authors", [])]
    if "pages" in fields:
        fields["pages"] = normalize.pages(fields["pages"])
    position = (
        db.execute("select count(*) from records where search_id = ?", [search_id]).fetchone()[0]
        + 1
    )
    return add_records(db, search_id, [Record(**fields)], positions=[position])[0]


def pitfall_cases() -> list[dict[str, Any]]:
    return list(json.loads(PITFALLS.read_text(encoding="utf-8"))["cases"])


def duplicate_of(db: sqlite_utils.Database, record_id: int) -> int | None:
    return db.execute("select duplicate_of from records where id = ?", [record_id]).fetchone()[0]


def pair_features(**b_fields: Any) -> tuple[Features, Features]:
    """Two comparable records (an article); ``b_fields`` change the second one's row."""
    row: dict[str, Any] = {
        "id": 1,
        "title": "Tacrolimus in refractory polymyositis: a retrospective cohort",
        "authors": json.dumps(["Oddis CV", "Sciurba FC"]),
        "year": 1999,
        "journal": "Lancet",
        "volume": "353",
        "pages": "1762-1763",
    }
    return features(row), features(row | {"id": 2} | b_fields)


def agreeing_scores(**changes: Any) -> dict[str, Any]:
    """The scores of a pair that agrees on every field (no identifiers), with ``changes``."""
    scores: dict[str, Any] = {
        "title": 1.0,
        "authors": 1.0,
        "year_gap": 0,
        "journal": 1.0,
        "volume": 1.0,
        "issue": 1.0,
        "pages": 1.0,
        "abstract": 1.0,
        "doi": None,
        "pmid": None,
        "ids": None,
        "title_numbers": None,
        "title_partial": None,
        "short_title": None,
        "translated": None,
        "cross_language": False,
        "notice": None,
        "conference": None,
    }
    return scores | changes
