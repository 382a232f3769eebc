"""How far a stage has got: done, left, awaiting, per stage and per reviewer (one definition).

``screener status``, ``screener prisma`` and the screening app count with :func:`progress`, so
they never disagree. With N human reviewers required per record (``[screening] reviewers``):

* **at the stage**: the records to screen there (``verdict.stage_records``: canonical records at
  title/abstract; at full text those whose final title/abstract verdict is include or maybe);
* **not retrieved** (full text only): the report could not be obtained; neither done nor left;
* **assessed** = at the stage - not retrieved: every one of them is either done or left;
* **done**: a final verdict (``verdict`` rules): include, exclude or maybe, by N agreeing human
  reviewers, a consensus decision, or automation (``screener criteria``) alone;
* **left** = assessed - done, split into
  - **conflicts**: the human reviewers' current decisions differ and no consensus exists;
  - **awaiting**: fewer than N human reviewers decided (and they agree), no consensus;
  - **undecided**: no current decision at all.
* **a reviewer's queue** = assessed - the records excluded by automation alone (no person needs
  to screen those; a person who opens one anyway adds it to everyone's queue, since a human
  decision always wins over automation); **a reviewer's done** = the records of their queue with
  their own current human decision; **their left** = queue - done.

PRISMA counts the same ``left`` as pending, and also a full-text ``maybe`` (a report must end
included or excluded) and a full-text exclusion without a reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from screener.screening.finals import (
    Final,
    finals,
    kind_counts,
    not_at_stage,
    not_retrieved_ids,
    passed_ids,
    records_with_decisions,
    reviewer_counts,
)
from screener.screening.verdict import AUTOMATION_SOURCE, HUMAN_SOURCES, Decision, Verdict

NO_REASON = "(no reason)"


@dataclass(frozen=True)
class ReviewerProgress:
    """One human reviewer at one stage (their own current decisions only)."""

    reviewer: str
    queue: int  # records this reviewer is to screen (see the module docstring)
    done: int  # of ``queue``, those with this reviewer's current decision
    included: int
    excluded: int
    maybe: int
    excluded_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def left(self) -> int:
        return self.queue - self.done


@dataclass(frozen=True)
class StageProgress:
    """Where a stage stands for the whole review (``reviewers``: see :func:`progress`)."""

    stage: str
    required: int  # human reviewers per record (the protocol's [screening] reviewers)
    records: int  # at the stage
    not_retrieved: int  # full text: reports not obtained (not assessed)
    included: int  # final verdicts ...
    excluded: int
    maybe: int
    by_criteria: int  # of ``excluded``: by automation alone
    excluded_by_reason: dict[str, int]  # final exclusions; NO_REASON when none was given
    conflicts: int  # left: reviewers disagree, no consensus
    awaiting: int  # left: fewer than ``required`` reviewers decided, no consensus
    undecided: int  # left: no decision at all
    reviewers: dict[str, ReviewerProgress]

    @property
    def assessed(self) -> int:
        return self.records - self.not_retrieved

    @property
    def done(self) -> int:
        return self.included + self.excluded + self.maybe

    @property
    def left(self) -> int:
        return self.conflicts + self.awaiting + self.undecided

    @property
    def queue(self) -> int:
        """What each reviewer is to screen: assessed minus automation-only exclusions."""
        return self.assessed - self.by_criteria


def progress(
    db: sqlite_utils.Database,
    stage: str,
    *,
    required: int,
    reviewer: str | None = None,
    title_abstract: dict[int, Verdict] | None = None,
    current: dict[int, dict[str, Decision]] | None = None,
    finals_ta: dict[int, Final] | None = None,
    passed: set[int] | None = None,
) -> StageProgress:
    """The progress of ``stage`` with ``required`` human reviewers per record.

    ``reviewers`` holds every human reviewer of the review (:func:`human_reviewers`), or, when
    ``reviewer`` is given, that reviewer alone (always present, even before their first
    decision): what a blinded reviewer may see. Counted in SQL by
    :mod:`screener.screening.finals` (same rules as the verdicts). ``finals_ta``: the
    title/abstract finals (same ``required``) when already computed, or ``passed`` the records
    at full text (:func:`screener.screening.finals.passed_ids`). ``title_abstract`` and
    ``current`` are accepted for older callers and not needed.
    """
    del title_abstract, current  # the counts come from the verdict summary
    names = human_reviewers(db) if reviewer is None else [reviewer]
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    by_criteria = 0
    if stage == "full_text":
        if passed is not None:
            at_stage = passed
        elif finals_ta is None:
            at_stage = passed_ids(db, required)
        else:
            at_stage = {rid for rid, f in finals_ta.items() if f.kind in ("include", "maybe")}
        missing = not_retrieved_ids(db) & at_stage
        assessed = at_stage - missing
        records, not_retrieved = len(at_stage), len(missing)
        for f in finals(db, stage, required=required, eligible=assessed).values():
            kinds[f.kind] += 1
            if f.kind == "exclude":
                reasons[f.reason or NO_REASON] += 1
                by_criteria += f.source == AUTOMATION_SOURCE
        skip = records_with_decisions(db, stage) - assessed
    else:
        (records,) = db.execute(
            "SELECT count(*) FROM records WHERE duplicate_of IS NULL"
        ).fetchone()
        not_retrieved = 0
        for (kind, why, source), n in kind_counts(db, stage, required).items():
            kinds[kind] += n
            if kind == "exclude":
                reasons[why or NO_REASON] += n
                by_criteria += n if source == AUTOMATION_SOURCE else 0
        skip = not_at_stage(db, stage, required)
    queue = records - not_retrieved - by_criteria
    counts = reviewer_counts(db, stage, skip, reviewer)
    return StageProgress(
        stage=stage,
        required=required,
        records=records,
        not_retrieved=not_retrieved,
        included=kinds["include"],
        excluded=kinds["exclude"],
        maybe=kinds["maybe"],
        by_criteria=by_criteria,
        excluded_by_reason=dict(sorted(reasons.items())),
        conflicts=kinds["conflict"],
        awaiting=kinds["awaiting"],
        undecided=records - not_retrieved - sum(kinds.values()),
        reviewers={who: _reviewer(who, queue, counts.get(who, {})) for who in names},
    )


def _reviewer(who: str, queue: int, mine: dict[tuple[str, str | None], int]) -> ReviewerProgress:
    by_decision: Counter[str] = Counter()
    why: Counter[str] = Counter()
    for (decision, reason), n in mine.items():
        by_decision[decision] += n
        if decision == "exclude":
            why[reason or NO_REASON] += n
    return ReviewerProgress(
        who,
        queue,
        sum(by_decision.values()),
        by_decision["include"],
        by_decision["exclude"],
        by_decision["maybe"],
        dict(sorted(why.items())),
    )


def stage_records_from(db: sqlite_utils.Database, title_abstract: dict[int, Verdict]) -> list[int]:
    """The full-text records (import order) from already computed title/abstract verdicts."""
    return [
        rid
        for (rid,) in db.execute("select id from records where duplicate_of is null order by id")
        if (v := title_abstract.get(rid)) is not None and v.decision in ("include", "maybe")
    ]


def human_reviewers(db: sqlite_utils.Database) -> list[str]:
    """Every reviewer with a human (or imported) decision row at any stage, by name (from
    ``decision_reviewers``, kept by a trigger: migration 006)."""
    marks = ", ".join("?" * len(HUMAN_SOURCES))
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT reviewer FROM decision_reviewers"
            f" WHERE source IN ({marks}) AND n > 0 ORDER BY reviewer",
            list(HUMAN_SOURCES),
        )
    ]
