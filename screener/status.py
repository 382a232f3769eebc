"""What the review holds and how far screening has got (the data behind ``screener status``)."""

from __future__ import annotations

from typing import Any

from screener.db import Review


def review_status(review: Review) -> dict[str, Any]:
    """Stable, documented structure; see README "screener status --json"."""
    db = review.db
    searches = [
        {k: row[k] for k in ("id", "database", "round", "file_name", "format", "n_records")}
        for row in db.query("select * from searches order by id")
    ]
    total = db.execute("select count(*) from records").fetchone()[0]
    return {"searches": searches, "records": {"total": total}}
