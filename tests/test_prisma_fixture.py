"""The hand-built review of tests/data/prisma/review.json, loaded through the public API.

Rows go in as ``screener.record.Record`` rows + ``searches`` rows; decisions through
``screener.screening.verdict.record_decision``; retrieval as ``retrieval`` rows. Other test
modules import ``build_review`` from here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import add_search

from screener.db import Review
from screener.record import Record
from screener.screening.verdict import record_decision

SPEC = Path(__file__).resolve().parent / "data" / "prisma" / "review.json"
OTHER_TYPES = ("website", "organisation", "citation", "other")


def build_review(review: Review, *, other_methods: bool = True) -> dict[str, int]:
    """Load the spec into ``review``; return record key -> record id."""
    spec: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    db = review.db
    db.execute("PRAGMA synchronous=OFF")  # a test database: no fsync per decision
    searches = [s for s in spec["searches"] if other_methods or s["source_type"] not in OTHER_TYPES]
    ids: dict[str, int] = {}
    for s in searches:
        keys = [r["key"] for r in spec["records"] if r["search"] == s["key"]]
        new = add_search(
            db,
            [Record(title=f"Record {key}") for key in keys],
            database=s["database"],
            source_type=s["source_type"],
            round=s["round"],
            format="ris",
        )
        ids.update(zip(keys, new, strict=True))
    records = [r for r in spec["records"] if r["key"] in ids]
    for r in records:
        links = {}
        if "duplicate_of" in r:
            links["duplicate_of"] = ids[r["duplicate_of"]]
        if "study" in r:
            links["study_id"] = ids[r["study"]]
        if links:
            db["records"].update(ids[r["key"]], links)
    for r in records:
        for stage, key in (("title_abstract", "ta"), ("full_text", "ft")):
            for who, decision, *rest in r.get(key, []):
                reason = rest[0] if rest else None
                source = rest[1] if len(rest) > 1 else "human"
                record_decision(db, ids[r["key"]], stage, who, decision, reason, source=source)
        if "retrieval" in r:
            db["retrieval"].insert(
                {"record_id": ids[r["key"]], "status": "not_retrieved", "reason": r["retrieval"]}
            )
    return ids


def test_the_spec_loads_every_record(review: Review) -> None:
    ids = build_review(review)
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    assert sorted(ids) == sorted(r["key"] for r in spec["records"])
    assert review.db["records"].count == len(spec["records"])
