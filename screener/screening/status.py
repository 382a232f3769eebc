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
        "blinding": {                      # screener.screening.blinding
          "blind": bool,                   # true while each reviewer sees only their own votes
          "unblinded": null | {"reviewer": str, "at": str}   # who ran `screener unblind`, when
        },
        "stages": {                        # counted by screener.screening.progress (its rules)
          "title_abstract" | "full_text": {
            "records": int,                # records at the stage (canonical; for full text:
                                           #   those with a final include or maybe at t/a)
            "not_retrieved": int,          # full text only meaningful: not obtained
            "done": int,                   # assessed records with a final verdict
            "left": int,                   # assessed records without one: conflicts +
                                           #   awaiting + undecided
            "final": {                     # final verdicts (screener.screening.verdict rules)
              "included", "excluded", "maybe", "conflicts", "awaiting", "undecided": int,
              "excluded_by_reason": {reason: int},   # "(no reason)" when none was given
              "by_criteria": int           # of "excluded": automation (screener criteria)
            },
            "awaiting_reviewers": int,     # = final.awaiting: fewer human reviewers than required
            "reviewers": {                 # human reviewers (sources human and import); while
                                           #   blinded only the one asked for (--reviewer)
              name: {"queue", "screened", "included", "excluded", "maybe", "left": int,
                     "excluded_by_reason": {reason: int}}
            },
            "agreement": [                 # every pair of human reviewers with shared records;
                                           #   empty while blinded
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
``final`` or in a reviewer's ``left``. A reviewer's ``queue`` is the stage's assessed records
less the automation-only exclusions; ``screened`` their own current decisions on it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import sqlite_utils

from screener.db import Review
from screener.screening.agreement import AGREEMENT_NOTE
from screener.screening.blinding import blinded, unblinding
from screener.screening.finals import agreements, not_at_stage, passed_ids, stopping_sequence
from screener.screening.progress import StageProgress, progress
from screener.screening.protocol import load_protocol
from screener.screening.verdict import AUTOMATION_SOURCE, DECISIONS, STAGES, Verdict


def _stage(
    db: sqlite_utils.Database, p: StageProgress, hidden: bool, passed: set[int]
) -> dict[str, Any]:
    return {
        "records": p.records,
        "not_retrieved": p.not_retrieved,
        "done": p.done,
        "left": p.left,
        "final": {
            "included": p.included,
            "excluded": p.excluded,
            "maybe": p.maybe,
            "conflicts": p.conflicts,
            "awaiting": p.awaiting,
            "undecided": p.undecided,
            "excluded_by_reason": p.excluded_by_reason,
            "by_criteria": p.by_criteria,
        },
        "awaiting_reviewers": p.awaiting,
        "reviewers": {
            name: {
                "queue": r.queue,
                "screened": r.done,
                "included": r.included,
                "excluded": r.excluded,
                "maybe": r.maybe,
                "left": r.left,
                "excluded_by_reason": r.excluded_by_reason,
            }
            for name, r in p.reviewers.items()
        },
        "agreement": []
        if hidden
        else [
            {
                "reviewers": [a.a, a.b],
                "n": a.n,
                "agree": a.agree,
                "percent": None if a.percent is None else round(a.percent, 4),
                "kappa": None if a.kappa is None else round(a.kappa, 4),
            }
            for a in agreements(db, p.stage, skip=not_at_stage(db, p.stage, p.required, passed))
        ],
    }


def review_status(review: Review, reviewer: str | None = None) -> dict[str, Any]:
    """Stable, documented structure (see the module docstring).

    While the review is blinded, per-reviewer figures are given for ``reviewer`` alone (none
    when it is None) and agreement is withheld; once unblinded (or never blind), for everyone
    (``reviewer`` then picks one).
    """
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
    hidden = blinded(review)
    stages = {}
    at_full_text = passed_ids(db, required)
    for stage in STAGES:
        p = progress(db, stage, required=required, reviewer=reviewer, passed=at_full_text)
        if hidden and reviewer is None:
            p = StageProgress(**{**asdict(p), "reviewers": {}})
        stages[stage] = _stage(db, p, hidden, at_full_text)
    lifted = unblinding(db)
    return {
        "searches": searches,
        "records": {"total": total, "canonical": canonical, "duplicates": total - canonical},
        "screening": {
            "reviewers_required": required,
            "blinding": {
                "blind": hidden,
                "unblinded": None
                if lifted is None
                else {"reviewer": lifted.reviewer, "at": lifted.at},
            },
            "stages": stages,
            "agreement_convention": AGREEMENT_NOTE,
        },
        "stopping": _stopping(db, stages["title_abstract"], required),
    }


def _stopping(
    db: sqlite_utils.Database, title_abstract: dict[str, Any], required: int
) -> dict[str, Any] | None:
    """The stopping aid at title/abstract: the verdicts of the records a person screened, in the
    order first screened (a conflict counts as a maybe, the cautious side; a record awaiting
    reviewers as its reviewers' decision so far), out of the records left once automation
    exclusions are set aside. It never excludes anything."""
    from screener.ranking.stopping import stopping_estimate  # scipy: load on use

    decisions = [
        kind if kind in DECISIONS else (lean or "maybe") if kind == "awaiting" else "maybe"
        for kind, lean in stopping_sequence(db, required)
    ]
    if not decisions:
        return None
    automated = title_abstract["final"]["by_criteria"]
    estimate = stopping_estimate(decisions, title_abstract["records"] - automated)
    return asdict(estimate)


def screening_sequence(db: sqlite_utils.Database, final: dict[int, Verdict]) -> list[str]:
    """The title/abstract verdicts of the records a person screened, in the order each was
    first screened (automation aside: a record whose people's decisions were all undone and
    that automation excluded is not in it, as it is not among the records to screen); a
    conflict counts as "maybe" (the cautious side), a record awaiting reviewers as its
    reviewers' decision so far. The stopping aid and the
    report's recall curve read this sequence."""
    return [
        _leaning(v)
        for rid in _first_screened(db)
        if (v := final.get(rid)) is not None and v.source != AUTOMATION_SOURCE
    ]


def _first_screened(db: sqlite_utils.Database) -> list[int]:
    """The records with a title/abstract decision by a person, in the order first screened."""
    return [
        rid
        for (rid,) in db.execute(
            "SELECT record_id FROM verdict_summary WHERE stage = 'title_abstract'"
            " AND first_person IS NOT NULL ORDER BY first_person"
        )
    ]


def _leaning(v: Verdict) -> str:
    if v.decision is not None:
        return v.decision
    if v.awaiting and v.reviewers:
        return next(iter(v.reviewers.values()))
    return "maybe"
