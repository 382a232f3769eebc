"""What the review holds and how far screening has got (the data behind ``screener status``).

``review_status(review)`` returns this structure (``screener status --json`` prints it; the keys
are stable, tests/test_status.py fixes them)::

    {
      "searches": [                        # one per imported search, in import order
        {"id", "database", "round", "file_name", "format", "n_records",
         "records"}                        # records of that search in the database
      ],
      "records": {
        "total": int,                      # every imported record
        "canonical": int,                  # records kept (duplicate_of is NULL)
        "duplicates": int                  # records linked to a kept record
      },
      "screening": {
        "reviewers_required": int,         # [screening] reviewers in review.toml
        "stages": {
          "title_abstract" | "full_text": {
            "records": int,                # records at the stage (canonical; for full text:
                                           #   those included or maybe at title/abstract)
            "not_retrieved": int,          # full text only meaningful: not obtained
            "final": {                     # final verdicts (screener.screening.verdict rules)
              "included", "excluded", "maybe", "conflicts", "undecided": int,
              "excluded_by_reason": {reason: int},   # "(no reason)" when none was given
              "by_criteria": int           # of "excluded": automation (screener criteria)
            },
            "awaiting_reviewers": int,     # decided by fewer human reviewers than required
            "reviewers": {                 # human reviewers (sources human and import)
              name: {"screened", "included", "excluded", "maybe", "left": int,
                     "excluded_by_reason": {reason: int}}
            },
            "agreement": [                 # every pair of human reviewers with shared records
              {"reviewers": [a, b], "n", "agree": int,
               "percent": float | null, "kappa": float | null}   # rounded to 4 places
            ]
          }
        },
        "agreement_convention": str        # how "maybe" is counted for agreement
      },
      "stopping": null | {                 # title/abstract stopping aid (ranking.stopping);
          "screened", "total", "includes_found", "streak", "recall_target", "confidence",
          "p_value", "target_reached", "recall_lower_bound", "method"
      }                                    # null before the first human decision
    }

A record whose full text was not retrieved is counted in ``not_retrieved`` and not in
``final`` or in a reviewer's ``left``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

import sqlite_utils

from screener.db import Review
from screener.screening.agreement import AGREEMENT_NOTE, pairwise
from screener.screening.protocol import load_protocol
from screener.screening.verdict import (
    AUTOMATION_SOURCE,
    HUMAN_SOURCES,
    STAGES,
    Verdict,
    current_decisions,
    not_retrieved,
    stage_records,
    verdicts,
)

NO_REASON = "(no reason)"


def _stage(
    db: sqlite_utils.Database,
    stage: str,
    required: int,
    at_stage: list[int],
    stage_verdicts: dict[int, Verdict],
) -> dict[str, Any]:
    missing = set(not_retrieved(db)) if stage == "full_text" else set()
    assessed = [rid for rid in at_stage if rid not in missing]
    assessed_set = set(assessed)
    final = {rid: v for rid, v in stage_verdicts.items() if rid in assessed_set}
    kinds = Counter(v.decision if not v.conflict else "conflict" for v in final.values())
    reasons = Counter(v.reason or NO_REASON for v in final.values() if v.decision == "exclude")
    current = current_decisions(db, stage)
    people: dict[str, dict[str, Any]] = {}
    awaiting = 0
    for rid in assessed:
        humans = {w: d for w, d in current.get(rid, {}).items() if d.source in HUMAN_SOURCES}
        verdict = final.get(rid)
        if (verdict is None or verdict.source != "consensus") and 0 < len(humans) < required:
            awaiting += 1
        for who, d in humans.items():
            entry = people.setdefault(
                who,
                {
                    "screened": 0,
                    "included": 0,
                    "excluded": 0,
                    "maybe": 0,
                    "left": 0,
                    "excluded_by_reason": Counter(),
                },
            )
            entry["screened"] += 1
            key = {"include": "included", "exclude": "excluded", "maybe": "maybe"}[d.decision]
            entry[key] += 1
            if d.decision == "exclude":
                entry["excluded_by_reason"][d.reason or NO_REASON] += 1
    for entry in people.values():
        entry["left"] = len(assessed) - entry["screened"]
        entry["excluded_by_reason"] = dict(sorted(entry["excluded_by_reason"].items()))
    return {
        "records": len(at_stage),
        "not_retrieved": len(missing & set(at_stage)),
        "final": {
            "included": kinds["include"],
            "excluded": kinds["exclude"],
            "maybe": kinds["maybe"],
            "conflicts": kinds["conflict"],
            "undecided": len(assessed) - len(final),
            "excluded_by_reason": dict(sorted(reasons.items())),
            "by_criteria": sum(
                1 for v in final.values() if v.decision == "exclude" and v.source == "criteria"
            ),
        },
        "awaiting_reviewers": awaiting,
        "reviewers": dict(sorted(people.items())),
        "agreement": [
            {
                "reviewers": [p.a, p.b],
                "n": p.n,
                "agree": p.agree,
                "percent": None if p.percent is None else round(p.percent, 4),
                "kappa": None if p.kappa is None else round(p.kappa, 4),
            }
            for p in pairwise(db, stage, current, set(at_stage))
        ],
    }


def review_status(review: Review) -> dict[str, Any]:
    """Stable, documented structure (see the module docstring)."""
    db = review.db
    per_search = dict(
        db.execute("select search_id, count(*) from records group by search_id").fetchall()
    )
    searches = [
        {k: row[k] for k in ("id", "database", "round", "file_name", "format", "n_records")}
        | {"records": per_search.get(row["id"], 0)}
        for row in db.query("select * from searches order by id")
    ]
    total, canonical = db.execute(
        "select count(*), coalesce(sum(duplicate_of is null), 0) from records"
    ).fetchone()
    required = load_protocol(review.protocol_path).reviewers
    ta = verdicts(db, "title_abstract")
    final = {"title_abstract": ta, "full_text": verdicts(db, "full_text", title_abstract=ta)}
    title_abstract = stage_records(db, "title_abstract")
    passed = {
        "title_abstract": title_abstract,
        "full_text": sorted(rid for rid, v in ta.items() if v.decision in ("include", "maybe")),
    }
    return {
        "searches": searches,
        "records": {"total": total, "canonical": canonical, "duplicates": total - canonical},
        "screening": {
            "reviewers_required": required,
            "stages": {
                stage: _stage(db, stage, required, passed[stage], final[stage]) for stage in STAGES
            },
            "agreement_convention": AGREEMENT_NOTE,
        },
        "stopping": _stopping(db, title_abstract, ta),
    }


def _stopping(
    db: sqlite_utils.Database, at_stage: list[int], final: dict[int, Verdict]
) -> dict[str, Any] | None:
    """The stopping aid at title/abstract: the final verdicts of the records a person screened,
    in the order first screened (a conflict counts as an include, the cautious side), out of
    the records left once automation exclusions are set aside. It never excludes anything."""
    from screener.ranking.stopping import stopping_estimate  # scipy: load on use

    first_seen = db.execute(
        "select record_id, min(id) from decisions where stage = 'title_abstract'"
        " and source != ? group by record_id order by 2",
        [AUTOMATION_SOURCE],
    ).fetchall()
    order = [rid for rid, _ in first_seen if rid in final]
    if not order:
        return None
    automated = sum(1 for v in final.values() if v.source == AUTOMATION_SOURCE)
    decisions = [final[rid].decision or "maybe" for rid in order]
    estimate = stopping_estimate(decisions, len(at_stage) - automated)
    return asdict(estimate)
