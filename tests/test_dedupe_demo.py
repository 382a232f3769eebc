"""The worked example's exports (records/tacrolimus-2015): dedupe finds exactly its known groups.

Imports through the real readers (PubMed MEDLINE, Embase RIS, CENTRAL RIS, CNKI), so the
CNKI-vs-Embase pairs (Chinese title vs English title, same DOI) and the update round are
checked end to end against ``expected.json``.
"""

from __future__ import annotations

import csv
import json

from conftest import ROOT

from screener import dedupe, searches
from screener.db import Review

DEMO = ROOT / "records" / "tacrolimus-2015"


def _groups(review: Review) -> set[frozenset[tuple[str, int]]]:
    place = {
        rid: (name, position)
        for rid, name, position in review.db.execute(
            "select r.id, s.file_name, r.position from records r join searches s"
            " on s.id = r.search_id"
        )
    }
    found: dict[int, set[tuple[str, int]]] = {}
    for rid, kept in review.db.execute("select id, duplicate_of from records"):
        found.setdefault(kept or rid, set()).add(place[rid])
    return {frozenset(g) for g in found.values() if len(g) > 1}


def test_worked_example_groups_per_round(review: Review) -> None:
    expected = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader((DEMO / "searches.csv").open(encoding="utf-8")))
    names: dict[str, str] = {}
    for number in (1, 2):
        for row in (r for r in rows if int(r["round"]) == number):
            searches.import_file(review, DEMO / row["file"], database=row["database"], round=number)
            stored = review.db.execute("select file_name from searches order by id desc").fetchone()
            names[stored[0]] = row["file"]
        dedupe.deduplicate(review.db)
        got = {frozenset((names[f], p) for f, p in g) for g in _groups(review)}
        want = {
            frozenset((m["file"], m["position"]) for m in group)
            for group in expected[f"round{number}"]["duplicate_groups"]
        }
        if number == 1:
            assert got == want
        else:  # round 2 lists the groups its records joined
            assert want <= got
        assert (
            dedupe.duplicates_removed(review.db, round=number)
            == (expected[f"round{number}"]["duplicates_removed"])
        )
        assert dedupe.review_queue(review.db) == []
