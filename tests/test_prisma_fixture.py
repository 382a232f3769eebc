"""The hand-built review of tests/data/prisma/review.json, loaded through the public API.

Rows go in as ``screener.record.Record`` rows + ``searches`` rows; decisions through
``screener.verdict.record_decision``; retrieval as ``retrieval`` rows. Other test modules import
``build_review`` from here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screener.db import Review
from screener.record import Record
from screener.verdict import record_decision

SPEC = Path(__file__).resolve().parent / "data" / "prisma" / "review.json"
OTHER_TYPES = ("website", "organisation", "citation", "other")


def build_review(review: Review, *, other_methods: bool = True) -> dict[str, int]:
    """Load the spec into ``review``; return record key -> record id."""
    spec: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    db = review.db
    db.execute("PRAGMA synchronous=OFF")  # a test database: no fsync per decision
    searches = [s for s in spec["searches"] if other_methods or s["source_type"] not in OTHER_TYPES]
    search_ids: dict[str, int] = {}
    for s in searches:
        recs = [r for r in spec["records"] if r["search"] == s["key"]]
        row = {
            "database": s["database"],
            "source_type": s["source_type"],
            "round": s["round"],
            "file_name": f"{s['key']}.ris",
            "sha256": s["key"],
            "format": "ris",
            "n_records": len(recs),
        }
        search_ids[s["key"]] = db["searches"].insert(row).last_pk
    ids: dict[str, int] = {}
    records = [r for r in spec["records"] if r["search"] in search_ids]
    for pos, r in enumerate(records):
        row = Record(title=f"Record {r['key']}").to_row()
        row |= {"search_id": search_ids[r["search"]], "position": pos}
        ids[r["key"]] = db["records"].insert(row).last_pk
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
