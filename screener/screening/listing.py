"""The record list: the records of a stage filtered by decision, reason, reviewer, label or text.

A filter is typed as words; ``key:value`` words filter, the other words must all occur in the
title, translated title, authors or abstract (case-insensitive)::

    decision:exclude reason:population label:"check dose" tacrolimus
    reviewer:bob decision:include           (bob's decisions: only when not blinded)

* ``decision:`` include, exclude, maybe or undecided; ``reason:`` words of the reason. Both
  apply to the viewer's own decisions, or to ``reviewer:NAME``'s when given.
* ``reviewer:NAME`` the records NAME has decided. While the review is blinded only the viewer
  may be named (:class:`~screener.errors.ScreenerError` otherwise).
* ``label:`` a label the record carries (:mod:`screener.screening.labels`), case-insensitive.
  While the review is blinded the labels listed and filtered on are the viewer's own.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

import sqlite_utils

from screener.errors import ScreenerError
from screener.screening.labels import record_labels
from screener.screening.verdict import HUMAN_SOURCES, Decision, current_decisions

KEYS = ("decision", "reason", "reviewer", "label")
DECISION_WORDS = ("include", "exclude", "maybe", "undecided")


@dataclass(frozen=True)
class RecordFilter:
    decision: str | None = None
    reason: str | None = None
    reviewer: str | None = None
    label: str | None = None
    words: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ListedRecord:
    record_id: int
    title: str
    year: int | None
    decision: str | None  # the decision filtered on (the viewer's, or reviewer:NAME's)
    reason: str | None
    labels: list[str]


def parse_filter(text: str) -> RecordFilter:
    """Read a typed filter; an unknown key or decision is a ScreenerError naming it."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.replace('"', " ").split()
    found: dict[str, str] = {}
    free: list[str] = []
    for word in words:
        key, sep, value = word.partition(":")
        if sep and key.lower() in KEYS and value:
            found[key.lower()] = value
        elif sep and key.isalpha() and value and key.lower() not in KEYS:
            raise ScreenerError(
                f"Unknown filter {key}: use {', '.join(k + ':' for k in KEYS)} or plain words."
            )
        else:
            free.append(word)
    decision = found.get("decision", "").lower() or None
    if decision is not None:
        matches = [d for d in DECISION_WORDS if d.startswith(decision)]
        if len(matches) != 1:
            raise ScreenerError(f"decision:{decision}? Use {', '.join(DECISION_WORDS)}.")
        decision = matches[0]
    return RecordFilter(
        decision, found.get("reason"), found.get("reviewer"), found.get("label"), free
    )


def _text_matches(db: sqlite_utils.Database, ids: list[int], words: list[str]) -> set[int]:
    if not words:
        return set(ids)
    wanted = set(ids)
    out: set[int] = set()
    for rid, *fields in db.execute(
        "select id, title, title_translated, authors, abstract from records"
    ).fetchall():
        if rid not in wanted:
            continue
        text = " ".join(f for f in fields if f).casefold()
        if all(w.casefold() in text for w in words):
            out.add(rid)
    return out


def list_records(
    db: sqlite_utils.Database,
    stage: str,
    ids: list[int],
    viewer: str,
    flt: RecordFilter,
    blinded: bool,
    mine: dict[int, Decision] | None = None,
) -> list[ListedRecord]:
    """The records among ``ids`` (in that order) that pass the filter.

    ``mine`` overrides the viewer's decisions (the consensus ones when resolving conflicts).
    """
    who = flt.reviewer or viewer
    if blinded and who != viewer:
        raise ScreenerError(
            f"The review is blinded: you can list only your own decisions, not {who}'s."
        )
    if mine is not None and who == viewer:
        decided = mine
    else:
        current = current_decisions(db, stage, who)
        decided = {
            rid: by[who]
            for rid, by in current.items()
            if who in by and (by[who].source in HUMAN_SOURCES or who == viewer)
        }
    labels = record_labels(db, ids, viewer if blinded else None)  # blinded: own labels
    keep = _text_matches(db, ids, flt.words)
    reason = (flt.reason or "").casefold()
    label = (flt.label or "").casefold()
    titles = {
        row[0]: (row[1] or "", row[2]) for row in db.execute("select id, title, year from records")
    }
    out: list[ListedRecord] = []
    for rid in ids:
        d = decided.get(rid)
        if rid not in keep or (flt.reviewer and d is None):
            continue
        if flt.decision and (d.decision if d else "undecided") != flt.decision:
            continue
        if reason and not (d and d.reason and reason in d.reason.casefold()):
            continue
        mine_labels = labels.get(rid, [])
        if label and not any(label == x.casefold() for x in mine_labels):
            continue
        title, year = titles.get(rid, ("", None))
        out.append(
            ListedRecord(
                rid, title, year, d.decision if d else None, d.reason if d else None, mine_labels
            )
        )
    return out
