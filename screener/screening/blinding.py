"""Blinded dual screening: who may see which decisions, and the `screener unblind` record.

Rules (the protocol's ``[screening] blind``; default true when ``reviewers`` is 2 or more):

* While a review is **blinded** (``blind`` is true and nobody has run ``screener unblind``), a
  reviewer sees only their own decisions, the automation (``criteria``) exclusions and the
  totals (final verdicts, counts of conflicts and awaiting records). Nobody sees another
  reviewer's decisions: ``status`` and ``conflicts`` show per-reviewer figures only for the
  reviewer named with ``--reviewer``; agreement (kappa) and the reviewers' votes on a conflict
  are withheld; ``export --format decisions`` writes only that reviewer's rows. Consensus
  decisions need the votes, so resolving conflicts needs the review unblinded.
* ``screener unblind`` (the lead) lifts blinding for everyone, for good: a row of the
  ``unblinding`` table records who and when. Running it again adds nothing.
* A review with ``blind = false`` (the default with one reviewer) is never blinded.

:func:`blinded` is the one test every command and the app use.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from screener.db import Review, now, transaction
from screener.errors import DataError
from screener.screening.protocol import load_protocol


@dataclass(frozen=True)
class Unblinding:
    """The `screener unblind` that lifted blinding: who ran it and when (UTC, ISO 8601)."""

    reviewer: str
    at: str
    note: str | None = None


def unblinding(db: sqlite_utils.Database) -> Unblinding | None:
    """The first `unblind` of the review, or None while nobody has run it."""
    row = db.execute(
        "select reviewer, created_at, note from unblinding order by id limit 1"
    ).fetchone()
    return None if row is None else Unblinding(row[0], row[1], row[2])


def blinded(review: Review) -> bool:
    """True while each reviewer may see only their own decisions (see the module docstring)."""
    return load_protocol(review.protocol_path).blind and unblinding(review.db) is None


def unblind(db: sqlite_utils.Database, reviewer: str, note: str | None = None) -> Unblinding:
    """Lift blinding (one committed row naming ``reviewer``); return the unblinding in force
    (the earlier one when the review was already unblinded)."""
    if not reviewer.strip():
        raise DataError("unblind needs the name of who lifts the blinding (--reviewer NAME).")
    with transaction(db):  # check and insert under one write lock
        earlier = unblinding(db)
        if earlier is not None:
            return earlier
        db.execute(
            "insert into unblinding (reviewer, note, created_at) values (?, ?, ?)",
            [reviewer.strip(), note, now()],
        )
    found = unblinding(db)
    assert found is not None
    return found


def require_unblinded(review: Review, what: str) -> None:
    """Raise DataError naming ``what`` (e.g. "Resolving conflicts") while the review is blinded."""
    if blinded(review):
        raise DataError(
            f"{what} shows every reviewer's decisions, and this review is blinded.",
            hint="When both reviewers have finished, the lead runs `screener unblind --reviewer"
            " NAME` (recorded with who and when).",
        )
