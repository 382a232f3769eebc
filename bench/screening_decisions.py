"""Screening logic without the UI at scale: criteria, decide (bulk + replay), merge, status.

Builds a seeded synthetic review of N canonical records (default 20,000), then times:
``screener criteria`` (apply, then the idempotent re-run), ``decide --file`` with one row per
record for two reviewers (and the replay that adds nothing), ``merge`` of a second copy with a
third reviewer (and the repeat), ``conflicts`` and ``review_status``.
Run: ``.venv/bin/python bench/screening_decisions.py [--records 20000]``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from screener.db import Review, init_review
from screener.record import Record
from screener.screening.agreement import conflicts
from screener.screening.criteria import apply_criteria
from screener.screening.decisionfile import decide_from_file
from screener.screening.merge import merge_review
from screener.screening.protocol import Limits
from screener.screening.status import review_status
from screener.screening.verdict import record_decision
from screener.searches import store_records


def build(folder: Path, n: int, seed: int) -> Review:
    rng = random.Random(seed)
    review = init_review(folder, title="bench")
    db = review.db
    db["searches"].insert(  # type: ignore[union-attr]
        {"database": "PubMed", "file_name": "x", "sha256": "s", "format": "medline", "n_records": n}
    )
    records = [
        Record(
            title=f"Study {i} of tacrolimus",
            year=rng.randint(1965, 2025),
            language=rng.choice(["eng", "eng", "eng", "chi", "ger"]),
            pmid=str(10_000_000 + i),
        )
        for i in range(n)
    ]
    with db.conn:
        store_records(db.conn, records, 1, range(n))
    return review


def timed(label: str, call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = call()
    print(f"{label:<44} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    n = args.records
    limits = Limits(year_min=1980, languages=["eng", "chi"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        review = timed(f"build review ({n} records)", lambda: build(folder / "a", n, 1))
        result = timed("criteria (first run)", lambda: apply_criteria(review.db, limits))
        print(f"  excluded {sum(result.excluded.values())}")
        again = timed("criteria (again: adds nothing)", lambda: apply_criteria(review.db, limits))
        print(f"  newly excluded {sum(again.excluded.values())}, unchanged {again.already}")
        rng = random.Random(2)
        csv_path = folder / "decisions.csv"
        lines = ["key,stage,reviewer,decision,reason,note"]
        for i in range(n):
            for who in ("ann", "bob"):
                choice = rng.choice(["include", "exclude", "exclude", "exclude", "maybe"])
                reason = str(rng.randint(1, 4)) if choice == "exclude" else ""
                lines.append(f"pmid:{10_000_000 + i},title_abstract,{who},{choice},{reason},")
        csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        added = timed(f"decide --file ({2 * n} rows)", lambda: decide_from_file(review, csv_path))
        print(f"  added {added.added}")
        replay = timed(
            "decide --file replay (adds nothing)", lambda: decide_from_file(review, csv_path)
        )
        print(f"  added {replay.added}, already {replay.already}")
        other = build(folder / "b", n, 1)
        for rid in range(1, n + 1, 2):
            record_decision(other.db, rid, "title_abstract", "cat", "include")
        other.close()
        merged = timed(
            "merge (third reviewer, every 2nd record)",
            lambda: merge_review(review.db, folder / "b"),
        )
        print(f"  added {merged.added}")
        merged = timed("merge again (adds nothing)", lambda: merge_review(review.db, folder / "b"))
        print(f"  added {merged.added}, already {merged.already}")
        found = timed("conflicts (title/abstract)", lambda: conflicts(review.db, "title_abstract"))
        print(f"  {len(found)} conflicts")
        timed("status", lambda: review_status(review))
        review.close()


if __name__ == "__main__":
    main()
